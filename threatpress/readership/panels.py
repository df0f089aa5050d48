"""A panel on the admin dashboard: the last week in one line and one small chart."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from . import charts, summary
from .models import DownloadDay

PANEL_DAYS = 7


class ReadershipPanel(Component):
    name = "readership"
    template_name = "readership/admin/panel.html"
    order = 150

    class Media:
        css = {"all": ["readership/admin.css"]}

    def get_context_data(self, parent_context=None):
        period = summary.Period.last(PANEL_DAYS)
        per_day = summary.views_per_day(period)
        downloads = DownloadDay.objects.filter(date__range=(period.start, period.end)).aggregate(
            n=Sum("downloads")
        )["n"]
        searches, _empty, _withheld = summary.search_totals(period)
        return {
            "days": PANEL_DAYS,
            "views": sum(value for _day, value in per_day),
            "downloads": downloads or 0,
            "searches": searches,
            "chart": charts.daily_bar_chart(
                per_day, chart_id="readership-panel-views", label=_("page views")
            ),
        }
