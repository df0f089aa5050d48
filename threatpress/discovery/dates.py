"""When a page became public, and when it last changed: for feeds, the sitemap and metadata.

A page is public only when it and every page above it are live (publishing/visibility.py), so it
became public at the latest of the moments each of them was first published, or, for a
translation, marked as translated. An assessment signed off weeks before its edition's release
became public at the release; a translated page at the later of its publication and its marking.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from wagtail.models import Page

from threatpress.core.tree_paths import ancestor_paths


@dataclass(frozen=True)
class PageDates:
    became_public: datetime | None
    last_changed: datetime | None  # the later of becoming public and the last publication


def _latest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def dates_for(pages: Iterable[Page]) -> dict[int, PageDates]:
    """Dates of each page by its id, in one query whatever the number of pages."""
    pages = list(pages)
    paths = set()
    for page in pages:
        paths.update(ancestor_paths(page.path, inclusive=True))  # below the tree root
    rows = {
        row["path"]: row
        for row in Page.objects.filter(path__in=paths).values(
            "path", "first_published_at", "last_published_at", "translation_state__marked_at"
        )
    }
    found = {}
    for page in pages:
        moments = []
        for path in ancestor_paths(page.path, inclusive=True):
            row = rows.get(path)
            if row is not None:
                first = row["first_published_at"] or row["last_published_at"]
                moments += [first, row["translation_state__marked_at"]]
        became_public = _latest(*moments)
        own = rows.get(page.path, {})
        found[page.pk] = PageDates(
            became_public=became_public,
            last_changed=_latest(became_public, own.get("last_published_at")),
        )
    return found


def from_loaded(page: Page, ancestors: Iterable[Page]) -> PageDates:
    """The same from pages a view has loaded already (a page's breadcrumbs), without a query.
    Translations' marking times are not among them: for a page being served that only matters
    in the rare case of a translation marked after it was last published."""
    moments = [
        p.first_published_at or p.last_published_at for p in [*ancestors, page] if p.depth >= 2
    ]
    became_public = _latest(*moments)
    return PageDates(became_public, _latest(became_public, page.last_published_at))
