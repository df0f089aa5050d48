from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem

from threatpress.publishing.wagtail_hooks import PublishersMenuItem
from threatpress.reports.models import EditionPage

from .admin_views import ConfirmView, UploadView
from .download_views import download_manuscript, may_download


@hooks.register("register_admin_urls")
def manuscript_urls():
    return [
        path("manuscripts/import/", UploadView.as_view(), name="threatpress_manuscript_upload"),
        path(
            "manuscripts/import/<str:token>/",
            ConfirmView.as_view(),
            name="threatpress_manuscript_confirm",
        ),
        path(
            "editions/<id:page_id>/manuscript.docx",
            download_manuscript,
            name="threatpress_download_manuscript",
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


class DownloadManuscriptButton(PageMenuItem):
    label = _("Download as Word")
    icon_name = "download"
    url_name = "threatpress_download_manuscript"

    def is_shown(self, user):
        return may_download(user, self.page)


@hooks.register("register_page_header_buttons")
def download_manuscript_button(page, user, view_name=None, next_url=None):
    if page.specific_class is EditionPage:
        yield DownloadManuscriptButton(page=page, priority=64)
