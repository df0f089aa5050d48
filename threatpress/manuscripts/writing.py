"""An edition written out as a .docx in the layout that `reading` reads back (docs/import.md).

python-docx writes the paragraphs, styles, tables and pictures. Three things it has no API for are
written here as WordprocessingML with its lxml element factory: bookmarks on headings, hyperlinks
and Word's numbering for lists (one numbering instance per list, so that each list starts at 1),
and the footnotes part (`word/footnotes.xml`), which python-docx does not create at all.

Rich text is parsed by the exports' parser (`threatpress.exports.inline`), so the document says
what the PDF and the audio say. The probability term, time horizon and regions are not written:
they are fields of the page, not text of the manuscript.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable

import docx
from django.utils import translation
from django.utils.translation import gettext as _
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Pt, RGBColor
from wagtail.documents import get_document_model
from wagtail.images.models import SourceImageIOError
from wagtail.models import Page

from threatpress.core.ids import parse_id
from threatpress.exports.inline import Inline, ListBlock, Paragraph, parse_richtext
from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage

from .manuscript import bookmark_name

logger = logging.getLogger(__name__)

# Picture formats python-docx can place; anything else goes in as a PNG rendition.
_PICTURE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff")
_MAX_PICTURE_WIDTH = Cm(16)  # the text width of an A4 page with Word's default margins
_ABSTRACT_BULLET, _ABSTRACT_DECIMAL = 9001, 9002  # ids of our own list definitions


def edition_to_docx(edition: EditionPage, *, latest_revision: bool = True) -> bytes:
    """The edition as one .docx. By default each page as last edited (what editors review);
    `latest_revision=False` writes only live pages, as readers see them."""
    with translation.override(edition.locale.language_code):
        writer = _Writer(edition, latest_revision)
        writer.write()
        return writer.to_bytes()


def edition_for(year: int, language: str) -> EditionPage | None:
    return EditionPage.objects.filter(year=year, locale__language_code=language).first()


def docx_filename(edition: EditionPage) -> str:
    """E.g. "threat-assessment-2026-en.docx": the year and the language, ASCII only."""
    return f"threat-assessment-{edition.year}-{edition.locale.language_code}.docx"


def _as_edited(page: Page, latest_revision: bool) -> Page:
    page = page.specific
    if latest_revision:
        return page.get_latest_revision_as_object()
    return page


def _children(page: Page, model: type[Page], latest_revision: bool) -> Iterable[Page]:
    pages = model.objects.child_of(page).order_by("path")
    if not latest_revision:
        pages = pages.live()
    return (_as_edited(child, latest_revision) for child in pages)


class _Writer:
    def __init__(self, edition: EditionPage, latest_revision: bool):
        self.latest_revision = latest_revision
        self.edition = _as_edited(edition, latest_revision)
        self.document = docx.Document()
        self.body_part = self.document.part
        self.footnotes: list = []  # <w:footnote> elements, in the order they are referenced
        self.next_bookmark = 0
        site = edition.get_site()
        self.root_url = site.root_url if site is not None else ""
        self._define_styles()
        self._define_lists()

    # --- The document's skeleton --------------------------------------------------------------

    def write(self) -> None:
        edition = self.edition
        properties = self.document.core_properties
        properties.title = edition.title
        properties.language = edition.locale.language_code
        self.document.add_paragraph(edition.title, style="Title")
        if edition.foreword or edition.foreword_signed_by:
            self.document.add_heading(_("Foreword"), level=1)
            self.richtext(edition.foreword)
            if edition.foreword_signed_by:
                self.document.add_paragraph(edition.foreword_signed_by, style="Signature")
        for chapter in _children(edition, ChapterPage, self.latest_revision):
            self.heading(chapter.title, 1, bookmark_name("chapter", chapter.slug))
            self.richtext(chapter.introduction)
            for assessment in _children(chapter, AssessmentPage, self.latest_revision):
                self.assessment(assessment)

    def assessment(self, page: AssessmentPage) -> None:
        self.heading(page.title, 2, bookmark_name("assessment", page.slug))
        self.document.add_paragraph(page.summary, style="Summary")
        notes = {str(note.uuid): note for note in page.footnotes.all()}
        numbers: dict[str, int] = {}

        def number(uuid: str) -> int:
            """The footnote's id in the document, given at its first reference."""
            if uuid not in notes:
                return 0
            if uuid not in numbers:
                numbers[uuid] = len(self.footnotes) + 1
                self.footnotes.append(self.footnote(numbers[uuid], notes[uuid].text))
            return numbers[uuid]

        for block in page.body:
            value = block.value
            if block.block_type == "paragraph":
                self.richtext(value, number)
            elif block.block_type == "heading":
                self.document.add_heading(str(value), level=3)
            elif block.block_type == "quote":
                self.quote(value["text"], value.get("attribution") or "")
            elif block.block_type == "table":
                self.table(value)
            elif block.block_type == "figure":
                self.figure(value["image"], value["alt_text"], value.get("caption") or "")

    def to_bytes(self) -> bytes:
        if self.footnotes:
            self._add_footnotes_part()
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()

    # --- Blocks ---------------------------------------------------------------------------------

    def heading(self, text: str, level: int, bookmark: str) -> None:
        paragraph = self.document.add_heading(level=level)
        self.next_bookmark += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self.next_bookmark))
        start.set(qn("w:name"), bookmark)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self.next_bookmark))
        paragraph._p.append(start)
        paragraph.add_run(text)
        paragraph._p.append(end)

    def richtext(self, value, number=lambda uuid: 0) -> None:
        source = str(getattr(value, "source", value) or "")
        for block in parse_richtext(source, self.resolve_link, number):
            if isinstance(block, Paragraph):
                paragraph = self.document.add_paragraph()
                self.inlines(paragraph._p, block.inlines, self.body_part)
            elif isinstance(block, ListBlock):
                self.list(block)

    def list(self, block: ListBlock) -> None:
        num_id = self._new_list(block.ordered)
        style = "List Number" if block.ordered else "List Bullet"
        for item in block.items:
            paragraph = self.document.add_paragraph(style=style)
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = num_id
            self.inlines(paragraph._p, item, self.body_part)

    def quote(self, text: str, attribution: str) -> None:
        paragraph = self.document.add_paragraph(style="Quote")
        _text_runs(paragraph._p, text)
        if attribution:
            self.document.add_paragraph(f"— {attribution}", style="Quote")

    def table(self, value: dict) -> None:
        rows = [[cell or "" for cell in row] for row in value.get("data") or []]
        width = max((len(row) for row in rows), default=0)
        if not width:
            return
        header_row = bool(value.get("first_row_is_table_header"))
        header_column = bool(value.get("first_col_is_header"))
        table = self.document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        look = table._tbl.tblPr.find(qn("w:tblLook"))
        if look is not None:
            look.set(qn("w:firstRow"), "1" if header_row else "0")
            look.set(qn("w:firstColumn"), "1" if header_column else "0")
        for r, row in enumerate(rows):
            if r == 0 and header_row:
                # Repeated at the top of each page the table runs onto; the reader's header row.
                row_pr = table.rows[0]._tr.get_or_add_trPr()
                row_pr.append(OxmlElement("w:tblHeader"))
            for c in range(width):
                cell = table.cell(r, c)
                text = row[c] if c < len(row) else ""
                run = cell.paragraphs[0].add_run(text)
                run.bold = (r == 0 and header_row) or (c == 0 and header_column) or None
        caption = value.get("table_caption") or ""
        if caption:
            self.document.add_paragraph(caption, style="Caption")

    def figure(self, image, alt_text: str, caption: str) -> None:
        if image is None:
            return
        try:
            data, width_px = _picture_bytes(image)
        except (SourceImageIOError, OSError):
            # The image's file is gone from storage: the page shows nothing there either, and
            # a manuscript must still be written, so the figure is left out (and logged).
            logger.warning("Figure %s left out of the manuscript: its file is missing", image.pk)
            return
        paragraph = self.document.add_paragraph()
        run = paragraph.add_run()
        width = min(Emu(int(width_px * 914400 / 96)), _MAX_PICTURE_WIDTH)
        run.add_picture(io.BytesIO(data), width=width)
        for doc_pr in run._r.iter(qn("wp:docPr")):
            doc_pr.set("descr", alt_text)  # Word's "Alt Text"
        if caption:
            self.document.add_paragraph(caption, style="Caption")

    # --- Inline text ----------------------------------------------------------------------------

    def inlines(
        self, parent, inlines: list[Inline], part, bold=False, italic=False, link=False
    ) -> None:
        """Appends runs for `inlines` to `parent` (a <w:p> or <w:hyperlink>); hyperlinks are
        related from `part`, the document or the footnotes part the paragraph belongs to."""
        for run in inlines:
            if run.kind == "text":
                style = "Hyperlink" if link else ""
                _text_runs(parent, run.text, bold=bold, italic=italic, style=style)
            elif run.kind == "linebreak":
                parent.append(_run(breaks=True))
            elif run.kind == "strong":
                self.inlines(parent, run.children, part, True, italic, link)
            elif run.kind == "em":
                self.inlines(parent, run.children, part, bold, True, link)
            elif run.kind == "link":
                if run.href.startswith(("http://", "https://", "mailto:")):
                    hyperlink = OxmlElement("w:hyperlink")
                    r_id = part.relate_to(run.href, RT.HYPERLINK, is_external=True)
                    hyperlink.set(qn("r:id"), r_id)
                    parent.append(hyperlink)
                    self.inlines(hyperlink, run.children, part, bold, italic, link=True)
                else:
                    self.inlines(parent, run.children, part, bold, italic, link)
            elif run.kind == "footnote" and run.number:
                reference = _run(style="FootnoteReference")
                note = OxmlElement("w:footnoteReference")
                note.set(qn("w:id"), str(run.number))
                reference.append(note)
                parent.append(reference)

    def resolve_link(self, linktype: str, reference: str) -> str:
        """Where a stored link points, as an address a reader of the document can follow."""
        if linktype == "page":
            target_id = parse_id(reference)
            page = Page.objects.filter(pk=target_id).first() if target_id is not None else None
            url = page.specific.get_url() if page is not None else None
            return self._absolute(url or "")
        if linktype == "document":
            document = get_document_model().objects.filter(pk=reference or 0).first()
            return self._absolute(document.url) if document is not None else ""
        return self._absolute(reference)

    def _absolute(self, url: str) -> str:
        return self.root_url + url if url.startswith("/") else url

    # --- Footnotes --------------------------------------------------------------------------------

    def footnote(self, number: int, text) -> object:
        """A <w:footnote> holding the note's paragraphs; the first starts with its number."""
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), str(number))
        blocks = parse_richtext(str(getattr(text, "source", text) or ""), self.resolve_link)
        paragraphs: list[list[Inline]] = []
        for block in blocks:
            if isinstance(block, Paragraph):
                paragraphs.append(block.inlines)
            else:  # a list inside a note: one line per item
                paragraphs.extend(block.items)
        for i, inlines in enumerate(paragraphs or [[]]):
            p = OxmlElement("w:p")
            p_pr = OxmlElement("w:pPr")
            style = OxmlElement("w:pStyle")
            style.set(qn("w:val"), "FootnoteText")
            p_pr.append(style)
            p.append(p_pr)
            if i == 0:
                mark = _run(style="FootnoteReference")
                mark.append(OxmlElement("w:footnoteRef"))
                p.append(mark)
                p.append(_run(" "))
            self.inlines(p, inlines, self._footnotes_part)
            note.append(p)
        return note

    @property
    def _footnotes_part(self) -> XmlPart:
        if not hasattr(self, "_notes_part"):
            xml = (
                f"<w:footnotes {nsdecls('w', 'r')}>"
                '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
                "</w:footnote>"
                '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
                "<w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>"
            )
            package = self.body_part.package
            self._notes_part = XmlPart(
                PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(xml), package
            )
        return self._notes_part

    def _add_footnotes_part(self) -> None:
        part = self._footnotes_part
        for note in self.footnotes:
            part.element.append(note)
        self.body_part.relate_to(part, RT.FOOTNOTES)

    # --- Styles and numbering ---------------------------------------------------------------------

    def _define_styles(self) -> None:
        """Styles the layout names that python-docx's template lacks."""
        styles = self.document.styles
        summary = styles.add_style("Summary", WD_STYLE_TYPE.PARAGRAPH)
        summary.base_style = styles["Normal"]
        summary.font.bold = True
        summary.font.size = Pt(12)
        summary.paragraph_format.space_after = Pt(10)
        signature = styles.add_style("Signature", WD_STYLE_TYPE.PARAGRAPH)
        signature.base_style = styles["Normal"]
        signature.font.italic = True
        note_text = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
        note_text.base_style = styles["Normal"]
        note_text.font.size = Pt(9)
        note_text.paragraph_format.space_after = Pt(0)
        note_mark = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
        note_mark.font.superscript = True
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.underline = True
        link.font.color.rgb = RGBColor(0x14, 0x53, 0x8A)

    def _define_lists(self) -> None:
        """One bulleted and one decimal list definition; each list gets its own instance."""
        numbering = self.document.part.numbering_part.element
        for abstract_id, fmt, text in (
            (_ABSTRACT_BULLET, "bullet", "•"),
            (_ABSTRACT_DECIMAL, "decimal", "%1."),
        ):
            abstract = parse_xml(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
                '<w:multiLevelType w:val="singleLevel"/>'
                f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                '<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>'
            )
            # Every <w:abstractNum> comes before the first <w:num> (the schema's order).
            first_num = numbering.find(qn("w:num"))
            if first_num is not None:
                first_num.addprevious(abstract)
            else:
                numbering.append(abstract)

    def _new_list(self, ordered: bool) -> int:
        numbering = self.document.part.numbering_part.element
        num = numbering.add_num(_ABSTRACT_DECIMAL if ordered else _ABSTRACT_BULLET)
        override = num.add_lvlOverride(ilvl=0)
        override.add_startOverride(1)
        return num.numId


def _run(text: str = "", *, bold=False, italic=False, style: str = "", breaks=False):
    run = OxmlElement("w:r")
    if bold or italic or style:
        r_pr = OxmlElement("w:rPr")
        if style:
            r_style = OxmlElement("w:rStyle")
            r_style.set(qn("w:val"), style)
            r_pr.append(r_style)
        if bold:
            r_pr.append(OxmlElement("w:b"))
        if italic:
            r_pr.append(OxmlElement("w:i"))
        run.append(r_pr)
    if breaks:
        run.append(OxmlElement("w:br"))
    if text:
        t = OxmlElement("w:t")
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.append(t)
    return run


def _text_runs(parent, text: str, *, bold=False, italic=False, style="") -> None:
    """Runs for `text`, a line break for each newline in it."""
    for i, line in enumerate(text.split("\n")):
        run = _run(line, bold=bold, italic=italic, style=style, breaks=i > 0)
        parent.append(run)


def _picture_bytes(image) -> tuple[bytes, int]:
    """The original image file if Word can show it, else a PNG rendition; and its width."""
    if image.file.name.lower().endswith(_PICTURE_EXTENSIONS):
        with image.open_file() as handle:
            return handle.read(), image.width
    rendition = image.get_rendition("max-2400x2400|format-png")
    with rendition.file.open("rb") as handle:
        return handle.read(), rendition.width
