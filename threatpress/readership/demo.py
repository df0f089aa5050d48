"""Synthetic readership totals for the demo, so that `make run` shows a Readership screen with
something on it. Made up, reproducible (a fixed seed), and written only into an empty readership
database: once anything has been counted, or the demo has loaded them once, they are left alone.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from wagtail.models import Page

from threatpress.publishing.visibility import public_pages
from threatpress.reports.models import AssessmentPage, EditionPage

from .counting import today
from .models import DownloadDay, PageViewDay, SearchTermDay

DAYS = 56
SEED = 2026
QUERIES = (
    # (query, relative popularity, share of searches that find nothing)
    ("russia", 30, 0.0),
    ("belarus", 22, 0.0),
    ("cyber", 18, 0.0),
    ("kaliningrad", 12, 0.0),
    ("china", 11, 0.0),
    ("nuclear power plant", 8, 0.0),
    ("disinformation", 8, 0.0),
    ("migrants", 6, 0.0),
    ("hybrid warfare", 5, 1.0),
    ("ostrovets", 3, 0.0),
    ("sabotage railway", 3, 1.0),
    ("grėsmės", 2, 1.0),
)
DOWNLOADS = (("pdf", "screen", "en", 10), ("pdf", "print", "en", 4), ("pdf", "screen", "lt", 6))
DOWNLOADS += (("audio", "mp3", "en", 3),)


def demo_exists() -> bool:
    return any(m.objects.exists() for m in (PageViewDay, DownloadDay, SearchTermDay))


def _daily_factor(day: date, end: date, rng: random.Random) -> float:
    """Quieter at weekends, a burst of press coverage three weeks ago, some noise."""
    factor = 0.55 if day.weekday() >= 5 else 1.0
    age = (end - day).days
    if 19 <= age <= 23:
        factor *= 3.5 - 0.5 * (age - 19)
    return factor * rng.uniform(0.75, 1.25)


def page_weights(pages: list[Page]) -> dict[int, float]:
    """Typical views a day: the home page and the newest edition most, each assessment by
    popularity rank (a long tail), older editions a fraction of the newest."""
    editions = sorted((p for p in pages if isinstance(p, EditionPage)), key=lambda e: -e.year)
    newest = editions[0].path if editions else None
    weights: dict[int, float] = {}
    ranks: dict[str, int] = {}  # per edition (the first four steps of a tree path)
    for page in pages:
        if isinstance(page, AssessmentPage):
            rank = ranks[page.path[:16]] = ranks.get(page.path[:16], -1) + 1
            weight = 16 / (1 + 0.3 * rank)
        else:
            weight = {2: 60.0, 3: 8.0, 4: 30.0}.get(page.depth, 5.0)
        if page.depth >= 4 and newest and not page.path.startswith(newest):
            weight *= 0.15
        weights[page.pk] = weight
    return weights


def load_synthetic_counts(days: int = DAYS) -> bool:
    """Write `days` days of made-up totals, ending yesterday; False if there were counts already."""
    if demo_exists():
        return False
    pages = list(public_pages(Page.objects.filter(depth__gt=1)).specific().order_by("path"))
    if not pages:
        return False
    rng = random.Random(SEED)  # noqa: S311 - made-up numbers, reproducible on purpose
    weights = page_weights(pages)
    newest = max(
        (p for p in pages if isinstance(p, EditionPage)), key=lambda e: e.year, default=None
    )
    end = today() - timedelta(days=1)
    views, downloads, searches = [], [], []
    for age in range(days - 1, -1, -1):
        day = end - timedelta(days=age)
        factor = _daily_factor(day, end, rng)
        for page in pages:
            count = round(weights[page.pk] * factor * rng.uniform(0.5, 1.2))
            if count:
                views.append(PageViewDay(page=page, route="", date=day, views=count))
        if newest is None:
            continue
        count = round(25 * factor * rng.uniform(0.6, 1.1))
        views.append(PageViewDay(page=newest, route="summary", date=day, views=count))
        for kind, fmt, language, base in DOWNLOADS:
            count = round(base * factor * rng.uniform(0.2, 1.2))
            if count:
                downloads.append(
                    DownloadDay(
                        page=newest,
                        kind=kind,
                        format=fmt,
                        language=language,
                        date=day,
                        downloads=count,
                    )
                )
        for query, popularity, empty_share in QUERIES:
            count = round(popularity * factor * rng.uniform(0.0, 0.5))
            if count:
                searches.append(
                    SearchTermDay(
                        query=query,
                        language="lt" if query == "grėsmės" else "en",
                        date=day,
                        searches=count,
                        zero_results=round(count * empty_share),
                    )
                )
    PageViewDay.objects.bulk_create(views)
    DownloadDay.objects.bulk_create(downloads)
    SearchTermDay.objects.bulk_create(searches)
    return True
