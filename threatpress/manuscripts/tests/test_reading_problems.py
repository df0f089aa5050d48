"""What the reader reports about a document's structure and formatting, under which heading,
and that the rest of the document is still read."""

from __future__ import annotations

import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from threatpress.manuscripts.manuscript import Figure, ListBlock, Paragraph, SubHeading, Table
from threatpress.manuscripts.reading import read_manuscript

from .docx_builder import DocxBuilder

JUDGMENT = "Russia keeps up the pressure"


def read(builder: DocxBuilder):
    return read_manuscript(builder.bytes(), language="en", probability_terms={}, region_names=[])


def start(builder: DocxBuilder | None = None) -> DocxBuilder:
    builder = builder or DocxBuilder()
    builder.heading("Chapter", 1)
    builder.heading(JUDGMENT, 2)
    builder.summary("The summary.")
    return builder


def codes(manuscript) -> list[tuple[str, str, bool]]:
    return [(p.code, p.heading, p.blocking) for p in manuscript.problems]


def append_xml(paragraph, xml: str) -> None:
    paragraph._p.append(parse_xml(xml))


# --- Blocking: the structure --------------------------------------------------------------------


def test_a_document_without_headings():
    builder = DocxBuilder()
    builder.paragraph("Just text, no structure.")

    manuscript = read(builder)

    assert codes(manuscript) == [("outside-page", "", False), ("no-headings", "", True)]
    assert manuscript.chapters == []


@pytest.mark.parametrize("follows", ["nothing", "a table", "a list"])
def test_an_assessment_without_a_summary(follows):
    builder = DocxBuilder()
    builder.heading("Chapter", 1)
    builder.heading("First judgment", 2)
    if follows == "a table":
        builder.table([["a", "b"], ["c", "d"]])
    elif follows == "a list":
        builder.bullets(["point"])
    builder.heading("Second judgment", 2)
    builder.paragraph("Its summary.")

    manuscript = read(builder)

    assert codes(manuscript) == [("missing-summary", "First judgment", True)]
    assert "no summary" in manuscript.problems[0].message
    assert [a.summary for a in manuscript.assessments] == ["", "Its summary."]


def test_a_picture_without_alternative_text():
    builder = start()
    builder.paragraph("Before.")
    builder.picture(None)
    builder.paragraph("After.")

    manuscript = read(builder)

    assert codes(manuscript) == [("missing-alt-text", JUDGMENT, True)]
    blocks = manuscript.assessments[0].blocks
    assert [type(b) for b in blocks] == [Paragraph, Figure, Paragraph]
    assert blocks[1].alt_text == ""


@pytest.mark.parametrize(
    ("levels", "said"),
    [
        ([1, 3], "A Heading 3 follows a Heading 1"),
        ([1, 2, 4], "A Heading 4 follows a Heading 2"),
        ([2], "A Heading 2 comes before any Heading 1"),
        ([3], "A Heading 3 comes before any Heading 1"),
    ],
)
def test_a_skipped_heading_level_is_named_by_the_heading_itself(levels, said):
    builder = DocxBuilder()
    for level in levels:
        builder.heading(f"Level {level}", level)
        builder.paragraph(f"Text under level {level}.")

    manuscript = read(builder)

    [skipped] = manuscript.blocking_problems
    assert (skipped.code, skipped.heading, skipped.blocking) == (
        "skipped-heading-level",
        f"Level {levels[-1]}",
        True,
    )
    assert skipped.message.startswith(said)


def test_tracked_changes_block_the_import_named_under_their_heading():
    builder = start()
    builder.heading("Second judgment", 2)
    paragraph = builder.paragraph("Text with ")
    append_xml(
        paragraph,
        f'<w:ins {nsdecls("w")} w:id="7" w:author="Analyst" w:date="2026-11-01T10:00:00Z">'
        "<w:r><w:t>an insertion</w:t></w:r></w:ins>",
    )
    append_xml(
        paragraph,
        f'<w:del {nsdecls("w")} w:id="8" w:author="Analyst" w:date="2026-11-01T10:00:00Z">'
        "<w:r><w:delText>a deletion</w:delText></w:r></w:del>",
    )

    manuscript = read(builder)

    assert codes(manuscript) == [("tracked-changes", "Second judgment", True)]
    assert manuscript.assessments[1].summary == "Text with an insertion"


def test_formatting_changes_under_review_are_tracked_changes_too():
    builder = start()
    paragraph = builder.paragraph("")
    append_xml(
        paragraph,
        f'<w:r {nsdecls("w")}><w:rPr><w:b/><w:rPrChange w:id="3" w:author="A">'
        "<w:rPr/></w:rPrChange></w:rPr><w:t>now bold</w:t></w:r>",
    )

    assert codes(read(builder)) == [("tracked-changes", JUDGMENT, True)]


def test_comments_block_the_import():
    builder = start()
    paragraph = builder.paragraph("Commented ")
    append_xml(paragraph, f'<w:commentRangeStart {nsdecls("w")} w:id="0"/>')
    paragraph.add_run("words")
    append_xml(paragraph, f'<w:commentRangeEnd {nsdecls("w")} w:id="0"/>')
    append_xml(paragraph, f'<w:r {nsdecls("w")}><w:commentReference w:id="0"/></w:r>')

    manuscript = read(builder)

    assert codes(manuscript) == [("comments", JUDGMENT, True)]
    assert manuscript.assessments[0].blocks == [Paragraph("<p>Commented words</p>")]


# --- Not blocking: what the site cannot show, and what was done with it ------------------------


@pytest.mark.parametrize(
    ("tag", "attributes", "code", "said"),
    [
        ("u", {"val": "single"}, "underline", "dropped the underline"),
        ("strike", {}, "strikethrough", "dropped the line"),
        ("dstrike", {}, "strikethrough", "dropped the line"),
        ("color", {"val": "C00000"}, "colour", "dropped the colour"),
        ("highlight", {"val": "yellow"}, "highlight", "dropped the highlight"),
        ("shd", {"val": "clear", "fill": "FFFF00"}, "highlight", "dropped the highlight"),
    ],
)
def test_direct_formatting_is_reported_and_the_text_kept(tag, attributes, code, said):
    builder = start()
    paragraph = builder.paragraph("Some ")
    builder.run_property(paragraph, "marked", tag, **attributes)
    paragraph.add_run(" words.")

    manuscript = read(builder)

    assert codes(manuscript) == [(code, JUDGMENT, False)]
    assert said in manuscript.problems[0].message
    assert "kept the text" in manuscript.problems[0].message
    assert manuscript.assessments[0].blocks == [Paragraph("<p>Some marked words.</p>")]


def test_plain_formatting_and_a_links_own_look_are_not_reported():
    builder = start()
    paragraph = builder.paragraph("Black ")
    builder.run_property(paragraph, "text", "color", val="000000")
    builder.run_property(paragraph, " no underline", "u", val="none")
    builder.link(paragraph, " a link", "https://example.org")  # underlined by the builder

    assert read(builder).problems == []


def test_one_report_per_kind_and_heading():
    builder = start()
    for _ in range(3):
        builder.run_property(builder.paragraph("x "), "underlined", "u", val="single")
    builder.heading("Second judgment", 2)
    builder.run_property(builder.paragraph("Summary "), "underlined", "u", val="single")

    assert codes(read(builder)) == [
        ("underline", JUDGMENT, False),
        ("underline", "Second judgment", False),
    ]


def test_a_deep_heading_becomes_a_sub_heading():
    builder = start()
    builder.heading("Level three", 3)
    builder.heading("Level four", 4)
    builder.paragraph("Text.")

    manuscript = read(builder)

    assert codes(manuscript) == [("deep-heading", JUDGMENT, False)]
    assert manuscript.assessments[0].blocks == [
        SubHeading("Level three"),
        SubHeading("Level four"),
        Paragraph("<p>Text.</p>"),
    ]


def test_a_list_inside_a_list_is_kept_flat_and_reported():
    builder = start()
    builder.paragraph("Outer item.", style="List Bullet")
    builder.paragraph("Inner item.", style="List Bullet 2")
    builder.paragraph("Outer again.", style="List Bullet")

    manuscript = read(builder)

    assert codes(manuscript) == [("nested-list", JUDGMENT, False)]
    assert manuscript.assessments[0].blocks == [
        ListBlock(ordered=False, items=["Outer item.", "Inner item.", "Outer again."])
    ]


TEXT_BOX = (
    f'<w:r {nsdecls("w")}><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml">'
    "<v:textbox><w:txbxContent><w:p><w:r><w:t>Boxed text</w:t></w:r></w:p>"
    "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
)
EQUATION = f"<m:oMath {nsdecls('m', 'w')}><m:r><m:t>x+1</m:t></m:r></m:oMath>"
OLE_OBJECT = f'<w:r {nsdecls("w")}><w:object w:dxaOrig="10" w:dyaOrig="10"/></w:r>'
CHART = (
    f'<w:r {nsdecls("w", "wp", "a")}><w:drawing><wp:inline><wp:docPr id="5" name="Chart"/>'
    '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"/>'
    "</a:graphic></wp:inline></w:drawing></w:r>"
)


@pytest.mark.parametrize(
    ("xml", "code", "blocks"),
    [
        (TEXT_BOX, "text-box", ["<p>Beside:</p>", "<p>Boxed text</p>"]),
        (EQUATION, "equation", ["<p>Beside: x+1</p>"]),
        (OLE_OBJECT, "embedded-object", ["<p>Beside:</p>"]),
        (CHART, "embedded-object", ["<p>Beside:</p>"]),
    ],
    ids=["text-box", "equation", "ole-object", "chart"],
)
def test_objects_the_site_cannot_show(xml, code, blocks):
    """A text box keeps its text as a paragraph, an equation its characters; an embedded
    object or a chart is dropped. Each is reported once, under its heading."""
    builder = start()
    append_xml(builder.paragraph("Beside: "), xml)

    manuscript = read(builder)

    assert codes(manuscript) == [(code, JUDGMENT, False)]
    assert manuscript.assessments[0].blocks == [Paragraph(html) for html in blocks]


def test_a_section_break_is_ignored_and_reported():
    builder = start()
    paragraph = builder.paragraph("Last paragraph of a landscape section.")
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:sectPr {nsdecls("w")}><w:pgSz w:w="16838" w:h="11906"/></w:sectPr>')
    )

    manuscript = read(builder)

    assert codes(manuscript) == [("page-layout", JUDGMENT, False)]
    assert len(manuscript.assessments[0].blocks) == 1


@pytest.mark.parametrize(
    "target", ["javascript:alert(1)", "file:///C:/secret.docx", "ftp://example.org/a"]
)
def test_links_other_than_web_and_mail_are_dropped_with_their_text_kept(target):
    builder = start()
    paragraph = builder.paragraph("See ")
    builder.link(paragraph, "this", target)

    manuscript = read(builder)

    assert codes(manuscript) == [("link-dropped", JUDGMENT, False)]
    assert target in manuscript.problems[0].message
    assert manuscript.assessments[0].blocks == [Paragraph("<p>See this</p>")]


def test_text_before_the_first_heading_and_tables_in_an_introduction_are_reported():
    builder = DocxBuilder()
    builder.paragraph("Classified: public")
    builder.heading("Chapter", 1)
    builder.table([["a"], ["b"]])
    builder.picture("A map")
    builder.heading(JUDGMENT, 2)
    builder.paragraph("Summary.")

    manuscript = read(builder)

    assert codes(manuscript) == [
        ("outside-page", "", False),
        ("not-in-rich-text", "Chapter", False),
        ("not-in-rich-text", "Chapter", False),
    ]
    assert manuscript.problems[1].message.startswith("A table in a chapter introduction")
    assert manuscript.problems[2].message.startswith("A picture in a chapter introduction")
    assert manuscript.assessments[0].summary == "Summary."


def test_pictures_and_footnotes_in_a_table_are_reported():
    builder = start()
    table = builder.table([["Year", "Figure"], ["2026", ""]])
    cell_paragraph = table.cell(1, 1).paragraphs[0]
    builder.footnote(cell_paragraph, "A source in a cell.")

    manuscript = read(builder)

    assert codes(manuscript) == [("footnote-dropped", JUDGMENT, False)]
    assert manuscript.assessments[0].blocks == [
        Table(rows=[["Year", "Figure"], ["2026", ""]], header_row=True)
    ]
