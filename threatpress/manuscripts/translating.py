"""Which page of the original edition each part of a translated manuscript translates.

A heading's bookmark names its page (the original's slug or the translation's); without one, the
place in the structure does. When the structures differ, guessing would link a text to the wrong
original, so the plan carries a blocking problem instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage

from .manuscript import Assessment, BookmarkKind, Chapter, Manuscript, Problem, bookmark_name
from .matching import BY_BOOKMARK, BY_POSITION


class NoOriginalLeft(Exception):
    pass


@dataclass
class TranslationPlan:
    edition: EditionPage  # the original
    # Each manuscript chapter with its original, and each of its assessments with its original.
    chapters: list[tuple[Chapter, ChapterPage, list[tuple[Assessment, AssessmentPage]]]] = field(
        default_factory=list
    )
    matched_by: dict[int, str] = field(default_factory=dict)  # original's pk → how
    problems: list[Problem] = field(default_factory=list)


def _bookmarks(kind: BookmarkKind, pages: list[Page], locale: Locale) -> dict[str, Page]:
    """Bookmark → original page, for the original's slugs and its translations' slugs."""
    names = {bookmark_name(kind, page.slug): page for page in pages}
    by_key = {page.translation_key: page for page in pages}
    for copy in Page.objects.filter(
        translation_key__in=list(by_key), locale=locale, depth=pages[0].depth if pages else 0
    ):
        names.setdefault(bookmark_name(kind, copy.slug), by_key[copy.translation_key])
    return names


def plan_translation(
    manuscript: Manuscript, original: EditionPage, locale: Locale
) -> TranslationPlan:
    plan = TranslationPlan(edition=original)
    chapters = list(ChapterPage.objects.child_of(original).order_by("path"))
    if len(chapters) != len(manuscript.chapters):
        plan.problems.append(
            Problem(
                "structure-mismatch",
                _(
                    "The manuscript has %(found)d chapters, the original edition %(expected)d: "
                    "a translation must have the same chapters."
                )
                % {"found": len(manuscript.chapters), "expected": len(chapters)},
            )
        )
        return plan
    children = {c.pk: list(AssessmentPage.objects.child_of(c).order_by("path")) for c in chapters}
    chapter_marks = _bookmarks("chapter", chapters, locale)
    assessment_marks = _bookmarks(
        "assessment", [a for c in chapters for a in children[c.pk]], locale
    )
    claimed: set[int] = set()
    chapter_targets = _assign(
        [c.bookmark for c in manuscript.chapters], chapter_marks, chapters, claimed
    )
    for chapter, (source, how) in zip(manuscript.chapters, chapter_targets, strict=True):
        plan.matched_by[source.pk] = how
        originals = children[source.pk]
        if len(originals) != len(chapter.assessments):
            plan.problems.append(
                Problem(
                    "structure-mismatch",
                    _(
                        "This chapter has %(found)d assessments, its original %(expected)d: a "
                        "translation must have the same assessments."
                    )
                    % {"found": len(chapter.assessments), "expected": len(originals)},
                    heading=chapter.title,
                )
            )
            continue
        try:
            targets = _assign(
                [a.bookmark for a in chapter.assessments], assessment_marks, originals, claimed
            )
        except NoOriginalLeft:
            plan.problems.append(
                Problem(
                    "structure-mismatch",
                    _(
                        "The bookmarks of this chapter's assessments name originals of another "
                        "chapter, leaving none for the rest: check the headings' bookmarks."
                    ),
                    heading=chapter.title,
                )
            )
            continue
        for page, how in targets:
            plan.matched_by[page.pk] = how
        plan.chapters.append(
            (
                chapter,
                source,
                [(a, t[0]) for a, t in zip(chapter.assessments, targets, strict=True)],
            )
        )
    return plan


def _assign(
    bookmarks: list[str], marks: dict[str, Page], pages: list[Page], claimed: set[int]
) -> list[tuple[Page, str]]:
    """Each item's original: the page its bookmark names, else the one at the same place, else
    the first one left. Bookmarks go first, so that a neighbour without one does not take the
    page a bookmark names. `claimed` is shared across calls: no original is translated twice."""
    targets: list[tuple[Page, str] | None] = [None] * len(bookmarks)
    for number, bookmark in enumerate(bookmarks):
        named = marks.get(bookmark) if bookmark else None
        if named is not None and named.pk not in claimed:
            targets[number] = (named.specific, BY_BOOKMARK)
            claimed.add(named.pk)
    for number in range(len(bookmarks)):
        if targets[number] is None:
            free = [page for page in pages if page.pk not in claimed]
            if not free:  # bookmarks from elsewhere took every original here
                raise NoOriginalLeft
            page = pages[number] if pages[number].pk not in claimed else free[0]
            targets[number] = (page, BY_POSITION)
            claimed.add(page.pk)
    return targets
