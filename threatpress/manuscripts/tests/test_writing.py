"""An edition written out as a .docx, read back with python-docx as Word would see it."""

from __future__ import annotations

import io

import docx
import pytest
import wagtail_factories
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from docx.opc.constants import CONTENT_TYPE as CT
from docx.oxml.ns import qn
from lxml import etree
from wagtail.images.models import Image
from wagtail_footnotes.models import Footnote

from threatpress.conftest import build_site, publish_all
from threatpress.manuscripts.manuscript import bookmark_name
from threatpress.manuscripts.writing import edition_to_docx
from threatpress.reports.blocks import table_value
from threatpress.reports.tests.factories import (
    AssessmentPageFactory,
    ChapterPageFactory,
    EditionPageFactory,
)

pytestmark = pytest.mark.django_db

NOTE_ID = "0b5ad0f2-8c58-4d1c-9a5e-6f3f5b1c2a11"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def _styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def _bookmarks(paragraph) -> list[str]:
    return [b.get(qn("w:name")) for b in paragraph._p.iter(qn("w:bookmarkStart"))]


def _footnotes_xml(document):
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/footnotes"):
            return rel.target_part
    return None


@pytest.fixture(scope="module")
def _small_edition_once(django_db_setup, django_db_blocker):
    """Built once for the module and rolled back at its end (each test still runs in its own
    transaction inside this one)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_small_edition(build_site())
        transaction.set_rollback(True)
    cache.clear()  # Wagtail's cached site root paths


@pytest.fixture
def small_edition(_small_edition_once, db):
    return _small_edition_once


def _build_small_edition(tree):
    """One chapter, one assessment holding every kind of body block, published, and then a draft
    of the assessment with another key judgment."""
    edition = EditionPageFactory(
        parent=tree.reports,
        year=2031,
        foreword="<p>The foreword's <b>first</b> paragraph.</p>",
        foreword_signed_by="Ona Example, Director",
    )
    chapter = ChapterPageFactory(
        parent=edition, slug="networks", title="Networks", introduction="<p>Chapter intro.</p>"
    )
    image = wagtail_factories.ImageFactory(title="Chart")
    body = [
        {
            "type": "paragraph",
            "value": (
                '<p>Plain, <b>bold</b>, <i>italic</i> and <a href="https://example.org/x">a link'
                f'</a>.<footnote id="{NOTE_ID}">[1]</footnote></p>'
            ),
        },
        {"type": "paragraph", "value": "<ol><li>First step</li><li>Second step</li></ol>"},
        {"type": "paragraph", "value": "<ul><li>A point</li><li>Another point</li></ul>"},
        {"type": "paragraph", "value": "<ol><li>Again one</li></ol>"},
        {"type": "heading", "value": "A sub-heading"},
        {"type": "quote", "value": {"text": "Words said.", "attribution": "Someone, 2030"}},
        {
            "type": "table",
            "value": table_value(
                [["Port", "2029", "2030"], ["Klaipėda", "12", "14"]],
                header_column=True,
                caption="Ships stopped",
            ),
        },
        {
            "type": "figure",
            "value": {"image": image.pk, "alt_text": "Bars rising from 2 to 9.", "caption": "Cap"},
        },
    ]
    assessment = AssessmentPageFactory(
        parent=chapter,
        slug="cables-at-risk",
        title="Undersea cables will remain at risk.",
        summary="Cables are cut by anchors dragged along the sea bed.",
        probability="likely",
        body=body,
    )
    Footnote.objects.create(page=assessment, uuid=NOTE_ID, text="<p>Coast guard, 2030.</p>")
    publish_all(edition)
    draft = assessment.get_latest_revision_as_object()
    draft.title = "Undersea cables will remain at high risk."
    draft.save_revision()
    return edition


def test_the_layout_of_docs_import_md(small_edition):
    document = _read(edition_to_docx(small_edition))
    assert _styled(document, "Title") == [small_edition.title]
    assert _styled(document, "Heading 1") == ["Foreword", "Networks"]
    assert _styled(document, "Signature") == ["Ona Example, Director"]
    assert _styled(document, "Heading 2") == ["Undersea cables will remain at high risk."]
    assert _styled(document, "Summary") == ["Cables are cut by anchors dragged along the sea bed."]
    assert _styled(document, "Heading 3") == ["A sub-heading"]
    assert _styled(document, "Quote") == ["Words said.", "— Someone, 2030"]
    assert _styled(document, "Caption") == ["Ships stopped", "Cap"]
    texts = [p.text for p in document.paragraphs]
    assert texts.index("Chapter intro.") < texts.index("Undersea cables will remain at high risk.")
    # The summary style is defined in the document itself, not left to the reader's Word.
    assert document.styles["Summary"].font.bold
    # Fields of the page are not text of the manuscript.
    assert not any("likely" in text.lower() for text in texts)


def test_headings_carry_the_bookmarks_saving_finds_pages_by(small_edition):
    document = _read(edition_to_docx(small_edition))
    headings = {p.text: p for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert _bookmarks(headings["Networks"]) == [bookmark_name("chapter", "networks")]
    assert _bookmarks(headings["Undersea cables will remain at high risk."]) == [
        bookmark_name("assessment", "cables-at-risk")
    ]
    assert _bookmarks(headings["Foreword"]) == []


def test_bold_italic_and_links_are_kept(small_edition):
    document = _read(edition_to_docx(small_edition))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Plain"))
    runs = {run.text: run for run in paragraph.runs}
    assert runs["bold"].bold and not runs["italic"].bold
    assert runs["italic"].italic
    (link,) = paragraph.hyperlinks
    assert link.text == "a link" and link.address == "https://example.org/x"


def test_lists_are_word_numbering_and_each_list_starts_again(small_edition):
    document = _read(edition_to_docx(small_edition))
    numbering = document.part.numbering_part.element
    items = {}
    for p in document.paragraphs:
        num_pr = p._p.pPr.numPr if p._p.pPr is not None else None
        if num_pr is not None:
            items[p.text] = num_pr.numId.val
    assert set(items) == {"First step", "Second step", "A point", "Another point", "Again one"}
    assert items["First step"] == items["Second step"] != items["Again one"]

    def number_format(num_id: int) -> str:
        num = numbering.num_having_numId(num_id)
        abstract_id = num.abstractNumId.val
        (abstract,) = [
            a
            for a in numbering.iter(qn("w:abstractNum"))
            if a.get(qn("w:abstractNumId")) == str(abstract_id)
        ]
        return abstract.find(f"{W}lvl/{W}numFmt").get(qn("w:val"))

    assert number_format(items["First step"]) == "decimal"
    assert number_format(items["A point"]) == "bullet"
    restart = numbering.num_having_numId(items["Again one"]).find(
        f"{W}lvlOverride/{W}startOverride"
    )
    assert restart.get(qn("w:val")) == "1"


def test_a_table_has_a_repeated_header_row_and_its_caption_after_it(small_edition):
    document = _read(edition_to_docx(small_edition))
    (table,) = document.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Port", "2029", "2030"],
        ["Klaipėda", "12", "14"],
    ]
    header = table.rows[0]._tr.trPr
    assert header is not None and header.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    assert look.get(qn("w:firstColumn")) == "1"
    following = table._tbl.getnext()
    assert following.xpath("string(.)") == "Ships stopped"


def test_a_figure_is_the_image_with_its_alt_text_in_the_description(small_edition):
    document = _read(edition_to_docx(small_edition))
    (shape,) = document.inline_shapes
    doc_pr = shape._inline.docPr
    assert doc_pr.get("descr") == "Bars rising from 2 to 9."
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    image_part = document.part.related_parts[blip.embed]
    original = Image.objects.get(title="Chart")
    with original.open_file() as handle:
        assert image_part.blob == handle.read()  # the file itself, not a rendition


def test_footnotes_are_real_word_footnotes_referenced_from_the_text(small_edition):
    document = _read(edition_to_docx(small_edition))
    part = _footnotes_xml(document)
    assert part is not None
    assert part.content_type == CT.WML_FOOTNOTES
    notes = {
        n.get(qn("w:id")): "".join(n.itertext())
        for n in etree.fromstring(part.blob).iter(qn("w:footnote"))
        if n.get(qn("w:type")) is None
    }
    assert notes == {"1": " Coast guard, 2030."}
    references = [r.get(qn("w:id")) for r in document.element.body.iter(qn("w:footnoteReference"))]
    assert references == ["1"]


def test_live_writes_what_readers_see(small_edition):
    document = _read(edition_to_docx(small_edition, latest_revision=False))
    assert _styled(document, "Heading 2") == ["Undersea cables will remain at risk."]


def test_an_unpublished_assessment_is_left_out_of_the_live_document(small_edition):
    chapter = small_edition.get_children().first()
    AssessmentPageFactory(parent=chapter, slug="draft-only", title="Only a draft.", live=False)
    assert "Only a draft." in _styled(_read(edition_to_docx(small_edition)), "Heading 2")
    live = _read(edition_to_docx(small_edition, latest_revision=False))
    assert "Only a draft." not in _styled(live, "Heading 2")


def test_a_figure_whose_file_is_gone_is_left_out_and_the_rest_is_written(small_edition):
    image = Image.objects.get(title="Chart")
    storage, name = image.file.storage, image.file.name
    with storage.open(name, "rb") as handle:
        kept = handle.read()
    storage.delete(name)
    try:
        document = _read(edition_to_docx(small_edition))
    finally:
        storage.save(name, ContentFile(kept))  # the module's other tests share the image
    assert len(document.inline_shapes) == 0
    assert "Cap" not in _styled(document, "Caption")
    assert _styled(document, "Heading 3") == ["A sub-heading"]
