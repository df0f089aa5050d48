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
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import translation
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from threatpress.caching import fragments
from threatpress.core.models import InformationPage
from threatpress.publishing.visibility import hidden_subtrees, public_pages_now
from threatpress.regions.models import Region
from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage, ProbabilityTerm
from threatpress.reports.scale import band_label

from .query import ParsedQuery
from .text import title_stems

RESULT_TYPES = (AssessmentPage, ChapterPage, EditionPage, InformationPage)
RELEVANCE, NEWEST = "relevance", "newest"


# A page found: (pk, path). Plain tuples: a common word finds hundreds of pages, and only
# one screen of them is ever looked at more closely.
Hit = tuple[int, str]


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
    # The subtrees no reader may see, looked up once for the request (publishing/visibility.py).
    hidden: list[str] = field(default_factory=hidden_subtrees)
    _lengths: list[int] | None = field(default=None, repr=False)  # of the editions' paths

    def public(self, queryset: QuerySet) -> QuerySet:
        return public_pages_now(queryset, self.hidden)

    def year_of(self, path: str) -> int:
        """The year of the edition `path` belongs to; 0 outside the editions."""
        if self._lengths is None:
            self._lengths = sorted({len(edition) for edition in self.edition_years})
        for length in self._lengths:
            year = self.edition_years.get(path[:length])
            if year:
                return year
        return 0


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    chapter: str = ""
    region: str = ""
    probability: str = ""

    def __bool__(self) -> bool:
        return bool(self.year or self.chapter or self.region or self.probability)


def choices_for(locale: Locale) -> Choices:
    """The filters' choices in `locale`, with the hidden subtrees they were worked out with,
    shared until the next purge (threatpress/caching/fragments.py): publishing, withdrawing,
    restricting a page or marking a translation translated purges. Read-only for callers."""

    def build() -> Choices:
        choices = _choices_for(locale, fragments.hidden_subtrees())
        choices.year_of("")  # settles its lazy part before other requests share it
        return choices

    return fragments.remember("search-choices", (locale.pk, translation.get_language()), build)


def _choices_for(locale: Locale, hidden: list[str]) -> Choices:
    choices = Choices(hidden=hidden)
    editions = choices.public(EditionPage.objects.filter(locale=locale))
    for path, year in editions.order_by("-year", "path").values_list("path", "year"):
        choices.years.setdefault(year, []).append(path)
        choices.edition_years[path] = year
    if not choices.years:
        return choices
    chapters = choices.public(ChapterPage.objects.filter(locale=locale))
    rows = chapters.values_list("slug", "title", "path")
    for slug, title, path in sorted(rows, key=lambda c: (-choices.year_of(c[2]), c[2])):
        choices.chapters.setdefault(slug, title)  # the newest edition's title
        choices.chapter_paths.setdefault(slug, []).append(path)
    assessments = choices.public(AssessmentPage.objects.filter(locale=locale))
    tagged = AssessmentPage.regions.through.objects.filter(
        assessmentpage__in=assessments.values("pk")
    ).values("region__translation_key")
    regions = Region.objects.filter(translation_key__in=tagged).values_list(
        "translation_key", "locale_id", "slug", "name"
    )
    by_key: dict[object, tuple[str, str]] = {}
    for key, locale_id, slug, name in regions:  # its name in the reader's language if it has one
        if key not in by_key or locale_id == locale.pk:
            by_key[key] = (slug, name)
    for key, (slug, name) in sorted(by_key.items(), key=lambda item: item[1][1].casefold()):
        choices.regions.setdefault(slug, name)
        choices.region_keys.setdefault(slug, key)
    terms = ProbabilityTerm.objects.filter(edition__in=editions.values("pk")).order_by(
        "-edition__year", "sort_order"
    )
    newest: dict[str, tuple[int, int, str]] = {}
    for key, label, lower, upper in terms.values_list("key", "label", "lower_bound", "upper_bound"):
        newest.setdefault(key, (lower, upper, label))
    for key, (lower, upper, label) in sorted(newest.items(), key=lambda item: item[1][:2]):
        choices.probabilities[key] = f"{label} ({band_label(lower, upper)})"
    return choices


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
    return choices.public(pages)


def search(
    query: ParsedQuery, locale: Locale, filters: Filters, choices: Choices, sort: str = RELEVANCE
) -> list[Hit]:
    """Every page found, best first (or newest edition first, best first within an edition).

    Without words, the filters alone choose: every page they allow, newest edition first, in
    the order of the editions' contents."""
    pages = candidates(locale, filters, choices)
    if not query:
        hits = list(pages.values_list("pk", "path"))
        return sorted(hits, key=lambda hit: (-choices.year_of(hit[1]), hit[1]))
    # A page whose title (for an assessment, the key judgment itself) holds more of the
    # reader's words comes first; the index's relevance orders the rest.
    wanted, language = query.stems, locale.language_code
    ranked = sorted(
        enumerate(matches(query, pages)),
        key=lambda r: (-len(wanted.intersection(title_stems(r[1][2], language))), r[0]),
    )
    hits = [(pk, path) for _, (pk, path, _title) in ranked]
    if sort == NEWEST:  # stable: best first within each edition
        hits.sort(key=lambda hit: -choices.year_of(hit[1]))
    return hits


def matches(query: ParsedQuery, pages: QuerySet) -> list[tuple[int, str, str]]:
    """(pk, path, title) of every page of `pages` that holds the words, most relevant first, as
    Wagtail's database backend ranks them.

    Wagtail's own `search()` returns model instances, ranks on SQLite with a subquery per
    result and matches on PostgreSQL against title and body joined together, which no index
    serves; for a common word over a large archive that is most of a second on SQLite and a
    tenth on PostgreSQL. The two functions below run the same match once, with the same
    expressions (each backend's query compiler's), and join the scores in Python. The stems a
    query holds are all in the index's body (the stem fields are body fields, the title's stems
    among them), so the body alone is matched: the same pages, and an index serves it."""
    backend = get_search_backend()
    kind = _database_backend(backend)
    if kind == "sqlite":
        return _sqlite_matches(query, pages)
    if kind == "postgresql":
        return _postgres_matches(query, pages, backend)
    # Any other backend: Wagtail's search as it is. It checks that every filter of its queryset
    # names an indexed field: the visibility rule's path filters stay inside a primary-key one.
    searchable = Page.objects.filter(pk__in=pages.values("pk")).only("pk", "path", "title")
    results = backend.search(query.search_query(), searchable, operator="and")
    return [(page.pk, page.path, page.title) for page in results]


def _database_backend(backend) -> str | None:
    """Which of Wagtail's database backends `backend` is, for the database in use: "sqlite" or
    "postgresql" (the functions below query its tables directly); None for any other backend."""
    # The backend modules are only importable where their index tables exist.
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

        return "sqlite" if isinstance(backend, SQLiteSearchBackend) else None
    if connection.vendor == "postgresql":
        from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend

        return "postgresql" if isinstance(backend, PostgresSearchBackend) else None
    return None


def _join(scores: dict[int, float], pages: QuerySet, best_first: bool):
    if not scores:
        return []
    rows = [row for row in pages.values_list("pk", "path", "title") if row[0] in scores]
    sign = -1 if best_first else 1
    return sorted(rows, key=lambda row: (sign * scores[row[0]], -row[0]))


def _postgres_entries(query: ParsedQuery, backend):
    """The index rows (of pages) that hold the words, and the query compiler that matched them."""
    from modelsearch.backends.database.postgres.postgres import (
        IndexEntry,
        PostgresSearchQueryCompiler,
    )

    compiler = PostgresSearchQueryCompiler(Page.objects.all(), query.search_query())
    entries = IndexEntry.objects.filter(
        content_type__in=get_descendants_content_types_pks(Page),
        body=compiler.build_tsquery(compiler.query, config=backend.config),
    )
    return entries, compiler


def _postgres_matches(query: ParsedQuery, pages: QuerySet, backend) -> list[tuple[int, str, str]]:
    entries, compiler = _postgres_entries(query, backend)
    config = backend.config
    rank = compiler.build_tsrank(F("title"), compiler.query, config=config) * F(
        "title_norm"
    ) + compiler.build_tsrank(F("body"), compiler.query, config=config)
    scored = entries.annotate(score=rank).values_list("object_id", "score")
    return _join({int(pk): score for pk, score in scored}, pages, best_first=True)


def _sqlite_entries(query: ParsedQuery):
    """The FTS rows (of pages) that hold the words, and the query compiler that matched them."""
    from modelsearch.backends.database.sqlite.query import MatchExpression
    from modelsearch.backends.database.sqlite.query import normalize as sqlite_normalize
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteFTSIndexEntry,
        SQLiteSearchQueryCompiler,
    )

    compiler = SQLiteSearchQueryCompiler(Page.objects.all(), query.search_query())
    match = MatchExpression(["body"], compiler.build_search_query(sqlite_normalize(compiler.query)))
    entries = SQLiteFTSIndexEntry.objects.filter(match).filter(
        index_entry__content_type__in=get_descendants_content_types_pks(Page)
    )
    return entries, compiler


def _sqlite_matches(query: ParsedQuery, pages: QuerySet) -> list[tuple[int, str, str]]:
    entries, compiler = _sqlite_entries(query)
    scored = entries.annotate(
        score=compiler._build_rank_expression(compiler.get_search_vectors(), None)
    ).values_list("index_entry__object_id", "score")
    # bm25(): lower is better.
    return _join({int(pk): score for pk, score in scored}, pages, best_first=False)


def _matching_ids(query: ParsedQuery, backend) -> set[int] | None:
    """The pks of every page (public or not) that holds the words, unranked; None where the
    backend is not one of Wagtail's database backends."""
    kind = _database_backend(backend)
    if kind == "sqlite":
        entries, _ = _sqlite_entries(query)
        return {int(pk) for pk in entries.values_list("index_entry__object_id", flat=True)}
    if kind == "postgresql":
        entries, _ = _postgres_entries(query, backend)
        return {int(pk) for pk in entries.values_list("object_id", flat=True)}
    return None


def count(query: ParsedQuery, locale: Locale, filters: Filters, choices: Choices) -> int:
    """How many pages the search would find (for suggestions): the same match, but no ranking
    and no titles, which a count does not need."""
    pages = candidates(locale, filters, choices)
    if not query:
        return pages.count()
    found = _matching_ids(query, get_search_backend())
    if found is None:
        return len(matches(query, pages))
    if not found:
        return 0
    return sum(1 for pk in pages.values_list("pk", flat=True) if pk in found)
