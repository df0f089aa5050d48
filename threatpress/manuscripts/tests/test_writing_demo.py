"""The demo's 2026 edition written out in both languages: every page, bookmark, figure, table
and footnote of the edition is in the document, where docs/import.md says."""

from __future__ import annotations

import io
from io import StringIO

import docx
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from docx.oxml.ns import qn
from lxml import etree

from threatpress.manuscripts.manuscript import bookmark_name
from threatpress.manuscripts.writing import edition_to_docx
from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def written(django_db_setup, django_db_blocker) -> dict:
    """The demo loaded once for the module (rolled back at its end); for each language the
    edition's pages and the document written from them."""
    result = {}
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        for language in ("en", "lt"):
            edition = EditionPage.objects.get(year=2026, locale__language_code=language)
            chapters = list(ChapterPage.objects.child_of(edition).order_by("path"))
            assessments = list(AssessmentPage.objects.descendant_of(edition).order_by("path"))
            bodies = [list(a.body) for a in assessments]
            notes = sum(len({n.uuid for n in a.footnotes.all()}) for a in assessments)
            data = edition_to_docx(edition)
            result[language] = {
                "chapters": chapters,
                "assessments": assessments,
                "blocks": [block for body in bodies for block in body],
                "notes": notes,
                "document": docx.Document(io.BytesIO(data)),
            }
        transaction.set_rollback(True)
    cache.clear()
    return result


def styled(document, style: str) -> list:
    return [p for p in document.paragraphs if p.style.name == style]


@pytest.mark.parametrize("language, foreword", [("en", "Foreword"), ("lt", "Pratarmė")])
def test_every_chapter_and_assessment_is_a_heading_with_its_bookmark(written, language, foreword):
    edition = written[language]
    document = edition["document"]

    def marks(paragraph) -> list[str]:
        return [b.get(qn("w:name")) for b in paragraph._p.iter(qn("w:bookmarkStart"))]

    ones = styled(document, "Heading 1")
    assert [p.text for p in ones] == [foreword] + [c.title for c in edition["chapters"]]
    assert [marks(p) for p in ones[1:]] == [
        [bookmark_name("chapter", c.slug)] for c in edition["chapters"]
    ]
    twos = styled(document, "Heading 2")
    assert [p.text for p in twos] == [a.title for a in edition["assessments"]]
    assert [marks(p) for p in twos] == [
        [bookmark_name("assessment", a.slug)] for a in edition["assessments"]
    ]
    summaries = [p.text for p in styled(document, "Summary")]
    assert summaries == [a.summary for a in edition["assessments"]]
    assert len(styled(document, "Signature")) == 1


@pytest.mark.parametrize("language", ["en", "lt"])
def test_figures_tables_lists_and_footnotes_are_all_there(written, language):
    edition = written[language]
    document = edition["document"]
    blocks = edition["blocks"]
    figures = [b.value for b in blocks if b.block_type == "figure"]
    assert [s._inline.docPr.get("descr") for s in document.inline_shapes] == [
        f["alt_text"] for f in figures
    ]
    tables = [b.value for b in blocks if b.block_type == "table"]
    assert len(document.tables) == len(tables) == 1
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == tables[0]["data"][0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    caption = table._tbl.getnext()
    assert caption.xpath("string(.)") == tables[0]["table_caption"]
    captions = [p.text for p in styled(document, "Caption")]
    assert tables[0]["table_caption"] in captions
    listed = [p for p in document.paragraphs if p.style.name in ("List Bullet", "List Number")]
    assert listed and all(p._p.pPr.numPr is not None for p in listed)
    references = [
        int(r.get(qn("w:id"))) for r in document.element.body.iter(qn("w:footnoteReference"))
    ]
    assert references == list(range(1, edition["notes"] + 1))
    part = next(
        r.target_part for r in document.part.rels.values() if r.reltype.endswith("/footnotes")
    )
    ids = [
        n.get(qn("w:id"))
        for n in etree.fromstring(part.blob).iter(qn("w:footnote"))
        if n.get(qn("w:type")) is None
    ]
    assert ids == [str(n) for n in references]


def test_no_probability_term_or_region_is_written(written):
    edition = written["en"]
    text = "\n".join(p.text for p in edition["document"].paragraphs)
    labels = {"Highly likely", "Time horizon", "Probability:"}
    assert not [label for label in labels if label in text]
