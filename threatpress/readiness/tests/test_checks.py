"""Each state the readiness board shows, on a small edition (2 chapters × 3 assessments, in
English and Lithuanian), built as the other tests build theirs."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from wagtail.models import Locale, Page, Workflow
from wagtail_footnotes.models import Footnote

from threatpress.conftest import as_drafts, build_edition, publish_all, translate_tree
from threatpress.exports import builder
from threatpress.exports.models import Export
from threatpress.publishing.release import schedule_release
from threatpress.publishing.roles import WORKFLOW_NAME
from threatpress.publishing.tests.media import make_document, make_image
from threatpress.readiness import checks
from threatpress.reports.models import EditionPage
from threatpress.translations.state import (
    ORIGINAL,
    OUTDATED,
    TRANSLATED,
    UNTRANSLATED,
    mark_translated,
    mark_untranslated,
)

from .helpers import assessment, board_of, draft_edition, kinds, row_of

pytestmark = pytest.mark.django_db
VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")
NOTE = "6b5a8c3e-1d2f-4a5b-9c7d-0e1f2a3b4c5d"


@pytest.fixture
def draft(site_tree):
    return draft_edition(site_tree.reports)


@pytest.fixture
def released(site_tree, engines):
    """A 2026 edition public in both languages, every file built."""
    edition = build_edition(site_tree.reports, 2026)
    publish_all(edition)
    translate_tree(edition)
    builder.build_due()
    return edition


def test_a_public_edition_with_every_file_built_is_ready(released):
    board = board_of(released)
    assert board.ready and board.blockers == []
    assert [s.locale.language_code for s in board.sections] == ["en", "lt"]
    english, lithuanian = board.sections
    assert [row.level for row in english.rows] == [0, 1, 2, 2, 2, 1, 2, 2, 2]
    assert {row.translation for row in english.rows} == {ORIGINAL}
    assert {row.translation for row in lithuanian.rows} == {TRANSLATED}
    assert lithuanian.rows[1].title == "LT Chapter 1"  # the section shows its language's pages
    assert english.rows[0].exports == {"pdf": checks.EXPORT_READY, "audio": checks.EXPORT_READY}
    assert english.rows[1].exports == {
        "pdf": checks.EXPORT_READY,
        "audio": checks.EXPORT_NOT_APPLICABLE,  # chapters have no recording
    }
    assert board.public_since is not None and board.release_at is None


def test_the_admins_language_comes_first(released):
    from threatpress.readiness.board import build_board

    board = build_board(released, "lt")
    assert [s.locale.language_code for s in board.sections] == ["lt", "en"]


def test_a_page_in_moderation_names_the_step_it_waits_for(draft, people):
    page = assessment(draft)
    state = Workflow.objects.get(name=WORKFLOW_NAME).start(page, people["author"])
    assert "waiting for “Review”" in messages(row_of(board_of(draft), page))
    state.current_task_state.approve(user=people["reviewer"])  # on to a publisher's sign-off
    assert "waiting for “Sign-off”" in messages(row_of(board_of(draft), page))


def messages(row) -> str:
    return " ".join(problem.message for problem in row.problems)


def test_workflow_states_in_moderation_rejected_and_approved(draft, people):
    page = assessment(draft)
    assert row_of(board_of(draft), page).workflow == checks.NO_WORKFLOW
    assert "not_reviewed" in kinds(row_of(board_of(draft), page))  # a warning only
    assert board_of(draft).ready

    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    state = workflow.start(page, people["author"])
    row = row_of(board_of(draft), page)
    assert row.workflow == checks.IN_MODERATION and "in_moderation" in kinds(row)
    assert not board_of(draft).ready

    state.current_task_state.reject(user=people["reviewer"])
    row = row_of(board_of(draft), page)
    assert row.workflow == checks.REJECTED and [p.kind for p in row.blockers] == ["rejected"]

    state.refresh_from_db()
    state.resume(user=people["author"])  # the author made the changes and submits again
    state.refresh_from_db()
    state.current_task_state.approve(user=people["reviewer"])  # Review
    state.refresh_from_db()
    state.current_task_state.approve(user=people["publisher"])  # Sign-off publishes
    row = row_of(board_of(draft), page)
    assert row.workflow == checks.APPROVED and row.blockers == []


def test_translation_missing_not_marked_and_out_of_date(draft):
    original = assessment(draft, "judgment-1-1")
    assessment(draft.get_translation_or_none(lt()), "judgment-1-2", "lt").delete()
    mark_untranslated(assessment(draft.get_translation(lt()), "judgment-2-1", "lt"))
    changed = assessment(draft, "judgment-2-2")
    changed.summary = "The original changed after its translation."
    changed.save_revision()

    board = board_of(draft)
    lithuanian = board.sections[1]
    by_title = {row.title: row for row in lithuanian.rows}
    missing = by_title[assessment(draft, "judgment-1-2").draft_title]
    assert missing.page is None and missing.translation == checks.MISSING
    assert missing.edit_url.endswith(f"/pages/{assessment(draft, 'judgment-1-2').pk}/edit/")
    assert by_title["LT " + assessment(draft, "judgment-2-1").title].translation == UNTRANSLATED
    assert by_title["LT " + changed.title].translation == OUTDATED
    assert by_title["LT " + original.title].translation == TRANSLATED
    blocked = {(b.row.title, b.problem.kind) for b in board.blockers}
    assert blocked == {
        (missing.title, "translation_missing"),
        ("LT " + assessment(draft, "judgment-2-1").title, "not_translated"),
        ("LT " + changed.title, "translation_outdated"),
    }
    # Reading order is the original's, with the missing page in its place.
    assert [row.level for row in lithuanian.rows] == [0, 1, 2, 2, 2, 1, 2, 2, 2]


def lt():
    from wagtail.models import Locale

    return Locale.objects.get(language_code="lt")


def test_export_states_missing_building_ready_stale_and_failed(site_tree, engines):
    edition = build_edition(site_tree.reports, 2026)
    as_drafts(edition)
    page = assessment(edition)
    # Neither public nor scheduled: there is nothing to build from yet.
    assert row_of(board_of(edition), page).exports["pdf"] == checks.EXPORT_MISSING

    publish_all(edition)
    assert row_of(board_of(edition), page).exports["pdf"] == checks.EXPORT_BUILDING

    builder.build_due()
    assert row_of(board_of(edition), page).exports == {
        "pdf": checks.EXPORT_READY,
        "audio": checks.EXPORT_READY,
    }

    page.summary = "A draft the files do not hold yet."
    page.save_revision()
    row = row_of(board_of(edition), page)
    assert row.exports["pdf"] == checks.EXPORT_STALE
    assert "export_stale" in kinds(row) and row.blockers == []

    Export.objects.filter(page=page, fmt="audio").update(state=Export.FAILED)
    row = row_of(board_of(edition), page)
    assert row.exports["audio"] == checks.EXPORT_FAILED
    assert [p.kind for p in row.blockers] == ["export_failed"]


def test_missing_alternative_texts_block(draft):
    page = assessment(draft)
    image = make_image("Chart", "c.png").pk
    page.body = [
        {"type": "figure", "value": {"image": image, "alt_text": ""}},
        {"type": "paragraph", "value": f'<p>x</p><embed embedtype="image" id="{image}" alt=""/>'},
    ]
    page.save_revision(clean=False)
    row = row_of(board_of(draft), page)
    assert [p.message for p in row.blockers] == [
        "Figure 1 has no alternative text.",
        "1 image in the text has no alternative text.",
    ]


def test_a_deleted_image_blocks_as_a_broken_link(draft):
    """An image deleted after an editor chose it: the release would show the page without it,
    so the board says which figure, and which image in the text, is gone."""
    page = assessment(draft)
    kept, gone = make_image("Chart", "c.png"), make_image("Old map", "m.png")
    gone_id = gone.pk
    page.body = [
        {"type": "figure", "value": {"image": kept.pk, "alt_text": "A chart"}},
        {"type": "figure", "value": {"image": gone_id, "alt_text": "A map"}},
        {"type": "paragraph", "value": f'<p><embed embedtype="image" id="{gone_id}" alt="x"/></p>'},
    ]
    page.save_revision(clean=False)
    assert row_of(board_of(draft), page).blockers == []
    gone.delete()
    row = row_of(board_of(draft), page)
    assert [p.message for p in row.blockers] == [
        f"Figure 2 shows an image that no longer exists (image {gone_id}).",
        f"An image in the text no longer exists (image {gone_id}).",
    ]


def test_link_ids_no_row_can_have_are_broken_links_not_an_error(draft):
    """Hand-made drafts (an import, an edited request) may carry ids that are not numbers in
    ASCII or wider than any row id: the board still shows, and says the link leads nowhere."""
    huge = "9" * 20
    page = assessment(draft)
    html = (
        '<a linktype="page" id="\u00b2">x</a>'
        f'<a linktype="page" id="{huge}">y</a>'
        f'<a linktype="document" id="{huge}">z</a>'
        f'<embed embedtype="image" id="{huge}" alt="x"/>'
    )
    page.body = [{"type": "paragraph", "value": f"<p>{html}</p>"}]
    page.save_revision(clean=False)
    row = row_of(board_of(draft), page)
    assert [p.message for p in row.blockers] == [
        f"A link points to a page that no longer exists (page {huge}).",
        f"An image in the text no longer exists (image {huge}).",
        f"A link points to a document that no longer exists (document {huge}).",
    ]


def test_broken_links_and_footnotes_block_and_good_links_do_not(draft, site_tree, settings):
    other_draft = draft_edition(site_tree.reports, 2028)
    public = build_edition(site_tree.reports, 2025)
    publish_all(public)
    document = make_document("Annex", "annex.txt", "text")
    gone = make_document("Gone", "gone.txt", "text")
    gone_id = gone.pk
    gone.delete()
    links = {
        "same edition draft": assessment(draft, "judgment-2-1").pk,
        "public": assessment(public).pk,
        "other draft": assessment(other_draft).pk,
        "deleted page": 999999,
    }
    html = "".join(f'<a linktype="page" id="{pk}">{name}</a>' for name, pk in links.items())
    html += f'<a linktype="document" id="{document.pk}">annex</a>'
    html += f'<a linktype="document" id="{gone_id}">gone</a>'
    html += f'<footnote id="{NOTE}">[1]</footnote><footnote id="{"0" * 8}-0000">[2]</footnote>'
    page = assessment(draft)
    page.body = [{"type": "paragraph", "value": f"<p>{html}</p>"}]
    page.footnotes = [Footnote(uuid=NOTE, text="<p>Source.</p>", locale=page.locale)]
    page.save_revision(clean=False)

    row = row_of(board_of(draft), page)
    assert [p.message for p in row.blockers] == [
        f"A link points to “{assessment(other_draft).title}” in National Threat "
        "Assessment 2028, which is not public.",
        "A link points to a page that no longer exists (page 999999).",
        f"A link points to a document that no longer exists (document {gone_id}).",
        "1 footnote reference has no footnote.",
    ]

    # A page that is not public and in no edition (the home page taken offline).
    Page.objects.filter(pk=site_tree.home.pk).update(live=False)
    page.body = [
        {"type": "paragraph", "value": f'<p><a linktype="page" id="{public.pk}">x</a></p>'}
    ]
    page.footnotes = []
    page.save_revision(clean=False)
    row = row_of(board_of(draft), page)
    assert [p.message for p in row.blockers] == [
        f"A link points to “{public.title}” in {public.title}, which is not public."
    ]


def test_release_time_is_shown_in_the_sites_time_zone(draft, people):
    board = board_of(draft)
    assert board.release_at is None and board.public_since is None
    when = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0)
    schedule_release(draft, when, people["publisher"])
    board = board_of(draft)
    assert board.release_at == when
    assert board.release_at.tzinfo == VILNIUS and board.time_zone == "Europe/Vilnius"


def test_text_saved_after_the_release_was_scheduled_blocks_until_it_is_scheduled_again(
    draft, people
):
    """A release publishes the revisions it scheduled: a correction saved afterwards (by hand,
    or by importing the manuscript again) would not go out, and the board must not say ready."""
    when = timezone.now() + datetime.timedelta(days=2)
    schedule_release(draft, when, people["publisher"])
    page = assessment(draft)
    assert board_of(draft).ready

    page = page.get_latest_revision_as_object()
    page.summary = "A correction after the release was scheduled."
    page.save_revision(user=people["publisher"])
    board = board_of(draft)
    assert not board.ready
    assert [p.kind for p in row_of(board, page).blockers] == ["changed_since_scheduled"]
    translation = assessment(
        draft.get_translation(Locale.objects.get(language_code="lt")), language="lt"
    )
    assert "translation_outdated" in kinds(row_of(board, translation, "lt"))

    mark_translated(translation, people["publisher"])  # the translator follows the correction
    assert [p.kind for p in row_of(board_of(draft), page).blockers] == ["changed_since_scheduled"]
    schedule_release(EditionPage.objects.get(pk=draft.pk), when, people["publisher"])
    assert board_of(draft).ready


def test_a_language_whose_pages_above_the_edition_are_not_public_blocks(draft):
    assert board_of(draft).ready
    lithuanian_edition = draft.get_translation(
        draft.locale.__class__.objects.get(language_code="lt")
    )
    reports = lithuanian_edition.get_parent()
    Page.objects.filter(pk=reports.pk).update(live=False)  # a translated index never published
    board = board_of(draft)
    assert not board.ready
    [blocker] = board.blockers
    assert blocker.row.page.pk == lithuanian_edition.pk and blocker.problem.kind == "not_reachable"
    assert f"“{reports.draft_title}”, above this edition, is not public" in (
        blocker.problem.message
    )
