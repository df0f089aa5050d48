from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import widgets as wagtailadmin_widgets
from wagtail.admin.menu import MenuItem

from .admin_views import STATE_LABELS, TranslationsIndexView, TranslationView
from .models import TranslationState
from .state import status_of


@hooks.register("register_admin_urls")
def translation_urls():
    return [
        path("translations/", TranslationsIndexView.as_view(), name="threatpress_translations"),
        path(
            "translations/page/<id:page_id>/",
            TranslationView.as_view(),
            name="threatpress_translation",
        ),
    ]


@hooks.register("register_admin_menu_item")
def translations_menu_item():
    return MenuItem(
        gettext_lazy("Translations"),
        reverse("threatpress_translations"),
        icon_name="globe",
        order=310,
    )


@hooks.register("register_page_header_buttons")
def translation_state_button(page, user, view_name=None, next_url=None):
    status = status_of(page)
    if status.source is not None:
        yield wagtailadmin_widgets.Button(
            _("Translation: %(state)s") % {"state": STATE_LABELS[status.state]},
            reverse("threatpress_translation", args=[page.pk]),
            icon_name="globe",
            priority=70,
        )


@hooks.register("before_publish_page")
def refuse_untranslated(request, page):
    """Publishing a copy nobody has translated would put the original's text under the other
    language's address. The draft is already saved; say what to do and go back to the editor."""
    if TranslationState.objects.filter(page_id=page.pk, translated=False).exists():
        messages.error(
            request,
            _(
                "“%(title)s” was saved but not published: it is not marked as translated yet. "
                "Translate it, then use “Mark as translated” on its Translation screen."
            )
            % {"title": page.get_admin_display_title()},
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None
