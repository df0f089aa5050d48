"""The totals the admin dashboard shows, for a period of whole days ending today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum
from django.http import HttpRequest
from django.urls import NoReverseMatch
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from .counting import today
from .models import DownloadDay, PageViewDay, SearchTermDay

PERIODS = (7, 30, 90, 365)
DEFAULT_PERIOD = 30


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def last(cls, days: int, end: date | None = None) -> Period:
        end = end or today()
        return cls(end - timedelta(days=days - 1), end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]


@dataclass
class PageRow:
    title: str
    route: str  # the route's path below the page ("summary/"), or ""
    kind: str  # the page type's name
    url: str | None
    admin_page_id: int
    views: int


@dataclass
class DownloadRow:
    kind: str
    format: str
    language: str
    downloads: int


@dataclass
class SearchRow:
    query: str
    language: str
    searches: int
    zero_results: int


def views_per_day(period: Period) -> list[tuple[date, int]]:
    totals = dict(
        PageViewDay.objects.filter(date__range=(period.start, period.end))
        .values("date")
        .annotate(total=Sum("views"))
        .values_list("date", "total")
    )
    return [(day, totals.get(day, 0)) for day in period.dates()]


def _route_path(page: Page, route: str) -> str:
    specific = page.specific
    if isinstance(specific, RoutablePageMixin):
        try:
            return specific.reverse_subpage(route).lstrip("/")
        except NoReverseMatch:
            pass
    return f"{route}/"


def top_pages(
    period: Period,
    request: HttpRequest | None = None,
    limit: int = 20,
    page_type: type[Page] | None = None,
) -> list[PageRow]:
    """The most-read pages (and routes), optionally of one page type only."""
    rows = PageViewDay.objects.filter(date__range=(period.start, period.end))
    if page_type is not None:
        rows = rows.filter(page__content_type=ContentType.objects.get_for_model(page_type))
    rows = list(
        rows.values("page_id", "route")
        .annotate(total=Sum("views"))
        .order_by("-total", "page_id", "route")[:limit]
    )
    pages = Page.objects.filter(pk__in={row["page_id"] for row in rows}).select_related(
        "content_type"
    )
    pages = {page.pk: page for page in pages}
    result = []
    for row in rows:
        page = pages.get(row["page_id"])
        if page is None:
            continue
        route = _route_path(page, row["route"]) if row["route"] else ""
        url = page.get_url(request)
        result.append(
            PageRow(
                title=page.get_admin_display_title(),
                route=route,
                kind=str(page.page_type_display_name),
                url=(url + route) if url else None,
                admin_page_id=page.pk,
                views=row["total"],
            )
        )
    return result


def downloads(period: Period) -> list[DownloadRow]:
    rows = (
        DownloadDay.objects.filter(date__range=(period.start, period.end))
        .values("kind", "format", "language")
        .annotate(total=Sum("downloads"))
        .order_by("-total", "kind", "format", "language")
    )
    labels = dict(DownloadDay.KINDS)
    return [
        DownloadRow(str(labels.get(r["kind"], r["kind"])), r["format"], r["language"], r["total"])
        for r in rows
    ]


def _searches(period: Period):
    return (
        SearchTermDay.objects.filter(date__range=(period.start, period.end))
        .exclude(query=SearchTermDay.WITHHELD)
        .values("query", "language")
        .annotate(total=Sum("searches"), empty=Sum("zero_results"))
    )


def top_searches(period: Period, limit: int = 20) -> list[SearchRow]:
    rows = _searches(period).order_by("-total", "query", "language")[:limit]
    return [SearchRow(r["query"], r["language"], r["total"], r["empty"]) for r in rows]


def zero_result_searches(period: Period, limit: int = 20) -> list[SearchRow]:
    rows = _searches(period).filter(empty__gt=0).order_by("-empty", "query", "language")[:limit]
    return [SearchRow(r["query"], r["language"], r["total"], r["empty"]) for r in rows]


def search_totals(period: Period) -> tuple[int, int, int]:
    """All searches, those that found nothing, and those withheld as possibly personal."""
    rows = SearchTermDay.objects.filter(date__range=(period.start, period.end))
    totals = rows.aggregate(total=Sum("searches"), empty=Sum("zero_results"))
    withheld = rows.filter(query=SearchTermDay.WITHHELD).aggregate(n=Sum("searches"))["n"]
    return totals["total"] or 0, totals["empty"] or 0, withheld or 0
