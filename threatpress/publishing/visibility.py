"""The one place that decides whether content is public.

A page is public when it is live, every page above it is live, no view restriction covers it,
and neither it nor a page above it is a translation still waiting for its translator (a copy
Wagtail made in another language holds the original's text until then; translations/models.py).
An image or document is public when a public page uses it (Wagtail's reference index records
every use, in rich text and StreamField alike). Every public surface (pages, listings, the
summary and archive, media files and documents, later search, feeds, sitemaps and exports) asks
these functions instead of filtering on `live` itself.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr
from wagtail.models import Page, PageViewRestriction, ReferenceIndex

from threatpress.core.ids import parse_id

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


def _unpublished_above() -> Exists:
    """True for a page below a page (under the tree root) that is not live: Wagtail would route
    through a draft edition to a live assessment, and so would a listing that only checks `live`."""
    return Exists(
        Page.objects.filter(
            depth__gt=1, live=False, path=Substr(OuterRef("path"), 1, Length("path"))
        )
    )


def _untranslated_here_or_above() -> Exists:
    """True for a page that is, or sits below, a translation not yet marked as translated."""
    from threatpress.translations.models import TranslationState

    return Exists(
        TranslationState.objects.filter(
            translated=False, page__path=Substr(OuterRef("path"), 1, Length("page__path"))
        )
    )


def public_pages(queryset: P) -> P:
    """Restrict a page queryset to what an anonymous reader may see."""
    return (
        queryset.live()
        .exclude(_restricted_here_or_above())
        .exclude(_unpublished_above())
        .exclude(_untranslated_here_or_above())
    )


def hidden_by_tree(page: Page) -> bool:
    """True when a page above this one (below the tree root) is not live, or when this page or
    one above it is a translation not yet marked as translated.

    Wagtail routes through a draft parent to a live child, so without this check an assessment
    could be read at its URL while its edition or chapter is still unpublished.
    """
    unpublished_above = Q(depth__gt=1, live=False) & ~Q(pk=page.pk)
    untranslated = Q(translation_state__translated=False)
    return (
        Page.objects.ancestor_of(page, inclusive=True)
        .filter(unpublished_above | untranslated)
        .exists()
    )


def hiding_pages() -> tuple[frozenset[str], frozenset[str]]:
    """The paths of the pages below the tree root that are not live, and of the translations not
    yet marked as translated: what `hidden_by_tree` looks for above a page, read at once."""
    from threatpress.translations.models import TranslationState

    not_live = (
        Page.objects.filter(depth__gt=1, live=False).order_by().values_list("path", flat=True)
    )
    untranslated = TranslationState.objects.filter(translated=False).values_list(
        "page__path", flat=True
    )
    return frozenset(not_live), frozenset(untranslated)


def is_public(page: Page) -> bool:
    """True when an anonymous reader may see this page."""
    return page.live and public_pages(Page.objects.filter(pk=page.pk)).exists()


def used_by_pages(obj: Model, pages: QuerySet) -> bool:
    """True when one of `pages` refers to `obj` (an image or a document) in its page row."""
    # The few pages that refer to it first, then whether one of them is in `pages`: asked the
    # other way round, the database tested every page of the site against `pages`' rule (its
    # correlated subqueries), 120 ms an image on the demo's archive on SQLite.
    page_ids = referring_page_ids(type(obj), obj.pk)
    return bool(page_ids) and pages.filter(pk__in=page_ids).exists()


def referring_page_ids(model: type[Model], pk: object) -> set[int]:
    """The ids of the pages whose page row refers to the `model` object `pk` (an image or a
    document). The reference index is rebuilt from the page row on every save. For a live page
    that row is the published version, so a picture added only in a later draft is not counted.
    """
    referring = ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        to_content_type=ContentType.objects.get_for_model(model),
        to_object_id=str(pk),
    ).values_list("object_id", flat=True)
    return {pk for key in referring if (pk := parse_id(key)) is not None}


def live_pages_using(model: type[Model], pk: object) -> QuerySet:
    """The live pages whose page row refers to the `model` object `pk` (referring_page_ids)."""
    return Page.objects.filter(pk__in=referring_page_ids(model, pk), live=True)


def is_public_file(obj: Model | None) -> bool:
    """True when an image or document is used by a public page."""
    return obj is not None and used_by_pages(obj, public_pages(Page.objects.all()))


def hidden_subtrees(
    hiding: tuple[frozenset[str], frozenset[str]] | None = None,
) -> list[str]:
    """The paths of the pages that hide themselves and everything below them: pages below the
    tree root that are not live, pages with a view restriction, and translations not yet marked
    as translated. Only the topmost of them (no path in the list lies below another), so the
    list stays short however many pages an unreleased edition has. `hiding`: what
    `hiding_pages()` answers, when the caller has it already."""
    not_live, untranslated = hiding_pages() if hiding is None else hiding
    paths = {*not_live, *untranslated}
    paths.update(PageViewRestriction.objects.values_list("page__path", flat=True))
    topmost: list[str] = []
    for path in sorted(paths):  # a parent sorts before everything below it
        if not topmost or not path.startswith(topmost[-1]):
            topmost.append(path)
    return topmost


def public_pages_now(queryset: P, hidden: list[str] | None = None) -> P:
    """The same rule as `public_pages()`, with the hidden subtrees looked up now (a few small
    queries) and applied as path prefixes. For a large queryset read at once (the search over
    every page of a language) this is much faster than one correlated subquery per page; the
    answer is the state of the moment it is called, like a request's. A caller that asks
    several times in one request may pass `hidden_subtrees()` once."""
    excluded = Q()
    for path in hidden_subtrees() if hidden is None else hidden:
        excluded |= Q(path__startswith=path)
    pages = queryset.live()
    return pages.exclude(excluded) if excluded else pages
