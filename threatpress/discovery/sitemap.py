"""`/sitemap.xml`: every public page of the site in every language, with its last change and
its real translations (`xhtml:link rel="alternate" hreflang`).

Built on Django's sitemaps framework, with our own list of pages: Wagtail's sitemap lists the
default language's tree only and filters on `live` (wagtail/wagtail#407 is that bug class). Here
every page comes through `public_pages`, so a draft, a page under an unreleased edition, a
restricted page or a translation not yet marked as translated is never listed, nor announced
as anyone's alternate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from wagtail.models import Page, Site

from threatpress.caching.fragments import public_pages
from threatpress.core.tree_paths import ancestor_paths
from threatpress.reports import route_words
from threatpress.reports.models import EditionPage, HomePage, ReportsIndexPage

from .addresses import site_root
from .dates import dates_for

# Pages that list what is below them: they change whenever something below them does.
LISTINGS = (HomePage, ReportsIndexPage)


@dataclass
class Location:
    path: str  # on the site, with the language prefix: /en/reports/2026/
    language: str
    key: tuple  # the same page in every language: (translation key, route)
    lastmod: datetime | None
    alternates: list[dict[str, str]] = field(default_factory=list)


def _latest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known).replace(microsecond=0) if known else None


def site_pages(request: HttpRequest) -> list[Page]:
    """Every public page of the site the request is for, in every language, tree order."""
    site = Site.find_for_request(request)
    if site is None:
        return []
    homes = Page.objects.filter(translation_key=site.root_page.translation_key)
    below_a_home = Q(pk__in=[])
    for home in homes:
        below_a_home |= Q(path__startswith=home.path)
    return list(
        public_pages(Page.objects.filter(below_a_home))
        .select_related("locale")
        .defer_streamfields()
        .order_by("path")
    )


def locations(request: HttpRequest) -> list[Location]:
    pages = site_pages(request)
    dates = dates_for(pages)
    changed = {page.path: dates[page.pk].last_changed for page in pages}
    # A listing (home, archive) and an edition's summary show what is below them.
    below: dict[str, datetime | None] = {}
    for page in pages:
        for prefix in ancestor_paths(page.path, inclusive=True):
            below[prefix] = _latest(below.get(prefix), changed[page.path])
    edition_type = ContentType.objects.get_for_model(EditionPage).pk
    listing_types = {ContentType.objects.get_for_model(model).pk for model in LISTINGS}
    forewords = dict(
        EditionPage.objects.filter(
            pk__in=[p.pk for p in pages if p.content_type_id == edition_type]
        )
        .exclude(foreword="")
        .values_list("pk", "foreword")
    )
    found = []
    for page in pages:
        url = page.get_url_parts(request)
        if url is None:
            continue
        path = url[2]
        language = page.locale.language_code
        own = changed[page.path]
        if page.content_type_id == edition_type:
            # The routes that are pages of their own, in the edition's words (the print
            # stylesheet is not one); keyed by the route's name, the same in every language.
            for route in route_words.suffixes(language):
                name = route_words.name_of_suffix(route)
                if name == "foreword" and page.pk not in forewords:
                    continue
                lastmod = below[page.path] if name == "summary" else own
                key = (page.translation_key, name)
                found.append(Location(path + route, language, key, _latest(lastmod)))
        else:
            lastmod = below[page.path] if page.content_type_id in listing_types else own
            found.append(Location(path, language, (page.translation_key, ""), _latest(lastmod)))
    return found + region_locations(pages)


def region_locations(pages: list[Page]) -> list[Location]:
    """The countries and regions (regions/views.py) in each language whose home page is public
    here: the list, and the page of every region a public judgment in that language names. A
    region page changes when one of its judgments does, so its last change is theirs. Two
    queries a language."""
    from threatpress.regions.judgments import Tagging, public_assessments
    from threatpress.regions.models import Region

    home_type = ContentType.objects.get_for_model(HomePage).pk
    languages = {
        p.locale_id: p.locale.language_code for p in pages if p.content_type_id == home_type
    }
    found = []
    for locale_id, language in languages.items():
        latest = dict(
            Tagging.objects.filter(assessmentpage__in=public_assessments(locale_id).values("pk"))
            .values_list("region__translation_key")
            .annotate(Max("assessmentpage__last_published_at"))
        )
        if not latest:
            continue  # the list is empty until a public judgment names a region
        regions = Region.objects.filter(locale_id=locale_id, translation_key__in=list(latest))
        with translation.override(language):  # the addresses are in the language too
            found.append(
                Location(
                    reverse("regions:index"), language, ("regions",), _latest(*latest.values())
                )
            )
            for key, slug in regions.values_list("translation_key", "slug"):
                path = reverse("regions:detail", kwargs={"slug": slug})
                found.append(Location(path, language, (key, "region"), _latest(latest[key])))
    return found


class PublicPagesSitemap(Sitemap):
    """Made per request: the pages depend on the site the request is for."""

    def __init__(self, request: HttpRequest):
        self.request = request

    @cached_property
    def _locations(self) -> list[Location]:
        return locations(self.request)

    def items(self) -> list[Location]:
        return self._locations

    def location(self, item: Location) -> str:
        return item.path

    def lastmod(self, item: Location) -> datetime | None:
        return item.lastmod

    def get_urls(self, page=1, site=None, protocol=None) -> list[dict]:
        # Addresses start from the site's configured root, as canonical links do.
        root = urlsplit(site_root(self.request))
        origin = f"{root.scheme}://{root.netloc}"
        translations: dict[tuple, list[dict[str, str]]] = {}
        for item in self._locations:
            translations.setdefault(item.key, []).append(
                {"lang_code": item.language, "location": origin + item.path}
            )
        urls = self._urls(page, root.scheme, root.netloc)
        for url in urls:
            alternates = translations[url["item"].key]
            # Only real translations: a page in one language announces no alternate.
            url["alternates"] = alternates if len(alternates) > 1 else []
        return urls


def sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_views.sitemap(
        request, {"pages": PublicPagesSitemap(request)}, template_name="discovery/sitemap.xml"
    )
