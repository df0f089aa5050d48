from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import ConfirmView, UploadView, may_import


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


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_import(request.user)


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return ImportMenuItem(
        _("Import manuscript"),
        reverse("threatpress_manuscript_upload"),
        icon_name="upload",
        order=255,
    )
