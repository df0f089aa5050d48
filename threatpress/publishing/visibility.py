"""The one place that decides whether content is public.

Every public surface (pages, listings, the summary and archive, later search, feeds, sitemaps,
exports) asks these functions instead of filtering on `live` itself, so that embargoes and
expiry (the release-day issue) change one module, not every view.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import QuerySet
from wagtail.models import Page

P = TypeVar("P", bound=QuerySet)


def public_pages(queryset: P) -> P:
    """Restrict a page queryset to what an anonymous reader may see."""
    return queryset.live().public()


def is_public(page: Page) -> bool:
    """True when an anonymous reader may see this page."""
    if not page.live:
        return False
    return not page.get_view_restrictions().exists()
