"""The same page in the other languages: for the language switcher and `hreflang` links.

A page's translation is offered only when it is public. When it has none, the switcher leads to
the nearest page above it that has one (the edition's home, else the site's home) and says so;
such a fallback is never announced as an `hreflang` alternate, since it is another page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Locale, Page

from threatpress.caching import fragments
from threatpress.core.request_locales import locale_codes
from threatpress.core.tree_paths import parent_path
from threatpress.discovery.addresses import route_suffix
from threatpress.reports.route_words import translate_suffix


@dataclass(frozen=True)
class Alternate:
    code: str
    name: str  # in its own language: "Lietuvių", "English"
    url: str
    current: bool = False
    same_page: bool = True  # False: the page has no translation; this leads further up
    note: str = ""  # why the link leads elsewhere, in the link's language


def _languages() -> list[tuple[str, str]]:
    return list(settings.WAGTAIL_CONTENT_LANGUAGES)


def _fallback_note(code: str) -> str:
    with translation.override(code):
        return gettext("this page is not translated: the edition’s front page")


def _home_note(code: str) -> str:
    with translation.override(code):
        return gettext("this page is not translated: the home page")


def for_page(request: HttpRequest, page: Page) -> list[Alternate]:
    codes = locale_codes(request)
    current = codes.get(page.locale_id)
    wanted = {pk: code for pk, code in codes.items() if code != current}
    found = _public_translations(page, tuple(sorted(wanted)))
    translations = {codes[locale_id]: other for locale_id, other in found.items()}
    suffix = route_suffix(request, page)
    missing = [pk for pk, code in wanted.items() if code not in translations]
    fallbacks = _fallbacks(page, missing, codes) if missing else {}
    alternates = []
    for code, name in _languages():
        if code == current:
            alternates.append(Alternate(code, name, request.path, current=True))
        elif code in translations:
            # An edition's route in that language's words: santrauka/ for summary/.
            url = (translations[code].get_url(request) or "") + translate_suffix(suffix, code)
            alternates.append(Alternate(code, name, url))
        elif code in fallbacks:
            target, note = fallbacks[code]
            url = target.get_url(request) or ""
            alternates.append(Alternate(code, name, url, same_page=False, note=note))
    return alternates


def _public_translations(page: Page, locale_ids: tuple[int, ...]) -> dict[int, Page]:
    """`page`'s public translations in these languages, by locale id. They are read for all its
    siblings at once and remembered until the next structural purge: after a release every
    page of an edition is rendered again, and this is then a query a chapter, not a page."""
    parent = parent_path(page.path)
    by_key = fragments.remember(
        "sibling-translations",
        (parent, page.depth, locale_ids),
        lambda: _translations_of_children(parent, page.depth, locale_ids),
    )
    return by_key.get(page.translation_key, {})


def _translations_of_children(parent_path: str, depth: int, locale_ids: tuple[int, ...]) -> dict:
    children = Page.objects.filter(path__startswith=parent_path, depth=depth)
    found: dict = defaultdict(dict)
    for other in fragments.public_pages(
        Page.objects.filter(
            translation_key__in=children.values("translation_key"), locale_id__in=locale_ids
        )
    ):
        found[other.translation_key][other.locale_id] = other
    return dict(found)


def _fallbacks(page: Page, locale_ids: list[int], codes: dict[int, str]) -> dict:
    """For each language, the nearest public page above `page` that exists in it: the front
    page of the edition the page belongs to, else the home page. One query."""
    from threatpress.reports.models import EditionPage

    edition_type = ContentType.objects.get_for_model(EditionPage)
    above = Page.objects.ancestor_of(page).filter(Q(depth=2) | Q(content_type=edition_type))
    candidates = fragments.public_pages(
        Page.objects.filter(
            translation_key__in=above.values("translation_key"), locale_id__in=locale_ids
        )
    ).order_by("-depth")
    found: dict[str, tuple[Page, str]] = {}
    for other in candidates:
        code = codes[other.locale_id]
        if code not in found:
            is_edition = other.content_type_id == edition_type.pk
            found[code] = (other, _fallback_note(code) if is_edition else _home_note(code))
    return found


def _regions_note(code: str) -> str:
    with translation.override(code):
        return gettext("not about this country in this language: all countries and regions")


def _regions_index_url(code: str) -> str:
    with translation.override(code):
        return reverse("regions:index")


def for_regions_index(request: HttpRequest) -> list[Alternate]:
    """The list of countries and regions in each language that has one (a language without a
    public home page has none: it answers 404). Two queries."""
    from threatpress.regions.judgments import languages_with_home

    codes = dict(Locale.objects.values_list("pk", "language_code"))
    offered = {codes[pk] for pk in languages_with_home() if pk in codes}
    current = translation.get_language()
    return [
        Alternate(code, name, _regions_index_url(code), current=code == current)
        for code, name in _languages()
        if code == current or code in offered
    ]


def for_region(request: HttpRequest, region) -> list[Alternate]:
    """A country's page in the other languages: the same region (by its translation key) where
    a public judgment in that language concerns it, else that language's list of countries and
    regions, if it has one. Three or four queries."""
    from threatpress.regions.judgments import languages_with_home, languages_with_region
    from threatpress.regions.models import Region

    codes = dict(Locale.objects.values_list("pk", "language_code"))
    with_region = languages_with_region(region)
    translations = {
        codes[other.locale_id]: other
        for other in Region.objects.filter(translation_key=region.translation_key).exclude(
            pk=region.pk
        )
        if other.locale_id in with_region and other.locale_id in codes
    }
    current = codes.get(region.locale_id)
    with_index = None
    alternates = []
    for code, name in _languages():
        if code == current:
            alternates.append(Alternate(code, name, request.path, current=True))
        elif code in translations:
            with translation.override(code):
                url = reverse("regions:detail", kwargs={"slug": translations[code].slug})
            alternates.append(Alternate(code, name, url))
        else:
            if with_index is None:
                with_index = {codes[pk] for pk in languages_with_home() if pk in codes}
            if code in with_index:
                alternates.append(
                    Alternate(
                        code,
                        name,
                        _regions_index_url(code),
                        same_page=False,
                        note=_regions_note(code),
                    )
                )
    return alternates


def for_path(request: HttpRequest) -> list[Alternate]:
    """Outside the page tree (the consent page, an error page, the search): the same address in
    the other languages, which Django's URL patterns answer in each. The search keeps the
    reader's words (not its filters, whose values differ between languages)."""
    current = translation.get_language()
    query = ""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name == "search" and request.GET.get("q"):
        query = "?" + urlencode({"q": request.GET["q"]})
    return [
        Alternate(code, name, translate_url(request.path, code) + query, current=code == current)
        for code, name in _languages()
    ]
