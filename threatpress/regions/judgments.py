"""Every public judgment about a country or region, across editions, in a constant number of
queries however large the archive grows.

A region is a translatable snippet: the Lithuanian "Rusija" is a translation of the English
"Russia" (same `translation_key`). An assessment in a language counts for the region of that
language when it is tagged with the region *or any of its translations*: an editor's copy of an
English assessment keeps the English tags until someone changes them, and it is still about the
same country.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import pgettext_lazy
from wagtail.models import Locale

from threatpress.caching.fragments import public_pages
from threatpress.core.tree_paths import parent_path
from threatpress.reports.contents import LISTING_FIELDS
from threatpress.reports.models import (
    AssessmentPage,
    ChapterPage,
    EditionPage,
    ProbabilityTerm,
    TimeHorizon,
    _steps,
)

from .models import Region

K = TypeVar("K")

Tagging = AssessmentPage.regions.through  # assessmentpage ↔ region rows


def tagged_with(translation_keys) -> Exists:
    """True for an assessment tagged with a region of one of these translation keys (in any
    language). `translation_keys` may be a list or a subquery."""
    return Exists(
        Tagging.objects.filter(
            assessmentpage=OuterRef("pk"), region__translation_key__in=translation_keys
        )
    )


def public_assessments(locale_id: int | None = None) -> QuerySet:
    queryset = AssessmentPage.objects.all()
    if locale_id is not None:
        queryset = queryset.filter(locale_id=locale_id)
    return public_pages(queryset)


def judgment_counts(locale_id: int) -> dict:
    """{translation_key: number of public judgments in this language tagged with it}. One query."""
    rows = (
        Tagging.objects.filter(assessmentpage__in=public_assessments(locale_id).values("pk"))
        .values("region__translation_key")
        .annotate(judgments=Count("assessmentpage", distinct=True))
    )
    return {row["region__translation_key"]: row["judgments"] for row in rows}


def public_judgment_counts() -> dict[tuple[int, object], int]:
    """judgment_counts for every language at once: {(locale id, region translation key): how
    many public judgments in that language are about the region}. One query."""
    rows = (
        Tagging.objects.filter(assessmentpage__in=public_assessments().values("pk"))
        .order_by()
        .values("assessmentpage__locale_id", "region__translation_key")
        .annotate(n=Count("assessmentpage", distinct=True))
    )
    return {(r["assessmentpage__locale_id"], r["region__translation_key"]): r["n"] for r in rows}


# Headings of the index's groups (the kinds' own labels are singular: "Country").
KIND_HEADINGS = {
    Region.Kind.COUNTRY: pgettext_lazy("heading of a group of regions", "Countries"),
    Region.Kind.REGION: pgettext_lazy("heading of a group of regions", "Regions"),
    Region.Kind.ORGANISATION: pgettext_lazy("heading of a group of regions", "Organisations"),
}


@dataclass
class RegionEntry:
    region: Region
    judgments: int


@dataclass
class KindGroup:
    kind: str
    label: str
    regions: list[RegionEntry]


def regions_index(locale_id: int) -> list[KindGroup]:
    """The regions of this language that public judgments concern, grouped by kind (countries,
    regions, organisations), each with its number of judgments. Two queries."""
    counts = judgment_counts(locale_id)
    if not counts:
        return []
    regions = Region.objects.filter(locale_id=locale_id, translation_key__in=list(counts))
    by_kind: dict[str, list[RegionEntry]] = defaultdict(list)
    for region in regions.order_by("name"):
        by_kind[region.kind].append(RegionEntry(region, counts[region.translation_key]))
    return [
        KindGroup(kind, KIND_HEADINGS[kind], by_kind[kind])
        for kind in Region.Kind.values
        if kind in by_kind
    ]


def languages_with_home() -> set[int]:
    """The locale ids that have a public home page: those have a list of countries and regions
    (empty until a public judgment names one)."""
    from threatpress.reports.models import HomePage

    return set(public_pages(HomePage.objects.all()).values_list("locale_id", flat=True))


def languages_with_region(region: Region) -> set[int]:
    """The locale ids in which a public judgment concerns this region or a translation of it."""
    return set(
        public_assessments()
        .filter(tagged_with([region.translation_key]))
        .values_list("locale_id", flat=True)
        .distinct()
    )


@dataclass
class Judgment:
    page: AssessmentPage
    chapter: ChapterPage
    edition: EditionPage
    number: int = 0  # its place in its edition's list on the region page, from 1
    term: ProbabilityTerm | None = None
    horizon: TimeHorizon | None = None
    probability_steps: list[bool] = field(default_factory=list)
    horizon_steps: list[bool] = field(default_factory=list)


@dataclass
class EditionGroup:
    edition: EditionPage
    judgments: list[Judgment]


def judgments_about(region: Region) -> list[EditionGroup]:
    """Every public judgment in the region's language about it, by edition, newest first, each
    edition's in reading order. Four queries: the assessments, their chapters, their editions
    with the scale and horizons of each."""
    pages = list(
        public_assessments(region.locale_id)
        .filter(tagged_with([region.translation_key]))
        .only(*LISTING_FIELDS, "summary", "probability", "horizon")
        .order_by("path")
    )
    if not pages:
        return []
    chapters = {
        c.path: c
        for c in ChapterPage.objects.filter(path__in={parent_path(p.path) for p in pages}).only(
            *LISTING_FIELDS
        )
    }
    editions = {
        e.path: e
        for e in EditionPage.objects.filter(path__in={parent_path(p.path, 2) for p in pages})
        .only(*LISTING_FIELDS, "year", "published_at")
        .prefetch_related("probability_terms", "time_horizons")
    }
    groups: dict[str, EditionGroup] = {}
    for page in pages:
        chapter = chapters.get(parent_path(page.path))
        edition = editions.get(parent_path(page.path, 2))
        if chapter is None or edition is None:
            continue  # not where an assessment belongs: not shown
        group = groups.setdefault(edition.path, EditionGroup(edition, []))
        group.judgments.append(
            Judgment(
                page=page,
                chapter=chapter,
                edition=edition,
                number=len(group.judgments) + 1,
                term=edition.scale.get(page.probability),
                horizon=edition.horizons.get(page.horizon),
                probability_steps=_steps(list(edition.scale), page.probability, cumulative=True),
                horizon_steps=_steps(list(edition.horizons), page.horizon, cumulative=False),
            )
        )
    return sorted(groups.values(), key=lambda g: (g.edition.year, g.edition.path), reverse=True)


@dataclass(frozen=True)
class Band:
    lower: int
    upper: int
    label: str  # the term of the newest edition that uses this band
    band: str  # "50–75%"
    steps: tuple[bool, ...]  # the scale graphic of this band, as on assessment pages


@dataclass
class TimelineRow:
    edition: EditionGroup
    cells: list[list[Judgment]]  # one list of judgments per band, lowest band first


@dataclass
class Timeline:
    bands: list[Band]
    rows: list[TimelineRow]
    unstated: int  # judgments without a probability term (listed, not drawn)


def timeline(groups: Iterable[EditionGroup]) -> Timeline:
    """The probability of each judgment by edition: one row per edition (newest first), one
    column per probability band. Editions may word or cut their scales differently, so the
    columns are the bands themselves (25–50%), named by the newest edition using each."""
    groups = list(groups)
    bands: dict[tuple[int, int], ProbabilityTerm] = {}
    for group in groups:  # newest first: the first term seen names the band
        for term in group.edition.scale.values():
            bands.setdefault((term.lower_bound, term.upper_bound), term)
    ordered = sorted(bands)
    columns = [
        Band(
            lower,
            upper,
            bands[(lower, upper)].label,
            bands[(lower, upper)].band,
            tuple(i <= position for i in range(len(ordered))),
        )
        for position, (lower, upper) in enumerate(ordered)
    ]
    index = {key: i for i, key in enumerate(ordered)}
    rows, unstated = [], 0
    for group in groups:
        cells: list[list[Judgment]] = [[] for _ in ordered]
        for judgment in group.judgments:
            if judgment.term is None:
                unstated += 1
                continue
            cells[index[(judgment.term.lower_bound, judgment.term.upper_bound)]].append(judgment)
        rows.append(TimelineRow(group, cells))
    return Timeline(columns, rows, unstated)


def localized(regions: Iterable[Region], locale: Locale | int) -> list[Region]:
    """These regions in the given language where they are translated (else as they are), in the
    same order without duplicates. One query, none when they are in that language already."""
    locale_id = locale if isinstance(locale, int) else locale.pk
    return localized_many({None: list(regions)}, {None: locale_id})[None]


def localized_many(
    groups: dict[K, list[Region]], locale_ids: dict[K, int]
) -> dict[K, list[Region]]:
    """`localized` for many lists at once (each in the language `locale_ids` gives it), in one
    query for all of them, none when every region is in its list's language already."""
    wanted: dict[int, set[str]] = defaultdict(set)
    for name, regions in groups.items():
        locale_id = locale_ids[name]
        # A region already in the language is its own translation (one per language and key).
        wanted[locale_id].update(r.translation_key for r in regions if r.locale_id != locale_id)
    condition = Q()
    for locale_id, keys in wanted.items():
        if keys:
            condition |= Q(locale_id=locale_id, translation_key__in=keys)
    found = (
        {(r.locale_id, r.translation_key): r for r in Region.objects.filter(condition)}
        if condition
        else {}
    )
    localized_groups = {}
    for name, regions in groups.items():
        locale_id = locale_ids[name]
        result, seen = [], set()
        for region in regions:
            # (A region in the language needs no look-up: found holds it or nothing for its key.)
            chosen = found.get((locale_id, region.translation_key), region)
            if chosen.translation_key not in seen:
                seen.add(chosen.translation_key)
                result.append(chosen)
        localized_groups[name] = result
    return localized_groups
