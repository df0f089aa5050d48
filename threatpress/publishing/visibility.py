"""The one place that decides whether content is public.

Every public surface (pages, listings, the summary and archive, later search, feeds, sitemaps,
exports) asks these functions instead of filtering on `live` itself, so that embargoes and
expiry (the release-day issue) change one module, not every view.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Length, Substr
from wagtail.models import Page, PageViewRestriction

P = TypeVar("P", bound=QuerySet)


def _restricted_here_or_above() -> Exists:
    """True for a page that has, or sits below a page that has, a view restriction.

    One correlated subquery instead of Wagtail's `.public()`, which runs a query of its own
    every time it is called.
    """
    return Exists(
        PageViewRestriction.objects.filter(
            page__path=Substr(OuterRef("path"), 1, Length("page__path"))
        )
    )


def public_pages(queryset: P) -> P:
    """Restrict a page queryset to what an anonymous reader may see."""
    return queryset.live().exclude(_restricted_here_or_above())


def has_unpublished_ancestor(page: Page) -> bool:
    """True when a page above this one (below the tree root) is not live.

    Wagtail routes through a draft parent to a live child, so without this check an assessment
    could be read at its URL while its edition or chapter is still unpublished.
    """
    return Page.objects.ancestor_of(page).filter(depth__gt=1, live=False).exists()


def is_public(page: Page) -> bool:
    """True when an anonymous reader may see this page."""
    if not page.live or has_unpublished_ancestor(page):
        return False
    return not page.get_view_restrictions().exists()
