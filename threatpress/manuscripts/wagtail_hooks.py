from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from threatpress.publishing.wagtail_hooks import PublishersMenuItem

from .admin_views import ConfirmView, UploadView


@hooks.register("register_admin_urls")
def manuscript_urls():
    return [
        path("manuscripts/import/", UploadView.as_view(), name="threatpress_manuscript_upload"),
        path(
            "manuscripts/import/<str:token>/",
            ConfirmView.as_view(),
            name="threatpress_manuscript_confirm",
        ),
    ]


@hooks.register("register_admin_menu_item")
def import_menu_item():
    # Shown to those who may import: the same test as admin_views.may_import.
    return PublishersMenuItem(
        _("Import manuscript"),
        reverse("threatpress_manuscript_upload"),
        icon_name="upload",
        order=255,
    )
