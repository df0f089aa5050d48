"""The admin's Readership screen: views over time, most-read pages, downloads and searches."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from threatpress.core.admin_screens import AdminScreen
from threatpress.reports.models import AssessmentPage

from . import charts, summary
from .models import VIEW_PERMISSION


def may_view(user) -> bool:
    """Reviewers, Publishers and superusers (roles.py grants the permission to the first two)."""
    return user.is_active and user.has_perm(VIEW_PERMISSION)


def _with_bars(rows: list, attribute: str) -> list[tuple[object, object]]:
    maximum = max((getattr(row, attribute) for row in rows), default=0)
    return [(row, charts.bar(getattr(row, attribute), maximum)) for row in rows]


class ReadershipView(AdminScreen, TemplateView):
    page_title = _("Readership")
    header_icon = "view"
    template_name = "readership/admin/dashboard.html"

    def dispatch(self, request, *args, **kwargs):
        if not may_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def period_days(self) -> int:
        try:
            days = int(self.request.GET.get("days", summary.DEFAULT_PERIOD))
        except ValueError:
            return summary.DEFAULT_PERIOD
        return days if days in summary.PERIODS else summary.DEFAULT_PERIOD

    def get_context_data(self, **kwargs):
        days = self.period_days()
        period = summary.Period.last(days)
        per_day = summary.views_per_day(period)
        assessments = summary.top_pages(period, self.request, page_type=AssessmentPage)
        pages = summary.top_pages(period, self.request, limit=10)
        downloads = summary.downloads(period)
        searches, empty_searches, withheld = summary.search_totals(period)
        return super().get_context_data(
            days=days,
            periods=summary.PERIODS,
            period=period,
            views_per_day=per_day,
            total_views=sum(value for _day, value in per_day),
            views_chart=charts.daily_bar_chart(
                per_day, chart_id="readership-views", label=str(_("page views"))
            ),
            top_assessments=_with_bars(assessments, "views"),
            top_pages=_with_bars(pages, "views"),
            downloads=_with_bars(downloads, "downloads"),
            total_downloads=sum(row.downloads for row in downloads),
            top_searches=_with_bars(summary.top_searches(period), "searches"),
            zero_result_searches=_with_bars(summary.zero_result_searches(period), "zero_results"),
            total_searches=searches,
            total_empty_searches=empty_searches,
            withheld_searches=withheld,
            **kwargs,
        )
