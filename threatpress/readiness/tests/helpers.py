"""Small editions for the board's tests, built with the project's shared helpers."""

from __future__ import annotations

from wagtail.models import Page

from threatpress.conftest import as_drafts, build_edition, translate_tree
from threatpress.readiness.board import Board, Row, build_board
from threatpress.reports.models import AssessmentPage, EditionPage


def draft_edition(reports, year: int = 2027, **sizes) -> EditionPage:
    """An edition written but never published, with a Lithuanian translation marked as
    translated (as an edition looks the week before its release)."""
    edition = build_edition(reports, year, **sizes)
    as_drafts(edition)
    translation = translate_tree(edition)
    as_drafts(translation)
    return EditionPage.objects.get(pk=edition.pk)


def assessment(edition: Page, slug: str = "judgment-1-1", language: str = "en") -> AssessmentPage:
    return AssessmentPage.objects.descendant_of(edition).get(
        slug=slug, locale__language_code=language
    )


def row_of(board: Board, page: Page, language: str = "en") -> Row:
    section = next(s for s in board.sections if s.locale.language_code == language)
    return next(r for r in section.rows if r.page is not None and r.page.pk == page.pk)


def board_of(edition: EditionPage) -> Board:
    return build_board(EditionPage.objects.get(pk=edition.pk), "en")


def kinds(row: Row) -> list[str]:
    return [problem.kind for problem in row.problems]
