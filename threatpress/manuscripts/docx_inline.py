"""One paragraph's content as the rich text our fields store, and what it held that they cannot.

The walk goes through the paragraph's children in document order (runs, links, content controls,
fields, tracked insertions) rather than python-docx's `Paragraph.runs`, which skips runs inside
links and content controls. It keeps text, bold, italic, line breaks, http(s)/mailto links and
footnote references, collects pictures and text boxes, and notes everything else by a code that
`reading` turns into a `Problem`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from urllib.parse import urlsplit

from .docx_styles import _W, is_on

R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
V = "{urn:schemas-microsoft-com:vml}"
PICTURE_URI = "http://schemas.openxmlformats.org/drawingml/2006/picture"

LINK_SCHEMES = {"http", "https", "mailto"}
TRACKED = {f"{_W}{tag}" for tag in ("ins", "del", "moveFrom", "moveTo")}
PROPERTY_CHANGES = [f"{_W}{tag}" for tag in ("rPrChange", "pPrChange", "delText", "sectPrChange")]
COMMENT_MARKS = [f"{_W}{tag}" for tag in ("commentRangeStart", "commentReference")]
CONTAINERS = {f"{_W}{tag}" for tag in ("sdt", "sdtContent", "smartTag", "customXml", "fldSimple")}
HYPERLINK_FIELD = re.compile(r'^\s*HYPERLINK\s+"([^"]*)"', re.IGNORECASE)
HIGHLIGHT_FREE = {"", "auto", "none", "ffffff"}
PLAIN_COLOURS = {"", "auto", "000000"}


@dataclass
class Picture:
    image: bytes
    filename: str
    alt_text: str


@dataclass
class Inline:
    """The content of one paragraph."""

    html: str = ""  # inline HTML, without the <p>
    text: str = ""  # the same as plain text
    pictures: list[Picture] = field(default_factory=list)
    text_boxes: list[str] = field(default_factory=list)  # their text, kept as paragraphs
    footnotes: list[str] = field(default_factory=list)  # keys referenced, in order
    bookmarks: list[str] = field(default_factory=list)
    notices: list[tuple[str, str]] = field(default_factory=list)  # (code, detail)


@dataclass
class _Piece:
    content: str  # escaped HTML
    text: str
    bold: bool = False
    italic: bool = False
    href: str = ""


class PartContext:
    """What resolving a paragraph needs from the part it is in: its relationships (links,
    images), the character styles, and the footnote numbering shared by the whole document."""

    def __init__(self, part, character_bold, character_italic, footnote_key: Callable) -> None:
        self.part = part
        self.character_bold = character_bold
        self.character_italic = character_italic
        self.footnote_key = footnote_key

    def relationship(self, r_id: str):
        return self.part.rels.get(r_id) if r_id else None


def has_review_marks(element) -> tuple[bool, bool]:
    """(tracked changes, comments) anywhere inside `element`."""
    tracked = any(True for _ in element.iter(*TRACKED, *PROPERTY_CHANGES))
    comments = any(True for _ in element.iter(*COMMENT_MARKS))
    return tracked, comments


class _Walk:
    def __init__(self, context: PartContext) -> None:
        self.context = context
        self.pieces: list[_Piece] = []
        self.result = Inline()
        self.field_instructions: list[str] = []
        self.field_links: list[str] = []  # the link of each open complex field ("" if none)
        self.in_link = 0  # inside a link, kept or dropped: its underline and colour are its look

    def notice(self, code: str, detail: str = "") -> None:
        if (code, detail) not in self.result.notices:
            self.result.notices.append((code, detail))

    def children(self, element, href: str) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{_W}r":
                self.run(child, href)
            elif tag == f"{_W}hyperlink":
                self.in_link += 1
                self.children(child, self.link_target(child))
                self.in_link -= 1
            elif tag in TRACKED:
                if tag in {f"{_W}ins", f"{_W}moveTo"}:
                    self.children(child, href)  # blocking anyway; the text is still shown
            elif tag in CONTAINERS:
                if tag == f"{_W}fldSimple":
                    href = self.field_link(child.get(f"{_W}instr", "")) or href
                self.children(child, href)
            elif tag == f"{_W}bookmarkStart":
                self.result.bookmarks.append(child.get(f"{_W}name", ""))
            elif tag in {f"{M}oMath", f"{M}oMathPara"}:
                self.notice("equation")
                text = "".join(t.text or "" for t in child.iter(f"{M}t"))
                self.add(html.escape(text), text, href=href)
            elif tag == f"{MC}AlternateContent":
                choice = child.find(f"{MC}Choice")
                if choice is not None:
                    self.children(choice, href)

    def link_target(self, hyperlink) -> str:
        relationship = self.context.relationship(hyperlink.get(f"{R}id", ""))
        if relationship is not None and relationship.is_external:
            return self.checked_link(relationship.target_ref)
        anchor = hyperlink.get(f"{_W}anchor")
        if anchor:
            self.notice("link-dropped", "#" + anchor)
        return ""

    def checked_link(self, target: str) -> str:
        target = target.strip()
        try:
            scheme = urlsplit(target).scheme.lower()
        except ValueError:
            scheme = ""
        if scheme in LINK_SCHEMES:
            return target
        self.notice("link-dropped", target[:200])
        return ""

    def field_link(self, instruction: str) -> str:
        match = HYPERLINK_FIELD.match(instruction)
        return self.checked_link(match.group(1)) if match else ""

    def run(self, run, href: str) -> None:
        properties = run.find(f"{_W}rPr")
        bold, italic = self.run_emphasis(properties)
        if self.field_links and self.field_links[-1]:
            href = href or self.field_links[-1]
        if properties is not None:
            self.check_formatting(properties, in_link=bool(href) or self.in_link > 0)
        for child in run:
            tag = child.tag
            if tag == f"{_W}t":
                text = child.text or ""
                self.add(html.escape(text, quote=False), text, bold, italic, href)
            elif tag in {f"{_W}tab", f"{_W}noBreakHyphen"}:
                text = " " if tag == f"{_W}tab" else "-"
                self.add(text, text, bold, italic, href)
            elif tag in {f"{_W}br", f"{_W}cr"}:
                if child.get(f"{_W}type") not in {"page", "column"}:
                    self.add("<br>", "\n", bold, italic, href)
            elif tag == f"{_W}footnoteReference":
                key = self.context.footnote_key(child.get(f"{_W}id", ""))
                if key:
                    self.result.footnotes.append(key)
                    self.add(f'<footnote id="{key}"></footnote>', "")
            elif tag == f"{_W}endnoteReference":
                self.notice("endnote")
            elif tag == f"{_W}drawing":
                self.drawing(child)
            elif tag == f"{_W}pict":
                self.vml(child)
            elif tag == f"{_W}object":
                self.notice("embedded-object")
            elif tag == f"{_W}fldChar":
                self.field_char(child.get(f"{_W}fldCharType", ""))
            elif tag == f"{_W}instrText":
                if self.field_instructions:
                    self.field_instructions[-1] += child.text or ""
            elif tag == f"{MC}AlternateContent":
                choice = child.find(f"{MC}Choice")
                if choice is not None:
                    self.run(choice, href)

    def field_char(self, kind: str) -> None:
        if kind == "begin":
            self.field_instructions.append("")
            self.field_links.append("")
        elif kind == "separate" and self.field_instructions:
            self.field_links[-1] = self.field_link(self.field_instructions[-1])
        elif kind == "end" and self.field_instructions:
            self.field_instructions.pop()
            self.field_links.pop()

    def run_emphasis(self, properties) -> tuple[bool, bool]:
        if properties is None:
            return False, False
        style = properties.find(f"{_W}rStyle")
        style_id = style.get(f"{_W}val", "") if style is not None else ""
        bold_element, italic_element = properties.find(f"{_W}b"), properties.find(f"{_W}i")
        bold = (
            is_on(bold_element)
            if bold_element is not None
            else style_id in self.context.character_bold
        )
        italic = (
            is_on(italic_element)
            if italic_element is not None
            else style_id in self.context.character_italic
        )
        return bold, italic

    def check_formatting(self, properties, in_link: bool = False) -> None:
        """Direct formatting the site cannot show (a link's own underline and colour are the
        link's look, not the author's formatting)."""
        underline = properties.find(f"{_W}u")
        if not in_link and underline is not None and underline.get(f"{_W}val", "single") != "none":
            self.notice("underline")
        if is_on(properties.find(f"{_W}strike")) or is_on(properties.find(f"{_W}dstrike")):
            self.notice("strikethrough")
        colour = properties.find(f"{_W}color")
        if (
            not in_link
            and colour is not None
            and colour.get(f"{_W}val", "").casefold() not in PLAIN_COLOURS
        ):
            self.notice("colour")
        highlight = properties.find(f"{_W}highlight")
        shading = properties.find(f"{_W}shd")
        if (
            highlight is not None and highlight.get(f"{_W}val", "").casefold() not in HIGHLIGHT_FREE
        ) or (
            shading is not None and shading.get(f"{_W}fill", "").casefold() not in HIGHLIGHT_FREE
        ):
            self.notice("highlight")

    def drawing(self, drawing) -> None:
        for frame in drawing:  # wp:inline or wp:anchor
            described = frame.find(f"{WP}docPr")
            alt_text = ""
            if described is not None:
                alt_text = (described.get("descr") or described.get("title") or "").strip()
            data = frame.find(f"{A}graphic/{A}graphicData")
            if data is None:
                continue
            boxes = list(data.iter(f"{_W}txbxContent"))
            if data.get("uri") == PICTURE_URI:
                blip = next(data.iter(f"{A}blip"), None)
                if blip is not None:
                    self.picture(blip.get(f"{R}embed", ""), blip.get(f"{R}link", ""), alt_text)
            elif boxes:
                self.text_boxes(boxes)
            else:
                self.notice("embedded-object")  # a chart, a SmartArt diagram, a shape

    def vml(self, picture) -> None:
        """Word 2003's pictures and text boxes, still written by some tools."""
        boxes = list(picture.iter(f"{_W}txbxContent"))
        if boxes:
            self.text_boxes(boxes)
            return
        image = next(picture.iter(f"{V}imagedata"), None)
        shape = next(picture.iter(f"{V}shape"), None)
        if image is None:
            self.notice("embedded-object")
            return
        alt_text = (shape.get("alt") or "").strip() if shape is not None else ""
        self.picture(image.get(f"{R}id", ""), "", alt_text)

    def text_boxes(self, boxes) -> None:
        self.notice("text-box")
        for box in boxes:
            for paragraph in box.iter(f"{_W}p"):
                text = "".join(t.text or "" for t in paragraph.iter(f"{_W}t")).strip()
                if text:
                    self.result.text_boxes.append(text)

    def picture(self, embedded: str, linked: str, alt_text: str) -> None:
        relationship = self.context.relationship(embedded)
        if relationship is None or relationship.is_external:
            self.notice("linked-image" if linked or relationship is not None else "broken-image")
            return
        part = relationship.target_part
        filename = str(part.partname).rsplit("/", 1)[-1]
        self.result.pictures.append(Picture(part.blob, filename, alt_text))

    def add(self, content: str, text: str, bold=False, italic=False, href="") -> None:
        self.pieces.append(_Piece(content, text, bold, italic, href))

    def finish(self) -> Inline:
        self.result.text = "".join(piece.text for piece in self.pieces).strip()
        self.result.html = render(self.pieces).strip()
        return self.result


def render(pieces: list[_Piece]) -> str:
    """Nest link, bold and italic so that neighbours with the same formatting share a tag."""
    out = []
    for href, by_link in groupby(pieces, key=lambda piece: piece.href):
        inner = []
        for bold, by_bold in groupby(by_link, key=lambda piece: piece.bold):
            bolded = []
            for italic, by_italic in groupby(by_bold, key=lambda piece: piece.italic):
                content = "".join(piece.content for piece in by_italic)
                bolded.append(f"<i>{content}</i>" if italic and content.strip() else content)
            content = "".join(bolded)
            inner.append(f"<b>{content}</b>" if bold and content.strip() else content)
        content = "".join(inner)
        if href and content.strip():
            content = f'<a href="{html.escape(href)}">{content}</a>'
        out.append(content)
    return "".join(out)


def read_inline(paragraph, context: PartContext) -> Inline:
    walk = _Walk(context)
    walk.children(paragraph, "")
    return walk.finish()
