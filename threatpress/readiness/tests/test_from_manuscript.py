"""Issue 9's whole path, with nothing typed by hand: the English and Lithuanian manuscripts are
imported with the command, the readiness board says what blocks the release, the translations
are marked, the publisher schedules the release, the worker prepares the files, the board says
"ready", and at the minute of release the edition, its translation and their files are public,
and not a second before."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.utils import timezone
from wagtail.models import Page

from threatpress.exports import builder
from threatpress.manuscripts.tests.builders import JUDGMENTS, import_with_command
from threatpress.manuscripts.tests.docx_builder import DocxBuilder, small_manuscript
from threatpress.publishing import scheduler
from threatpress.publishing.release import schedule_release
from threatpress.readiness.board import build_board
from threatpress.reports.models import AssessmentPage, EditionPage
from threatpress.translations.state import mark_translated

pytestmark = pytest.mark.django_db
YEAR = 2027


def lithuanian_manuscript() -> bytes:
    """The Lithuanian counterpart of small_manuscript(): the same headings, in Lithuanian."""
    built = DocxBuilder()
    built.title(f"Nacionalinis grėsmių vertinimas {YEAR}")
    built.heading("Pratarmė", 1)
    built.paragraph("Ateinančių metų grėsmės.")
    built.signature("Direktorius")
    for chapter in (1, 2):
        built.heading(f"{chapter} skyrius apie regioną", 1)
        built.paragraph(f"Apie {chapter} skyrių.")
        for place in (1, 2):
            built.heading(f"Vertinimas {chapter}.{place}: Rusija bandys mūsų ryžtą", 2)
            built.summary(f"Santrauka {chapter}.{place}.")
            built.paragraph(f"Argumentai {chapter}.{place}.")
    return built.bytes()


def import_manuscript(path, language: str) -> str:
    return import_with_command(path, language, YEAR)


def blocking_kinds(edition: EditionPage) -> set[str]:
    return {blocker.problem.kind for blocker in build_board(edition, "en").blockers}


def stand_in_file(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    data = b"".join(response.streaming_content)
    return json.loads(data.split(b"\n", 1)[1])


def test_from_two_manuscripts_to_a_released_translated_exported_edition(
    site_tree, people, engines, tmp_path, client
):
    english, lithuanian = tmp_path / "en.docx", tmp_path / "lt.docx"
    english.write_bytes(small_manuscript())
    lithuanian.write_bytes(lithuanian_manuscript())
    assert "7 created" in import_manuscript(english, "en")
    assert "7 created" in import_manuscript(lithuanian, "lt")
    edition = EditionPage.objects.get(year=YEAR, locale__language_code="en")
    translation = EditionPage.objects.get(year=YEAR, locale__language_code="lt")
    assert translation.translation_key == edition.translation_key

    # The board: the translations are not marked yet, and this site had no Lithuanian home
    # page and reports index (the import made them as Wagtail does, aliases of the English
    # ones, not yet marked as translated, so hidden from readers): both block the release.
    board = build_board(edition, "en")
    assert not board.ready and board.release_at is None
    assert blocking_kinds(edition) == {"not_translated", "not_reachable"}
    for page in translation.get_ancestors().filter(depth__gt=1):
        mark_translated(page, people["publisher"])
    assert blocking_kinds(edition) == {"not_translated"}
    for page in Page.objects.descendant_of(translation, inclusive=True):
        mark_translated(page, people["publisher"])
    assert build_board(edition, "en").ready

    when = (timezone.now() + datetime.timedelta(hours=2)).replace(microsecond=0)
    assert schedule_release(EditionPage.objects.get(pk=edition.pk), when, people["publisher"]) == 14
    builder.build_due()  # the worker prepares every file for the release
    board = build_board(edition, "en")
    assert board.ready and board.release_at == when
    assert {row.exports.get("pdf") for section in board.sections for row in section.rows} == {
        "ready"
    }

    # Embargoed: nothing is public yet, not even the prepared files.
    first_title, _summary = JUDGMENTS[0]
    edition_url = f"/en/reports/{YEAR}/"
    pdf = f"{edition_url}national-threat-assessment-{YEAR}.pdf"
    for url in (edition_url, pdf):
        assert client.get(url).status_code == 404, url

    with time_machine.travel(when + datetime.timedelta(seconds=1), tick=False):
        scheduler.tick()
        page = client.get(edition_url)
        assert page.status_code == 200
        assert first_title in page.content.decode()
        content = stand_in_file(client, pdf)
        assert content["title"] == f"National Threat Assessment {YEAR}"
        assert content["assessments"][0] == first_title
        assessment = AssessmentPage.objects.get(
            locale__language_code="lt", title__startswith="Vertinimas 1.1"
        )
        translated = client.get(assessment.get_url())
        assert translated.status_code == 200
        assert "Santrauka 1.1." in translated.content.decode()
