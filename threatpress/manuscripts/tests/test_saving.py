"""Saving a manuscript: drafts only, one revision per real change, the same pages found again."""

from __future__ import annotations

import itertools

import pytest
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Revision

from threatpress.manuscripts import saving
from threatpress.manuscripts.manuscript import Problem, Table, bookmark_name
from threatpress.manuscripts.matching import (
    BY_BOOKMARK,
    BY_SIMILARITY,
    BY_SLUG,
    NEW,
    SIMILARITY_THRESHOLD,
    similarity,
)
from threatpress.manuscripts.saving import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Confirmation,
    ImportRefused,
    save_manuscript,
)
from threatpress.regions.models import Region
from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage
from threatpress.translations.models import TranslationState

from .builders import JUDGMENTS, manuscript, rich_assessment

pytestmark = pytest.mark.django_db
# How an analyst rewords the first judgment of builders.JUDGMENTS between two drafts.
REWORDED = (
    "Russia will continue to test the resolve of the Baltic states",
    "Hybrid operations against critical infrastructure will continue.",
)


def save(document, language="en", confirmed=None, user=None):
    return save_manuscript(
        document,
        year=2027,
        locale=Locale.objects.get(language_code=language),
        user=user,
        confirmed=confirmed or {},
    )


def revisions(page) -> int:
    return Revision.page_revisions.filter(object_id=str(page.pk)).count()


def assessment_titled(title: str) -> AssessmentPage:
    return next(
        page
        for page in AssessmentPage.objects.all()
        if page.get_latest_revision_as_object().title == title
    )


def test_a_new_edition_is_created_as_drafts_with_one_revision_each(site_tree):
    result = save(manuscript())
    edition = EditionPage.objects.get(year=2027)
    assert edition.get_parent().pk == site_tree.reports.pk
    assert edition.title == "National Threat Assessment 2027"
    assert edition.foreword == "<p>The threats of the coming year.</p>"
    assert len(edition.scale) == 4  # the default scale
    pages = Page.objects.descendant_of(edition, inclusive=True)
    assert pages.count() == 7 and not pages.filter(live=True).exists()
    assert all(revisions(page) == 1 for page in pages)
    assert [r.action for r in result.pages] == [CREATED] * 7
    chapter = ChapterPage.objects.child_of(edition).first()
    assert chapter.title == "Chapter 1 on the region"
    assert [a.title for a in AssessmentPage.objects.child_of(chapter)] == [
        "Russia will keep testing the resolve of the Baltic states",
        "Cyber attacks on energy networks will grow in number",
    ]


def test_importing_the_same_document_again_adds_no_revision(site_tree):
    save(manuscript())
    count = Revision.objects.count()
    result = save(manuscript())
    assert Revision.objects.count() == count
    assert {r.action for r in result.pages} == {UNCHANGED}
    assert result.not_in_manuscript == []


def test_a_changed_summary_is_a_new_revision_of_that_page_only(site_tree):
    save(manuscript())
    document = manuscript()
    document.chapters[0].assessments[1].summary = "Ransomware now hits water utilities too."
    result = save(document)
    updated = [r for r in result.pages if r.action == UPDATED]
    assert len(updated) == 1
    page = AssessmentPage.objects.get(pk=updated[0].page.pk)
    assert revisions(page) == 2
    assert page.get_latest_revision_as_object().summary.startswith("Ransomware now hits")
    assert updated[0].matched_by == BY_SLUG


def test_a_reworded_judgment_updates_the_same_page_and_a_new_one_is_added(site_tree):
    save(manuscript())
    original = assessment_titled("Russia will keep testing the resolve of the Baltic states")
    document = manuscript()
    reworded = document.chapters[0].assessments[0]
    reworded.title, reworded.summary = REWORDED
    other = document.chapters[1].assessments[1]
    other.title = "Extremist groups will recruit minors through online games"
    other.summary = "Gaming platforms host most first contacts with recruiters."
    result = save(document)
    outcome = {r.page.pk: r for r in result.pages}
    assert outcome[original.pk].matched_by == BY_SIMILARITY
    assert outcome[original.pk].action == UPDATED
    assert AssessmentPage.objects.get(pk=original.pk).draft_title == reworded.title
    new = assessment_titled(other.title)
    assert outcome[new.pk].matched_by == NEW and outcome[new.pk].action == CREATED
    # the page the unrelated judgment replaced is kept and listed, not reused
    dropped = assessment_titled("Migration pressure on the eastern border will stay high")
    assert [p.pk for p in result.not_in_manuscript] == [dropped.pk]


def test_a_bookmark_finds_its_page_whatever_the_heading_says(site_tree):
    save(manuscript())
    page = assessment_titled("Cyber attacks on energy networks will grow in number")
    document = manuscript()
    moved = document.chapters[0].assessments[1]
    moved.title = "Something else entirely, about the weather"
    moved.bookmark = bookmark_name("assessment", page.slug)
    result = save(document)
    assert {r.page.pk: r.matched_by for r in result.pages}[page.pk] == BY_BOOKMARK


def test_an_assessment_moved_to_another_chapter_moves_its_page(site_tree):
    save(manuscript())
    page = assessment_titled("Russia will keep testing the resolve of the Baltic states")
    document = manuscript()
    moving = document.chapters[0].assessments.pop(0)
    document.chapters[1].assessments.insert(1, moving)
    result = save(document)
    page = AssessmentPage.objects.get(pk=page.pk)
    second_chapter = ChapterPage.objects.get(title="Chapter 2 on the region")
    assert page.get_parent().pk == second_chapter.pk
    assert [r.moved for r in result.pages if r.page.pk == page.pk] == [True]
    assert [a.pk for a in AssessmentPage.objects.child_of(second_chapter)][1] == page.pk
    assert revisions(page) == 1  # moved, text unchanged


def test_pages_no_longer_in_the_manuscript_are_kept_and_listed(site_tree):
    save(manuscript())
    document = manuscript()
    dropped = document.chapters[1].assessments.pop()
    result = save(document)
    page = assessment_titled(dropped.title)
    assert [p.pk for p in result.not_in_manuscript] == [page.pk]
    assert AssessmentPage.objects.count() == 4


def test_a_live_page_keeps_its_published_text_and_gets_a_draft(site_tree):
    save(manuscript())
    page = assessment_titled("Russia will keep testing the resolve of the Baltic states")
    page.get_latest_revision().publish()
    document = manuscript()
    document.chapters[0].assessments[0].summary = "A new summary waiting for review."
    save(document)
    page = AssessmentPage.objects.get(pk=page.pk)
    assert page.live and page.has_unpublished_changes
    assert page.summary == "Hybrid operations against critical infrastructure are set to continue."
    assert page.get_latest_revision_as_object().summary == "A new summary waiting for review."
    assert page.live_revision_id != page.latest_revision_id


def test_figures_become_one_image_however_often_they_are_imported(site_tree):
    document = manuscript()
    document.chapters[0].assessments[0] = rich_assessment()
    document.chapters[1].assessments[0].blocks = rich_assessment().blocks[-1:]  # the same picture
    save(document)
    save(document)
    assert get_image_model().objects.count() == 1
    page = assessment_titled(rich_assessment().title)
    figure = next(b for b in page.body if b.block_type == "figure").value
    assert figure["image"].pk == get_image_model().objects.get().pk
    assert figure["alt_text"] == "Bar chart: 2 cuts in 2023, 5 in 2024."
    assert figure["caption"] == "Cable cuts"


def test_every_block_kind_is_mapped_and_footnotes_are_linked(site_tree):
    document = manuscript(chapters=1, per_chapter=1)
    document.chapters[0].assessments[0] = rich_assessment()
    save(document)
    page = assessment_titled(rich_assessment().title)
    kinds = [b.block_type for b in page.body]
    assert kinds == ["paragraph", "heading", "paragraph", "paragraph", "quote", "figure"]
    notes = list(page.footnotes.all())
    assert [n.text for n in notes] == [
        "<p>Coast guard report, 2024.</p>",
        "<p>Insurance market survey.</p>",
    ]
    raw = page.body.raw_data
    assert f'<footnote id="{notes[0].uuid}">' in raw[0]["value"]
    assert raw[2]["value"] == "<ul><li>ships</li><li>anchors</li></ul>"
    assert f'<ol><li>first<footnote id="{notes[1].uuid}">' in raw[3]["value"]
    assert raw[4]["value"] == {
        "text": "Cables are the arteries of the economy.",
        "attribution": "A minister",
    }
    # the rendered page links each reference to its footnote
    html = str(page.body.render_as_block({"page": page}))
    assert 'href="#footnote-1"' in html and 'href="#footnote-2"' in html

    # importing it again keeps the footnotes' UUIDs, so nothing differs and no revision is added
    again = save(document)
    assert {r.action for r in again.pages} == {UNCHANGED}
    assert revisions(page) == 1


def test_a_table_becomes_a_table_block_with_its_header_row_and_caption(site_tree, client):
    document = manuscript(chapters=1, per_chapter=1)
    table = Table(rows=[["Year", "Cases"], ["2025", "41"]], caption="Cases by year")
    document.chapters[0].assessments[0].blocks.append(table)
    result = save(document)
    assert result.problems == []
    page = AssessmentPage.objects.get(pk=result.pages[-1].page.pk)
    (block,) = [b for b in page.get_latest_revision_as_object().body if b.block_type == "table"]
    html = str(block.render({"page": page}))
    assert "<caption" in html and "Cases by year" in html
    assert '<th scope="col"' in html and "2025" in html


def test_confirmed_probability_and_regions_are_saved(site_tree):
    belarus = Region.objects.create(name="Belarus", slug="belarus")
    result = save(
        manuscript(),
        confirmed={"1.2": Confirmation(probability="highly-likely", regions=(belarus.pk,))},
    )
    page = assessment_titled("Cyber attacks on energy networks will grow in number")
    assert page.probability == "highly-likely"
    assert list(page.regions.all()) == [belarus]
    assert result.count(CREATED) == 7


def test_a_probability_outside_the_scale_is_refused_and_nothing_saved(site_tree):
    with pytest.raises(ImportRefused) as refused:
        save(manuscript(), confirmed={"1.1": Confirmation(probability="certain")})
    assert refused.value.problems[0].code == "probability-not-in-scale"
    assert not EditionPage.objects.filter(year=2027).exists()


def test_a_manuscript_with_a_blocking_problem_is_refused(site_tree):
    document = manuscript()
    document.problems.append(Problem("missing-summary", "No summary.", heading="Chapter 1"))
    with pytest.raises(ImportRefused):
        save(document)
    assert not EditionPage.objects.filter(year=2027).exists()


def test_an_error_part_way_leaves_no_page_and_no_revision(site_tree, monkeypatch):
    pages, revisions_before = Page.objects.count(), Revision.objects.count()
    real = saving.save_revision
    calls = []

    def failing_on_the_tenth(page, user):
        calls.append(page)
        if len(calls) == 10:
            raise RuntimeError("disk full")
        real(page, user)

    monkeypatch.setattr(saving, "save_revision", failing_on_the_tenth)
    with pytest.raises(RuntimeError):
        save(manuscript(chapters=3, per_chapter=4))
    assert len(calls) == 10
    assert Page.objects.count() == pages
    assert Revision.objects.count() == revisions_before


# --- The Lithuanian manuscript ---------------------------------------------------------------


def lithuanian(chapters=2, per_chapter=2):
    document = manuscript(chapters, per_chapter, title="Nacionalinis grėsmių vertinimas 2027")
    for number, chapter in enumerate(document.chapters, start=1):
        chapter.title = f"{number} skyrius apie regioną"
        for a_number, item in enumerate(chapter.assessments, start=1):
            item.title = f"Vertinimas {number}.{a_number}: Rusija ir toliau bandys mūsų ryžtą"
            item.summary = f"Santrauka {number}.{a_number}."
    return document


def test_the_lithuanian_manuscript_becomes_untranslated_translations(site_tree):
    save(manuscript())
    result = save(lithuanian(), language="lt")
    lt = Locale.objects.get(language_code="lt")
    edition = EditionPage.objects.get(year=2027, locale=lt)
    original = EditionPage.objects.get(year=2027, locale=Locale.get_default())
    assert edition.translation_key == original.translation_key
    assert edition.title == "Nacionalinis grėsmių vertinimas 2027"
    translated = Page.objects.filter(locale=lt).descendant_of(edition, inclusive=True)
    assert translated.count() == 7 and not translated.filter(live=True).exists()
    for page in translated:
        source = page.specific.get_translation(Locale.get_default())
        state = TranslationState.objects.get(page=page)
        assert state.source_id == source.pk and not state.translated
    first = AssessmentPage.objects.get(locale=lt, title__startswith="Vertinimas 1.1")
    assert first.get_translation(Locale.get_default()).title.startswith("Russia will keep")
    assert first.slug == "vertinimas-11-rusija-ir-toliau-bandys-musu-ryzta"
    assert {r.action for r in result.pages} == {CREATED}

    again = save(lithuanian(), language="lt")
    assert {r.action for r in again.pages} == {UNCHANGED}


def test_a_translation_with_another_structure_is_refused(site_tree):
    save(manuscript())
    pages = Page.objects.count()
    document = lithuanian()
    document.chapters[1].assessments.pop()
    with pytest.raises(ImportRefused) as refused:
        save(document, language="lt")
    assert refused.value.problems[0].code == "structure-mismatch"
    assert refused.value.problems[0].heading == "2 skyrius apie regioną"
    with pytest.raises(ImportRefused):
        save(lithuanian(chapters=3), language="lt")
    assert Page.objects.count() == pages


def test_the_similarity_threshold_sits_between_a_rewording_and_another_judgment():
    """The threshold's reason: a reworded judgment scores well above it, any two different
    judgments of the test edition well below."""
    original = "\n".join(JUDGMENTS[0])
    assert similarity(original, "\n".join(REWORDED)) > SIMILARITY_THRESHOLD + 0.2
    for one, other in itertools.combinations(JUDGMENTS, 2):
        assert similarity("\n".join(one), "\n".join(other)) < SIMILARITY_THRESHOLD - 0.2


def test_a_changed_translation_waits_for_its_translator_again(site_tree):
    save(manuscript())
    save(lithuanian(), language="lt")
    lt = Locale.objects.get(language_code="lt")
    first = AssessmentPage.objects.get(locale=lt, title__startswith="Vertinimas 1.1")
    second = AssessmentPage.objects.get(locale=lt, title__startswith="Vertinimas 1.2")
    TranslationState.objects.filter(page__in=[first, second]).update(translated=True)
    second.get_latest_revision().publish()  # a live translation keeps its state

    document = lithuanian()
    document.chapters[0].assessments[0].summary = "Nauja santrauka."
    document.chapters[0].assessments[1].summary = "Kita nauja santrauka."
    result = save(document, language="lt")
    assert result.count(UPDATED) == 2
    assert not TranslationState.objects.get(page=first).translated
    assert TranslationState.objects.get(page=second).translated
    assert AssessmentPage.objects.get(pk=second.pk).summary == "Santrauka 1.2."  # still published


def test_a_lithuanian_bookmark_beats_the_position(site_tree):
    save(manuscript())
    english = AssessmentPage.objects.get(title__startswith="Cyber attacks")
    document = lithuanian()
    first, second = document.chapters[0].assessments
    # the translator swapped two assessments; the bookmarks still name their originals
    first.bookmark = bookmark_name("assessment", english.slug)
    result = save(document, language="lt")
    lt = Locale.objects.get(language_code="lt")
    assert english.get_translation(lt).title == first.title
    russia = AssessmentPage.objects.get(title__startswith="Russia will keep")
    assert russia.get_translation(lt).title == second.title  # the place left for it
    assert result.count(CREATED) == 7


def test_chapters_and_assessments_follow_the_manuscripts_order(site_tree):
    save(manuscript())
    document = manuscript()
    document.chapters.reverse()
    document.chapters[0].assessments.reverse()
    save(document)
    edition = EditionPage.objects.get(year=2027)
    assert [c.title for c in ChapterPage.objects.child_of(edition)] == [
        "Chapter 2 on the region",
        "Chapter 1 on the region",
    ]
    chapter = ChapterPage.objects.child_of(edition).first()
    assert [a.title for a in AssessmentPage.objects.child_of(chapter)] == [
        "Migration pressure on the eastern border will stay high",
        "China's intelligence services will expand their recruitment online",
    ]


def test_bookmarks_that_leave_a_chapter_without_originals_are_refused(site_tree):
    save(manuscript())
    document = lithuanian()
    for item, title in zip(
        document.chapters[0].assessments,
        ["China's intelligence", "Migration pressure"],
        strict=True,
    ):
        item.bookmark = bookmark_name(
            "assessment", AssessmentPage.objects.get(title__startswith=title).slug
        )
    with pytest.raises(ImportRefused) as refused:
        save(document, language="lt")
    assert refused.value.problems[0].heading == "2 skyrius apie regioną"
    assert not Page.objects.filter(locale__language_code="lt").exists()
