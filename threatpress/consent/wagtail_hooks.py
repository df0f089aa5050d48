from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import ConsentLogView, export_csv, may_view


@hooks.register("register_admin_urls")
def consent_log_urls():
    return [
        path("consent-log/", ConsentLogView.as_view(), name="threatpress_consent_log"),
        path("consent-log/export.csv", export_csv, name="threatpress_consent_log_csv"),
    ]


class ConsentLogMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view(request.user)


@hooks.register("register_admin_menu_item")
def consent_log_menu_item():
    return ConsentLogMenuItem(
        _("Consent log"), reverse("threatpress_consent_log"), icon_name="list-ul", order=270
    )


@hooks.register("register_permissions")
def consent_log_permission():
    """Offer the permission on the admin's group screen, so it can be given to e.g. a DPO."""
    return Permission.objects.filter(content_type__app_label="consent")
