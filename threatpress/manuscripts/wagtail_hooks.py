from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem

from threatpress.reports.models import EditionPage

from .admin_views import download_manuscript, may_download


@hooks.register("register_admin_urls")
def manuscript_urls():
    return [
        path(
            "editions/<int:page_id>/manuscript.docx",
            download_manuscript,
            name="threatpress_download_manuscript",
        )
    ]


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
