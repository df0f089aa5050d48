"""One Atom feed per language (`/en/feed/`, `/lt/feed/`): new editions and assessments.

Entries are the public editions and assessments in the feed's language only (never a draft,
an embargoed edition, a restricted page or an untranslated copy: `public_pages`). An entry is
dated when it became public, so a released edition appears at its release instant with every
assessment in it, in reading order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import get_language, gettext
from wagtail.models import Page, Site

from threatpress.caching.fragments import public_pages
from threatpress.core.identity import site_identity
from threatpress.core.tree_paths import parent_path
from threatpress.reports.models import AssessmentPage, EditionPage, HomePage

from .addresses import absolute
from .dates import dates_for
from .metadata import organisation

# Newest first; a whole edition with its assessments fits (the demo's has 22 entries).
FEED_LENGTH = 50


@dataclass
class Entry:
    page: Page
    kind: str  # "edition" or "assessment"
    title: str
    summary: str
    url: str
    guid: str
    published: datetime
    updated: datetime
    categories: list[str]
    order: str  # the page's tree path: reading order within a release


def language_home(request: HttpRequest, language: str) -> HomePage | None:
    """This site's home page in `language`, if it is public."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    return (
        public_pages(HomePage.objects.filter(translation_key=site.root_page.translation_key))
        .filter(locale__language_code=language)
        .first()
    )


def tag_uri(host: str, page: Page, language: str) -> str:
    """A stable id (RFC 4151) that survives a changed slug: the page's translation key in its
    language, dated by its first publication."""
    first = page.first_published_at or page.last_published_at or timezone.now()
    return f"tag:{host},{timezone.localdate(first).isoformat()}:{page.translation_key}/{language}"


def entries(request: HttpRequest, home: HomePage) -> list[Entry]:
    language = home.locale.language_code
    host = (Site.find_for_request(request) or Site.objects.get(is_default_site=True)).hostname
    editions = {
        edition.path: edition
        for edition in public_pages(EditionPage.objects.descendant_of(home)).select_related(
            "locale"
        )
    }
    # Public assessments sit under public editions (public_pages checks every page above).
    # Their bodies are not shown, and only the newest FEED_LENGTH entries are built in full
    # (address, regions): over an archive of twenty editions, building every entry and then
    # keeping fifty took 300 ms.
    assessments = list(
        public_pages(AssessmentPage.objects.descendant_of(home))
        .select_related("locale")
        .defer_streamfields()
    )
    dates = dates_for([*editions.values(), *assessments])
    dated = []
    for page in [*editions.values(), *assessments]:
        # An edition is its own; an assessment sits two levels below its (edition, chapter).
        edition = editions.get(page.path if page.path in editions else parent_path(page.path, 2))
        if edition is None:
            continue
        became_public = dates[page.pk].became_public or edition.published_at
        dated.append((page, edition, became_public))
    # Newest first; within one release, in reading order (the edition, then its assessments).
    dated.sort(key=lambda item: item[0].path)
    dated.sort(key=lambda item: item[2], reverse=True)
    shown = dated[:FEED_LENGTH]
    regions = _region_names([page for page, _, _ in shown if isinstance(page, AssessmentPage)])
    found = []
    for page, edition, became_public in shown:
        if isinstance(page, EditionPage):
            kind, summary, categories = "edition", edition_summary(page), []
        else:
            kind, summary, categories = "assessment", page.summary, regions.get(page.pk, [])
        found.append(
            Entry(
                page=page,
                kind=kind,
                title=page.title,
                summary=summary,
                url=page.get_full_url(request),
                guid=tag_uri(host, page, language),
                published=min(edition.published_at, became_public),
                updated=became_public,
                categories=categories,
                order=page.path,
            )
        )
    return found


def _region_names(assessments: list[AssessmentPage]) -> dict[int, list[str]]:
    """The names of each assessment's regions, as `page.regions.all()` orders them. One
    query."""
    names: dict[int, list[str]] = {page.pk: [] for page in assessments}
    tagging = AssessmentPage.regions.through
    rows = (
        tagging.objects.filter(assessmentpage__in=list(names))
        .select_related("region")
        .order_by("region__name", "region__pk")
    )
    for row in rows:
        names[row.assessmentpage_id].append(row.region.name)
    return names


def edition_summary(edition: EditionPage) -> str:
    return edition.search_description or gettext(
        "Published %(date)s. Information up to %(cutoff)s."
    ) % {
        "date": date_format(timezone.localtime(edition.published_at), "DATE_FORMAT"),
        "cutoff": date_format(edition.cutoff_date, "DATE_FORMAT"),
    }


class LanguageFeed(Feed):
    """Made per request (it needs the request in every method)."""

    feed_type = Atom1Feed

    def __init__(self, request: HttpRequest):
        self.request = request
        self.language = get_language()

    def get_object(self, request, *args, **kwargs) -> HomePage:
        home = language_home(request, self.language)
        if home is None:
            raise Http404
        self.organisation = organisation(request, home.locale_id)
        return home

    def title(self, home: HomePage) -> str:
        return gettext("%(organisation)s: new editions and assessments") % {
            "organisation": self.organisation
        }

    def subtitle(self, home: HomePage) -> str:
        return site_identity(request=self.request, locale_id=home.locale_id)["tagline"]

    def link(self, home: HomePage) -> str:
        return home.get_full_url(self.request)

    def feed_url(self, home: HomePage) -> str:
        return absolute(self.request, reverse("feed"))

    def feed_guid(self, home: HomePage) -> str:
        return self.feed_url(home)

    def author_name(self, home: HomePage) -> str:
        return self.organisation

    def author_link(self, home: HomePage) -> str:
        return home.get_full_url(self.request)

    def items(self, home: HomePage) -> list[Entry]:
        return entries(self.request, home)

    def item_title(self, entry: Entry) -> str:
        return entry.title  # Atom text, escaped once by the XML writer

    def item_description(self, entry: Entry) -> str:
        return escape(entry.summary)  # an HTML summary of plain text

    def item_link(self, entry: Entry) -> str:
        return entry.url

    def item_guid(self, entry: Entry) -> str:
        return entry.guid

    item_guid_is_permalink = False

    def item_pubdate(self, entry: Entry) -> datetime:
        return entry.published

    def item_updateddate(self, entry: Entry) -> datetime:
        return entry.updated

    def item_author_name(self, entry: Entry) -> str:
        return self.organisation

    def item_categories(self, entry: Entry) -> list[str]:
        return entry.categories


def feed(request: HttpRequest) -> HttpResponse:
    return LanguageFeed(request)(request)
