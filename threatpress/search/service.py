"""The search itself: which pages may be found, the filters, and the results of one query.

Only public pages (publishing/visibility.py) in the reader's language are ever candidates; the
index is asked which of them hold the reader's stemmed words. The index may hold text no reader
may see (a draft's row, an embargoed edition): it is only consulted inside the set of public
pages, and snippets are cut from the pages' rows, which for a public page are the published
version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from threatpress.core.models import InformationPage
from threatpress.publishing.visibility import public_pages
from threatpress.regions.models import Region
from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage, ProbabilityTerm

from .query import ParsedQuery
from .text import stems_of, words

RESULT_TYPES = (AssessmentPage, ChapterPage, EditionPage, InformationPage)
RELEVANCE, NEWEST = "relevance", "newest"


@dataclass(frozen=True)
class Hit:
    pk: int
    path: str
    year: int | None  # the edition's, None for a page outside the editions


@dataclass
class Choices:
    """What the filters offer in one language: only what public pages have."""

    years: dict[int, list[str]] = field(default_factory=dict)  # year → its editions' paths
    chapters: dict[str, str] = field(default_factory=dict)  # slug → title (newest edition's)
    chapter_paths: dict[str, list[str]] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)  # slug → name
    region_keys: dict[str, object] = field(default_factory=dict)  # slug → translation key
    probabilities: dict[str, str] = field(default_factory=dict)  # key → "Likely (50–75%)"
    edition_years: dict[str, int] = field(default_factory=dict)  # edition path → year


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    chapter: str = ""
    region: str = ""
    probability: str = ""

    def __bool__(self) -> bool:
        return bool(self.year or self.chapter or self.region or self.probability)


def choices_for(locale: Locale) -> Choices:
    choices = Choices()
    editions = public_pages(EditionPage.objects.filter(locale=locale)).order_by("-year", "path")
    for path, year in editions.values_list("path", "year"):
        choices.years.setdefault(year, []).append(path)
        choices.edition_years[path] = year
    if not editions:
        return choices
    chapters = public_pages(ChapterPage.objects.filter(locale=locale)).values_list(
        "slug", "title", "path"
    )
    newest_first = sorted(chapters, key=lambda c: (-_year_of(c[2], choices), c[2]))
    for slug, title, path in newest_first:
        choices.chapters.setdefault(slug, title)
        choices.chapter_paths.setdefault(slug, []).append(path)
    assessments = public_pages(AssessmentPage.objects.filter(locale=locale))
    tagged = Region.objects.filter(
        pk__in=AssessmentPage.regions.through.objects.filter(
            assessmentpage__in=assessments.values("pk")
        ).values("region_id")
    )
    keys = set(tagged.values_list("translation_key", flat=True))
    regions = Region.objects.filter(translation_key__in=keys).order_by("name")
    by_key: dict[object, Region] = {}
    for region in regions:  # the region's name in the reader's language where it has one
        if region.translation_key not in by_key or region.locale_id == locale.pk:
            by_key[region.translation_key] = region
    for region in sorted(by_key.values(), key=lambda r: r.name.casefold()):
        choices.regions.setdefault(region.slug, region.name)
        choices.region_keys.setdefault(region.slug, region.translation_key)
    terms = ProbabilityTerm.objects.filter(edition__in=editions.values("pk")).order_by(
        "-edition__year", "lower_bound", "sort_order"
    )
    newest = {}
    for term in terms:
        newest.setdefault(term.key, term)
    for term in sorted(newest.values(), key=lambda t: (t.lower_bound, t.upper_bound)):
        choices.probabilities[term.key] = f"{term.label} ({term.band})"
    return choices


def _year_of(path: str, choices: Choices) -> int:
    for edition_path, year in choices.edition_years.items():
        if path.startswith(edition_path):
            return year
    return 0


def candidates(locale: Locale, filters: Filters, choices: Choices) -> QuerySet:
    """The public pages of `locale` that may be found, narrowed by the filters."""
    types = ContentType.objects.get_for_models(*RESULT_TYPES).values()
    pages = Page.objects.filter(locale=locale, content_type__in=types)
    for prefixes in (
        choices.years.get(filters.year, []) if filters.year else None,
        choices.chapter_paths.get(filters.chapter, []) if filters.chapter else None,
    ):
        if prefixes is not None:
            within = Q(pk__in=[])
            for prefix in prefixes:
                within |= Q(path__startswith=prefix)
            pages = pages.filter(within)
    if filters.region or filters.probability:
        assessments = AssessmentPage.objects.filter(locale=locale)
        if filters.region:
            key = choices.region_keys.get(filters.region)
            assessments = assessments.filter(regions__translation_key=key)
        if filters.probability:
            assessments = assessments.filter(probability=filters.probability)
        pages = pages.filter(pk__in=assessments.values("pk"))
    return public_pages(pages)


def _hit(pk: int, path: str, choices: Choices) -> Hit:
    return Hit(pk, path, _year_of(path, choices) or None)


def search(
    query: ParsedQuery, locale: Locale, filters: Filters, choices: Choices, sort: str = RELEVANCE
) -> list[Hit]:
    """Every page found, best first (or newest edition first, best first within an edition).

    Without words, the filters alone choose: every page they allow, newest edition first, in
    the order of the editions' contents."""
    pages = candidates(locale, filters, choices)
    if not query:
        hits = [_hit(pk, path, choices) for pk, path in pages.values_list("pk", "path")]
        return sorted(hits, key=lambda h: (-(h.year or 0), h.path))
    # The index's search checks that every filter of its queryset names an indexed field: the
    # visibility rule's subqueries stay inside a primary-key filter it accepts.
    searchable = Page.objects.filter(pk__in=pages.values("pk")).only("pk", "path", "title")
    results = get_search_backend().search(query.search_query(), searchable, operator="and")
    # A page whose title (for an assessment, the key judgment itself) holds more of the
    # reader's words comes first; the index's relevance orders the rest.
    wanted, language = query.stems, locale.language_code
    ranked = sorted(
        enumerate(results),
        key=lambda r: (-len(wanted.intersection(stems_of(words(r[1].title), language))), r[0]),
    )
    hits = [_hit(page.pk, page.path, choices) for _, page in ranked]
    if sort == NEWEST:
        hits.sort(key=lambda h: -(h.year or 0))  # stable: best first within each edition
    return hits


def count(query: ParsedQuery, locale: Locale, filters: Filters, choices: Choices) -> int:
    if not query:
        return candidates(locale, filters, choices).count()
    searchable = Page.objects.filter(pk__in=candidates(locale, filters, choices).values("pk"))
    return get_search_backend().search(query.search_query(), searchable, operator="and").count()
