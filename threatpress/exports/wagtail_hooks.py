from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import ExportsIndexView, download_file, editions_for


@hooks.register("register_admin_urls")
def export_urls():
    return [
        path("exports/", ExportsIndexView.as_view(), name="threatpress_exports"),
        path("exports/file/<id:file_id>/", download_file, name="threatpress_export_file"),
    ]


class ExportsMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(editions_for(request.user))


@hooks.register("register_admin_menu_item")
def exports_menu_item():
    return ExportsMenuItem(
        _("Exports"), reverse("threatpress_exports"), icon_name="doc-full", order=260
    )
