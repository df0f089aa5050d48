"""The readiness board's admin screen, linked from each edition's header menu."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from threatpress.core.admin_screens import AdminScreen
from threatpress.publishing.release import can_release
from threatpress.reports.models import EditionPage

from .board import build_board


def may_see_board(user, edition: EditionPage) -> bool:
    """Anyone who may edit the edition: Publishers and Reviewers to decide, Authors to see what
    of theirs blocks the release. The board only reads; releasing stays with Publishers."""
    return edition.permissions_for_user(user).can_edit()


class ReadinessView(AdminScreen, TemplateView):
    header_icon = "tasks"
    template_name = "readiness/admin/board.html"

    def dispatch(self, request, *args, page_id: int, **kwargs):
        self.edition = get_object_or_404(EditionPage, pk=page_id)
        if not may_see_board(request.user, self.edition):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Readiness of %(title)s") % {"title": self.edition.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.edition.pk]),
                "label": self.edition.title,
            },
            {"url": "", "label": _("Readiness")},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            board=build_board(self.edition),
            can_release=can_release(self.request.user, self.edition) and not self.edition.live,
            **kwargs,
        )
