"""Reading order of an edition, fetched in a constant number of queries whatever its size."""

from __future__ import annotations

from dataclasses import dataclass, field

from wagtail.models import Page

from threatpress.caching import fragments
from threatpress.caching.fragments import public_pages
from threatpress.core.tree_paths import parent_path

from .models import AssessmentPage, ChapterPage, EditionPage, ReportsIndexPage

# What a listing shows of a page: its title and its URL (pages carry ~40 columns otherwise).
# (The live revision identifies what a page's PDF and audio must contain: exports/snapshot.py.)
LISTING_FIELDS = (
    "id",
    "title",
    "slug",
    "path",
    "depth",
    "url_path",
    "locale_id",
    "live",
    "live_revision_id",
)


@dataclass
class ChapterEntry:
    number: int
    page: ChapterPage
    assessments: list[AssessmentPage] = field(default_factory=list)


def current_edition(home: Page) -> EditionPage | None:
    """The newest public edition under this home page (so: in its language)."""
    return public_pages(EditionPage.objects.descendant_of(home)).order_by("-year").first()


def edition_contents(edition: EditionPage, drafts: bool = False) -> list[ChapterEntry]:
    """Public chapters of an edition with their public assessments, in reading order.

    With `drafts` (a preview: an editor's, or a preview link's) unpublished pages are listed too,
    so that an embargoed edition can be read as a whole before its release. Two queries, however
    many chapters and assessments there are (none when the public contents are remembered:
    threatpress/caching/fragments.py).
    """
    if drafts:
        return _read_contents(edition, _all_pages)
    # Public contents are shared between requests until the next purge; each caller gets its
    # own entries and lists (the pages themselves are read-only listings).
    stored = fragments.remember(
        "edition_contents", edition.pk, lambda: _read_contents(edition, fragments.public_pages)
    )
    return [ChapterEntry(e.number, e.page, list(e.assessments)) for e in stored]


def _read_contents(edition: EditionPage, visible) -> list[ChapterEntry]:
    chapters = [
        ChapterEntry(number=n, page=chapter)
        for n, chapter in enumerate(
            visible(ChapterPage.objects.child_of(edition)).only(*LISTING_FIELDS).order_by("path"),
            start=1,
        )
    ]
    by_path = {entry.page.path: entry for entry in chapters}
    # Listings need titles, summaries and URLs, never the bodies.
    assessments = (
        visible(AssessmentPage.objects.descendant_of(edition))
        .only(*LISTING_FIELDS, "summary")
        .order_by("path")
    )
    for assessment in assessments:
        entry = by_path.get(parent_path(assessment.path))
        if entry is not None:  # an assessment under an unpublished chapter stays hidden
            entry.assessments.append(assessment)
    return chapters


def _all_pages(queryset):
    return queryset


def is_preview(request) -> bool:
    """Set by Wagtail's preview and by preview links, never by anything a reader sends."""
    return getattr(request, "is_preview", False)


def reading_order(contents: list[ChapterEntry]) -> list[AssessmentPage]:
    return [a for entry in contents for a in entry.assessments]


def neighbours(contents: list[ChapterEntry], page: Page) -> dict[str, AssessmentPage | None]:
    """Previous and next assessment across chapter boundaries."""
    order = reading_order(contents)
    index = next((i for i, a in enumerate(order) if a.pk == page.pk), None)
    if index is None:
        return {"previous_assessment": None, "next_assessment": None}
    return {
        "previous_assessment": order[index - 1] if index > 0 else None,
        "next_assessment": order[index + 1] if index + 1 < len(order) else None,
    }


def find_in_newest_edition(
    index: ReportsIndexPage, chapter_slug: str, assessment_slug: str | None
) -> Page | None:
    """What a year-less URL means: that chapter or assessment in the newest edition having it."""
    chapters = public_pages(ChapterPage.objects.descendant_of(index)).filter(slug=chapter_slug)
    editions = {
        e.path: e.year
        for e in public_pages(EditionPage.objects.child_of(index)).only("path", "year")
    }
    candidates = []
    for chapter in chapters:
        year = editions.get(parent_path(chapter.path))
        if year is None:
            continue
        if assessment_slug is None:
            candidates.append((year, chapter))
            continue
        assessment = (
            public_pages(AssessmentPage.objects.child_of(chapter))
            .filter(slug=assessment_slug)
            .first()
        )
        if assessment is not None:
            candidates.append((year, assessment))
    if not candidates:
        return None
    return max(candidates, key=lambda pair: pair[0])[1]
