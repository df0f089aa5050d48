"""Builds .docx manuscripts for tests (and the benchmark) with python-docx, laid out as
docs/import.md describes.

python-docx has no footnote API: the builder writes the footnotes part itself with lxml (the
separator notes Word writes, then one `w:footnote` per note) and relates it to the document when
the file is saved; the reference in the text is a run holding `w:footnoteReference`.
Pictures are small PNGs drawn with Pillow.
"""

from __future__ import annotations

import io

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree
from PIL import Image

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def png(width: int = 40, height: int = 30, colour: tuple = (30, 90, 160)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


class DocxBuilder:
    """A manuscript written paragraph by paragraph; `bytes()` gives the .docx."""

    def __init__(self) -> None:
        self.document = docx.Document()
        self.footnotes: list[tuple[int, str]] = []  # (id, text)
        for name in ("Summary", "Signature"):
            if name not in [style.name for style in self.document.styles]:
                self.document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)

    # --- Paragraphs -------------------------------------------------------------------------

    def title(self, text: str):
        return self.paragraph(text, style="Title")

    def heading(self, text: str, level: int, bookmark: str = ""):
        paragraph = self.paragraph(text, style=f"Heading {level}")
        if bookmark:
            start = OxmlElement("w:bookmarkStart")
            start.set(qn("w:id"), str(len(self.document.paragraphs)))
            start.set(qn("w:name"), bookmark)
            end = OxmlElement("w:bookmarkEnd")
            end.set(qn("w:id"), start.get(qn("w:id")))
            paragraph._p.insert(1, start)
            paragraph._p.append(end)
        return paragraph

    def paragraph(self, text: str = "", style: str | None = None):
        """A paragraph; `text` may hold **bold** and _italic_ stretches."""
        paragraph = self.document.add_paragraph(style=self._style(style))
        for piece, bold, italic in _emphasis(text):
            run = paragraph.add_run(piece)
            run.bold = bold or None
            run.italic = italic or None
        return paragraph

    def summary(self, text: str):
        return self.paragraph(text, style="Summary")

    def signature(self, text: str):
        return self.paragraph(text, style="Signature")

    def bullets(self, items: list[str]) -> None:
        for item in items:
            self.paragraph(item, style="List Bullet")

    def numbered(self, items: list[str]) -> None:
        for item in items:
            self.paragraph(item, style="List Number")

    def word_list(self, items: list[str], ordered: bool) -> None:
        """A list made with Word's numbering on plain paragraphs, not with a list style."""
        numbering = self.document.part.numbering_part.element
        abstract_id = str(900 + len(numbering.findall(qn("w:abstractNum"))))
        abstract = OxmlElement("w:abstractNum")
        abstract.set(qn("w:abstractNumId"), abstract_id)
        level = OxmlElement("w:lvl")
        level.set(qn("w:ilvl"), "0")
        number_format = OxmlElement("w:numFmt")
        number_format.set(qn("w:val"), "decimal" if ordered else "bullet")
        level.append(number_format)
        abstract.append(level)
        numbering.insert(0, abstract)
        num_id = str(numbering.add_num(int(abstract_id)).numId)
        for item in items:
            paragraph = self.paragraph(item)
            properties = paragraph._p.get_or_add_pPr()
            num_pr = OxmlElement("w:numPr")
            for tag, value in (("w:ilvl", "0"), ("w:numId", num_id)):
                element = OxmlElement(tag)
                element.set(qn("w:val"), value)
                num_pr.append(element)
            properties.append(num_pr)

    def quote(self, text: str, attribution: str = "") -> None:
        self.paragraph(text, style="Quote")
        if attribution:
            self.paragraph(f"— {attribution}", style="Quote")

    def caption(self, text: str):
        return self.paragraph(text, style="Caption")

    def table(self, rows: list[list[str]], header: bool = True, caption: str = ""):
        table = self.document.add_table(rows=len(rows), cols=len(rows[0]))
        for row, values in zip(table.rows, rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
        if header:
            properties = table.rows[0]._tr.get_or_add_trPr()
            properties.append(OxmlElement("w:tblHeader"))
        if caption:
            self.caption(caption)
        return table

    def picture(self, alt_text: str | None, caption: str = "", image: bytes | None = None):
        self.document.add_picture(io.BytesIO(image or png()))
        if alt_text is not None:
            self.document.inline_shapes[-1]._inline.docPr.set("descr", alt_text)
        if caption:
            self.caption(caption)

    def _style(self, name: str | None):
        """A style by its English name, or by its ID once a test has renamed it (a Lithuanian
        Word's "Antraštė 1" keeps the ID "Heading1")."""
        if name is None:
            return None
        wanted_id = name.replace(" ", "")
        for style in self.document.styles:
            if style.name == name or style.style_id == wanted_id:
                return style
        raise KeyError(name)

    # --- Inline additions to the last paragraph ---------------------------------------------

    def link(self, paragraph, text: str, url: str) -> None:
        r_id = self.document.part.relate_to(url, RT.HYPERLINK, is_external=True)
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), r_id)
        run = OxmlElement("w:r")
        properties = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(qn("w:val"), "Hyperlink")
        underline = OxmlElement("w:u")
        underline.set(qn("w:val"), "single")
        properties.extend([style, underline])
        run.append(properties)
        text_element = OxmlElement("w:t")
        text_element.text = text
        run.append(text_element)
        hyperlink.append(run)
        paragraph._p.append(hyperlink)

    def footnote(self, paragraph, text: str) -> int:
        note_id = len(self.footnotes) + 1
        self.footnotes.append((note_id, text))
        run = OxmlElement("w:r")
        reference = OxmlElement("w:footnoteReference")
        reference.set(qn("w:id"), str(note_id))
        run.append(reference)
        paragraph._p.append(run)
        return note_id

    def run_property(self, paragraph, text: str, tag: str, **attributes: str) -> None:
        """A run with one direct property (`u`, `strike`, `color`, `highlight`…)."""
        run = paragraph.add_run(text)
        element = OxmlElement(f"w:{tag}")
        for name, value in attributes.items():
            element.set(qn(f"w:{name}"), value)
        run._r.get_or_add_rPr().append(element)

    # --- Saving -----------------------------------------------------------------------------

    def _footnotes_part(self) -> None:
        root = etree.Element(f"{{{W_NS}}}footnotes", nsmap={"w": W_NS})
        for note_id, kind in ((-1, "separator"), (0, "continuationSeparator")):
            note = etree.SubElement(root, f"{{{W_NS}}}footnote")
            note.set(f"{{{W_NS}}}type", kind)
            note.set(f"{{{W_NS}}}id", str(note_id))
            etree.SubElement(etree.SubElement(note, f"{{{W_NS}}}p"), f"{{{W_NS}}}r")
        for note_id, text in self.footnotes:
            note = etree.SubElement(root, f"{{{W_NS}}}footnote")
            note.set(f"{{{W_NS}}}id", str(note_id))
            run = etree.SubElement(etree.SubElement(note, f"{{{W_NS}}}p"), f"{{{W_NS}}}r")
            etree.SubElement(run, f"{{{W_NS}}}footnoteRef")
            text_element = etree.SubElement(
                etree.SubElement(note[0], f"{{{W_NS}}}r"), f"{{{W_NS}}}t"
            )
            text_element.text = " " + text
            text_element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        part = Part(
            PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, self.document.part.package
        )
        self.document.part.relate_to(part, RT.FOOTNOTES)

    def bytes(self) -> bytes:
        if self.footnotes:
            self._footnotes_part()
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def small_manuscript(
    *,
    leave_out_last: bool = False,
    picture_without_alt: bool = False,
    underline: bool = False,
    title: str = "National Threat Assessment 2027",
) -> bytes:
    """The .docx counterpart of `builders.manuscript()`: a foreword and two chapters of two
    assessments, the same headings and summaries. The first summary names a probability term
    ("likely") and a country (Belarus), so the reader proposes both; the others propose none.
    The options add what the command and admin tests need: the last assessment left out, a
    picture without alternative text under 2.1 (blocking), underlined text in chapter 1's
    introduction (a note)."""
    from .builders import JUDGMENTS

    built = DocxBuilder()
    built.title(title)
    built.heading("Foreword", 1)
    built.paragraph("The threats of the coming year.")
    built.signature("The Director")
    number = 0
    for chapter in (1, 2):
        built.heading(f"Chapter {chapter} on the region", 1)
        introduction = built.paragraph(f"About chapter {chapter}.")
        if underline and chapter == 1:
            built.run_property(introduction, " Underlined.", "u", val="single")
        for _place in (1, 2):
            if leave_out_last and number == 3:
                break
            title, summary = JUDGMENTS[number]
            if number == 0:
                summary = summary.replace("are set to", "are likely to") + " Belarus helps."
            built.heading(title, 2)
            built.summary(summary)
            built.paragraph(f"The case for judgment {number}.")
            if picture_without_alt and number == 2:
                built.picture(None)
            number += 1
    return built.bytes()


def _emphasis(text: str):
    """Split "a **b** _c_" into (text, bold, italic) pieces."""
    pieces = []
    bold = italic = False
    current = ""
    index = 0
    while index < len(text):
        if text.startswith("**", index):
            pieces.append((current, bold, italic))
            current, bold = "", not bold
            index += 2
        elif text[index] == "_" and (index == 0 or not text[index - 1].isalnum() or italic):
            pieces.append((current, bold, italic))
            current, italic = "", not italic
            index += 1
        else:
            current += text[index]
            index += 1
    pieces.append((current, bold, italic))
    return [piece for piece in pieces if piece[0]]
