from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import two_factor, views


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("2fa/verify/", views.verify, name="two_factor_verify"),
        path("2fa/setup/", views.enrol, name="two_factor_enrol"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    if not two_factor.is_enabled():
        return None
    return {
        "url": reverse("two_factor_enrol"),
        "label": _("Two-factor authentication"),
        "help_text": _("Ask for a code from an authenticator app when you sign in."),
    }
