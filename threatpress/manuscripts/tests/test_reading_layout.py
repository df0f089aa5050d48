"""Every row of docs/import.md's layout table, read from documents built with python-docx."""

from __future__ import annotations

import io

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from threatpress.manuscripts.manuscript import (
    Figure,
    ListBlock,
    Paragraph,
    Quotation,
    SubHeading,
    Table,
)
from threatpress.manuscripts.reading import read_manuscript

from .docx_builder import DocxBuilder, png

TERMS = {"highly-likely": "Highly likely", "likely": "Likely", "unlikely": "Unlikely"}


def read(builder: DocxBuilder, language: str = "en", regions=("Russia", "Belarus")):
    return read_manuscript(
        builder.bytes(), language=language, probability_terms=TERMS, region_names=regions
    )


def headings(builder: DocxBuilder | None = None, judgment: str = "Judgment") -> DocxBuilder:
    builder = builder or DocxBuilder()
    builder.heading("Chapter", 1)
    builder.heading(judgment, 2)
    return builder


def one_assessment(builder: DocxBuilder, summary: str = "The summary."):
    headings(builder, "The key judgment").summary(summary)
    return builder


def only_assessment(manuscript):
    assert not manuscript.problems, manuscript.problems
    [chapter] = manuscript.chapters
    [assessment] = chapter.assessments
    return assessment


def test_title_foreword_and_signature():
    builder = DocxBuilder()
    builder.title("National threat assessment 2027")
    builder.heading("Foreword", 1)
    builder.paragraph("The year in **one** page.")
    builder.paragraph("A second _paragraph_.")
    builder.signature("Director of the Service")
    one_assessment(builder)

    manuscript = read(builder)

    assert manuscript.title == "National threat assessment 2027"
    assert manuscript.foreword == (
        "<p>The year in <b>one</b> page.</p><p>A second <i>paragraph</i>.</p>"
    )
    assert manuscript.foreword_signed_by == "Director of the Service"
    assert [chapter.title for chapter in manuscript.chapters] == ["Chapter"]
    assert not manuscript.problems


def test_lithuanian_foreword_and_a_foreword_after_chapters_is_a_chapter():
    builder = DocxBuilder()
    builder.heading("Pratarmė", 1)
    builder.paragraph("Įžanginis žodis.")
    one_assessment(builder)
    builder.heading("Foreword", 1)
    builder.paragraph("Introduction of a chapter that happens to be called Foreword.")

    manuscript = read(builder, language="lt")

    assert manuscript.foreword == "<p>Įžanginis žodis.</p>"
    assert [chapter.title for chapter in manuscript.chapters] == ["Chapter", "Foreword"]
    assert manuscript.chapters[1].introduction.startswith("<p>Introduction of a chapter")


def test_words_table_of_contents_is_left_out_silently():
    builder = DocxBuilder()
    builder.document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    builder.title("National threat assessment 2027")
    builder.paragraph("Contents", style="TOC Heading")
    for entry in ("Russia", "China"):
        builder.link(builder.paragraph("", style="toc 1"), f"{entry}\t3", "#_Toc1234")
    one_assessment(builder)

    manuscript = read(builder)

    assert manuscript.problems == []
    assert manuscript.title == "National threat assessment 2027"
    assert [c.title for c in manuscript.chapters] == ["Chapter"]


def test_chapters_with_introductions_and_assessments():
    builder = DocxBuilder()
    builder.heading("Russia", 1)
    builder.paragraph("Why this chapter.")
    builder.bullets(["first point", "second point"])
    builder.heading("Russia will keep up the pressure", 2)
    builder.paragraph("First summary.")
    builder.heading("Russia rebuilds its forces", 2)
    builder.paragraph("Second summary.")
    builder.heading("China", 1)
    builder.heading("China watches", 2)
    builder.paragraph("Third summary.")

    manuscript = read(builder)

    assert not manuscript.problems
    assert [c.title for c in manuscript.chapters] == ["Russia", "China"]
    russia, china = manuscript.chapters
    assert russia.introduction == (
        "<p>Why this chapter.</p><ul><li>first point</li><li>second point</li></ul>"
    )
    assert [a.title for a in russia.assessments] == [
        "Russia will keep up the pressure",
        "Russia rebuilds its forces",
    ]
    assert [a.summary for a in manuscript.assessments] == [
        "First summary.",
        "Second summary.",
        "Third summary.",
    ]
    assert china.introduction == ""


def test_summary_style_wins_over_the_first_paragraph_which_stays_in_the_body():
    builder = headings()
    builder.paragraph("A lead-in paragraph.")
    builder.summary("The **real** summary.")
    builder.paragraph("Body.")

    assessment = only_assessment(read(builder))

    assert assessment.summary == "The real summary."
    assert assessment.blocks == [
        Paragraph("<p>A lead-in paragraph.</p>"),
        Paragraph("<p>Body.</p>"),
    ]


def test_the_first_paragraph_is_the_summary_without_a_summary_style():
    builder = headings()
    builder.paragraph("The first paragraph, with **bold**.")
    builder.paragraph("The body.")

    assessment = only_assessment(read(builder))

    assert assessment.summary == "The first paragraph, with bold."
    assert assessment.blocks == [Paragraph("<p>The body.</p>")]


def test_body_blocks_in_order():
    builder = one_assessment(DocxBuilder())
    builder.heading("A sub-heading", 3)
    paragraph = builder.paragraph("Plain, **bold**, _italic_ and ")
    builder.link(paragraph, "a link", "https://example.org/report?a=1&b=2")
    builder.link(paragraph, " mail", "mailto:press@example.org")
    builder.bullets(["one", "two"])
    builder.numbered(["first", "second"])
    builder.quote("We will not stop.", "a minister, 2026")
    builder.quote("Another quotation without attribution.")
    builder.table([["Year", "Incidents"], ["2025", "12"], ["2026", "31"]], caption="Incidents")
    builder.picture("A bar chart of incidents by year", caption="Figure 1. Incidents")

    assessment = only_assessment(read(builder))

    figure = assessment.blocks[-1]
    assert assessment.blocks == [
        SubHeading("A sub-heading"),
        Paragraph(
            "<p>Plain, <b>bold</b>, <i>italic</i> and "
            '<a href="https://example.org/report?a=1&amp;b=2">a link</a>'
            '<a href="mailto:press@example.org"> mail</a></p>'
        ),
        ListBlock(ordered=False, items=["one", "two"]),
        ListBlock(ordered=True, items=["first", "second"]),
        Quotation("We will not stop.", attribution="a minister, 2026"),
        Quotation("Another quotation without attribution."),
        Table(
            rows=[["Year", "Incidents"], ["2025", "12"], ["2026", "31"]],
            header_row=True,
            caption="Incidents",
        ),
        Figure(
            figure.image, "image1.png", "A bar chart of incidents by year", "Figure 1. Incidents"
        ),
    ]
    assert figure.image == png()


def test_links_made_with_a_hyperlink_field():
    builder = one_assessment(DocxBuilder())
    paragraph = builder.paragraph("See ")
    for target, text in [("https://example.org/field", "the report"), ("javascript:x()", " or")]:
        for xml in [
            '<w:r {ns}><w:fldChar w:fldCharType="begin"/></w:r>',
            f'<w:r {{ns}}><w:instrText> HYPERLINK "{target}" </w:instrText></w:r>',
            '<w:r {ns}><w:fldChar w:fldCharType="separate"/></w:r>',
            f'<w:r {{ns}}><w:t xml:space="preserve">{text}</w:t></w:r>',
            '<w:r {ns}><w:fldChar w:fldCharType="end"/></w:r>',
        ]:
            paragraph._p.append(parse_xml(xml.format(ns=nsdecls("w"))))

    manuscript = read(builder)

    assert [(p.code, p.blocking) for p in manuscript.problems] == [("link-dropped", False)]
    assert manuscript.assessments[0].blocks == [
        Paragraph('<p>See <a href="https://example.org/field">the report</a> or</p>')
    ]


def test_a_stream_reads_as_its_bytes():
    builder = one_assessment(DocxBuilder())
    manuscript = read_manuscript(
        io.BytesIO(builder.bytes()), language="en", probability_terms={}, region_names=[]
    )
    assert only_assessment(manuscript).summary == "The summary."


def test_lists_made_with_words_numbering_and_a_list_style_switch():
    builder = one_assessment(DocxBuilder())
    builder.word_list(["a", "b"], ordered=True)
    builder.word_list(["c"], ordered=False)
    builder.paragraph("Between.")
    builder.bullets(["d"])

    assessment = only_assessment(read(builder))

    assert assessment.blocks == [
        ListBlock(ordered=True, items=["a", "b"]),
        ListBlock(ordered=False, items=["c"]),
        Paragraph("<p>Between.</p>"),
        ListBlock(ordered=False, items=["d"]),
    ]


def test_a_table_without_a_header_row_and_with_merged_cells():
    builder = one_assessment(DocxBuilder())
    table = builder.table([["a", "b", "c"], ["d", "e", "f"]], header=False)
    table.cell(0, 0).merge(table.cell(0, 1))
    table.cell(0, 0).text = "merged"

    [block] = only_assessment(read(builder)).blocks

    assert block == Table(rows=[["merged", "merged", "c"], ["d", "e", "f"]], header_row=False)


def test_footnotes_become_the_assessments_sources_referenced_from_the_text():
    builder = one_assessment(DocxBuilder())
    first = builder.paragraph("A claim")
    builder.footnote(first, "Ministry of Defence, annual report, 2026.")
    builder.paragraph("No source here.")
    second = builder.paragraph("Another claim")
    builder.footnote(second, "Interview with an official.")
    builder.heading("Second judgment", 2)
    third = builder.paragraph("Its summary")
    builder.paragraph("Its body")
    builder.footnote(third, "Summary source.")
    body = builder.paragraph("Its body claim")
    builder.footnote(body, "Body source.")

    manuscript = read(builder)

    assert not manuscript.problems
    first_assessment, second_assessment = manuscript.assessments
    assert [block.html for block in first_assessment.blocks] == [
        '<p>A claim<footnote id="1"></footnote></p>',
        "<p>No source here.</p>",
        '<p>Another claim<footnote id="2"></footnote></p>',
    ]
    assert [(n.key, n.html) for n in first_assessment.footnotes] == [
        ("1", "<p>Ministry of Defence, annual report, 2026.</p>"),
        ("2", "<p>Interview with an official.</p>"),
    ]
    assert [(n.key, n.html) for n in second_assessment.footnotes] == [
        ("3", "<p>Summary source.</p>"),
        ("4", "<p>Body source.</p>"),
    ]


def test_bookmarks_written_by_the_export_name_the_pages():
    builder = DocxBuilder()
    builder.heading("Renamed chapter", 1, bookmark="tp_c_russia_1a2b3c4d")
    builder.heading("Reworded judgment", 2, bookmark="tp_a_russia_keeps_up_5e6f7a8b")
    builder.paragraph("Summary.")
    builder.heading("Another", 2, bookmark="_GoBack")
    builder.paragraph("Summary.")

    manuscript = read(builder)

    assert manuscript.chapters[0].bookmark == "tp_c_russia_1a2b3c4d"
    assert [a.bookmark for a in manuscript.assessments] == ["tp_a_russia_keeps_up_5e6f7a8b", ""]


def test_lithuanian_word_style_names_are_matched_by_style_id():
    builder = DocxBuilder()
    styles = builder.document.styles
    for english, lithuanian in [
        ("Heading 1", "Antraštė 1"),
        ("Heading 2", "Antraštė 2"),
        ("Heading 3", "Antraštė 3"),
        ("Title", "Pavadinimas"),
        ("Quote", "Citata"),
    ]:
        styles[english].name = lithuanian
    builder.title("Nacionalinio saugumo grėsmių vertinimas")
    builder.heading("Rusija", 1)
    builder.heading("Rusija tikriausiai didins spaudimą", 2)
    builder.paragraph("Santrauka.")
    builder.heading("Poskyris", 3)
    builder.paragraph("Citata.", style="Quote")

    manuscript = read(builder, language="lt")

    assert styles["Antraštė 1"].style_id == "Heading1"
    assert manuscript.title == "Nacionalinio saugumo grėsmių vertinimas"
    assessment = only_assessment(manuscript)
    assert assessment.title == "Rusija tikriausiai didins spaudimą"
    assert assessment.blocks == [SubHeading("Poskyris"), Quotation("Citata.")]


def test_a_house_style_is_known_by_its_name_when_its_id_is_localised():
    builder = DocxBuilder()
    builder.heading("Chapter", 1)
    heading = builder.heading("Judgment", 2)
    styles_root = builder.document.styles.element
    for style in styles_root.iter(qn("w:style")):
        if style.get(qn("w:styleId")) == "Heading2":
            style.set(qn("w:styleId"), "Antrat2")  # as some Word languages write the ID
    heading._p.pPr.pStyle.val = "Antrat2"
    builder.paragraph("Summary.")

    assessment = only_assessment(read(builder))

    assert assessment.title == "Judgment"
    assert assessment.summary == "Summary."
