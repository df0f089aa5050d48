"""Which public addresses a change to a page affects: the one list both the in-app cache and the
front cache purge.

An edition is one unit: its pages share navigation (the chapter contents beside every
assessment, previous/next across chapters, the summary of every key judgment, the edition's
downloads), so a change to any page of it affects every page of it, in every language (the
switcher and hreflang of the translations). Beyond the edition: its ancestors (the archive and
the home page list editions), the country pages of every region its assessments are about and
their index, each language's feed and the sitemap. Other editions are untouched.

A page outside any edition (the home page, the archive, an information page) can change the
chrome of every page (header, footer, the site's name), so it purges everything.

One change is narrower: an assessment published again with only its own text changed (its body
and footnotes, its summary; its key judgment, probability, horizon, regions and address as
before) alters no other page's navigation. It alters the page itself, the edition's print view,
and the files made of it: the PDFs and recordings of its chapter and edition are then "being
prepared", which the chapter, the edition and its routes, the archive and the home page show,
as do the API's records of them. The sitemap carries its date. A new summary also shows where
the judgment is listed with it: its chapter and the edition's summary (both among the above),
the country pages of its regions, its language's feed and the API's listing of assessments.
The API's other listings, and all of them for a new body or a finished file, show none of
this (no body, no downloads), nor does a feed (an entry is dated by when it became public).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from wagtail.models import Page

from threatpress.reports import route_words

from .purge_log import EVERYTHING

# An edition's routes in every language's words: its own, and the others' that redirect to them
# (reports/route_words.py).
EDITION_ROUTES = tuple(sorted(route_words.every_suffix() | {f"{route_words.PRINT_ROUTE}/"}))
SITE_WIDE = ("/sitemap.xml",)
# The JSON API's listings without a query string (a shared cache keeps its answers for a minute,
# api/views.py); those with one are not kept by our VCL.
API_LISTINGS = ("/api/v2/editions/", "/api/v2/assessments/", "/api/v2/regions/", "/api/v2/pages/")


def _path(page: Page) -> str | None:
    parts = page.get_url_parts()
    return parts[2] if parts else None


def _language_paths(languages: Iterable[str]) -> set[str]:
    paths = set()
    for code in languages:
        with translation.override(code):
            for name in ("feed", "regions:index"):
                with contextlib.suppress(NoReverseMatch):
                    paths.add(reverse(name))
    return paths


def region_paths(assessment_ids: list[int]) -> set[str]:
    """The country pages of these assessments' regions, and each region's API record."""
    from threatpress.reports.models import AssessmentPage

    rows = (
        AssessmentPage.objects.filter(pk__in=assessment_ids)
        .exclude(regions=None)
        .values_list("regions__slug", "regions__locale__language_code", "regions__pk")
        .distinct()
    )
    paths = set()
    for slug, language, pk in rows:
        with translation.override(language):
            paths.add(reverse("regions:detail", kwargs={"slug": slug}))
        paths.add(f"/api/v2/regions/{pk}/")
    return paths


def _api_endpoint(page: Page) -> str | None:
    """The API's typed endpoint that serves `page`, if any (all pages are also at `pages`)."""
    from threatpress.reports.models import AssessmentPage, EditionPage

    return {EditionPage: "editions", AssessmentPage: "assessments"}.get(page.specific_class)


def _api_records(pages: Iterable[Page]) -> set[str]:
    """The API's records of these pages at every endpoint that serves them."""
    paths = set()
    for page in pages:
        paths.add(f"/api/v2/pages/{page.pk}/")
        endpoint = _api_endpoint(page)
        if endpoint:
            paths.add(f"/api/v2/{endpoint}/{page.pk}/")
    return paths


def _api_paths(pages: Iterable[Page]) -> set[str]:
    """The API's records of these pages, and all its listings."""
    return _api_records(pages) | set(API_LISTINGS)


def _page_paths(pages: Iterable[Page], edition: Page) -> set[str]:
    """The addresses of `pages` that have one, with the edition's routes for `edition`."""
    paths = set()
    for page in pages:
        path = _path(page)
        if path is not None:
            routes = EDITION_ROUTES if page.pk == edition.pk else ("",)
            paths.update(f"{path}{route}" for route in routes)
    return paths


def edition_paths(edition: Page) -> set[str]:
    """Every public address an edition's content shows on, in every language."""
    from threatpress.reports.models import AssessmentPage

    editions = list(Page.objects.filter(translation_key=edition.translation_key))
    paths: set[str] = set(SITE_WIDE)
    languages = {code for code, _ in settings.LANGUAGES}
    assessment_ids: list[int] = []
    for copy in editions:
        tree = Page.objects.descendant_of(copy, inclusive=True)
        pages = [*tree, *Page.objects.ancestor_of(copy).filter(depth__gt=1)]
        paths |= _api_paths(pages) | _page_paths(pages, copy)
        assessment_ids += list(tree.type(AssessmentPage).values_list("pk", flat=True))
    paths |= region_paths(assessment_ids)
    paths |= _language_paths(languages)
    return paths


def own_text_paths(page: Page, *, listed: bool = False) -> set[str]:
    """The public addresses that change when only `page`'s own text changed (see above): the page,
    the pages above it that offer downloads made of it (chapter, edition and its routes, archive,
    home page), the API's records of them and the sitemap (its date). With `listed` (its summary
    changed), also what lists it with its summary: the country pages, its language's feed and
    the API's listing of its type. (The API's listings show no body and no downloads, and a
    feed entry's date is when it became public: a new body changes neither.)"""
    from threatpress.reports.models import edition_of

    edition = edition_of(page)
    if edition is None:
        return {EVERYTHING}
    pages = [*Page.objects.ancestor_of(page).filter(depth__gt=1), page]
    paths = set(SITE_WIDE) | _api_records(pages) | _page_paths(pages, edition)
    if listed:
        paths |= region_paths([page.pk])
        endpoint = _api_endpoint(page)
        if endpoint:
            paths.add(f"/api/v2/{endpoint}/")
        with translation.override(page.locale.language_code):
            paths.add(reverse("feed"))
    return paths


def affected_paths(page: Page) -> set[str]:
    """The paths whose responses may change when `page` is published, unpublished, moved,
    deleted, scheduled or marked translated. Computed on the tree as it stands: call it before a
    move or delete for the old addresses, and after for the new ones."""
    from threatpress.reports.models import edition_of

    edition = edition_of(page)
    if edition is None:
        return {EVERYTHING}
    return edition_paths(edition)
