from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem

from threatpress.reports.models import EditionPage

from .views import ReadinessView, may_see_board


@hooks.register("register_admin_urls")
def readiness_urls():
    return [
        path(
            "readiness/edition/<id:page_id>/",
            ReadinessView.as_view(),
            name="threatpress_readiness",
        )
    ]


class ReadinessButton(PageMenuItem):
    label = _("Readiness")
    icon_name = "tasks"
    url_name = "threatpress_readiness"

    def is_shown(self, user):
        return may_see_board(user, self.page)


@hooks.register("register_page_header_buttons")
def readiness_button(page, user, view_name=None, next_url=None):
    if page.specific_class is EditionPage:
        yield ReadinessButton(page=page, priority=61)
