"""Reading a .docx manuscript into a `Manuscript`, following docs/import.md's layout table.

The bytes are checked first (`docx_safety`); python-docx then opens the package and the body is
walked element by element through its lxml tree, because the mapping needs what python-docx's
objects hide: style IDs, numbering, footnotes, tracked changes, comments, alternative text.
Whatever the bytes, `read_manuscript` returns a Manuscript: a document it cannot read comes back
with one blocking problem and no chapters.
"""

from __future__ import annotations

import html
import io
import logging
import re
from collections.abc import Iterable, Mapping
from typing import BinaryIO

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.table import Table as DocxTable

from .docx_inline import Inline, PartContext, has_review_marks, read_inline
from .docx_safety import MAX_UPLOAD_BYTES, check_upload
from .docx_styles import _W, Styles, is_on, parse_part
from .manuscript import (
    Assessment,
    Block,
    Chapter,
    Figure,
    Footnote,
    ListBlock,
    Manuscript,
    Paragraph,
    Problem,
    Quotation,
    SubHeading,
    Table,
)
from .problems import problem
from .proposals import Proposer

logger = logging.getLogger(__name__)

FOREWORD_TITLES = {"foreword", "pratarmė"}
ATTRIBUTION_DASHES = ("—", "–")
BOOKMARK_PREFIXES = ("tp_a_", "tp_c_")
SEPARATOR_NOTES = {"separator", "continuationSeparator", "continuationNotice"}
TAGS = re.compile(r"<[^>]+>")


def read_manuscript(
    data: bytes | BinaryIO,
    *,
    language: str,
    probability_terms: Mapping[str, str],
    region_names: Iterable[str],
) -> Manuscript:
    """The manuscript in `data`, with every problem found; never raises for any bytes."""
    try:
        raw = (
            data
            if isinstance(data, (bytes, bytearray, memoryview))
            else data.read(MAX_UPLOAD_BYTES + 1)
        )
        verdict = check_upload(bytes(raw))
        if verdict.problem is not None:
            return Manuscript(problems=[verdict.problem])
        document = docx.Document(io.BytesIO(verdict.data))
        reader = _Reader(document, Proposer(language, probability_terms, region_names))
        return reader.read()
    except Exception:  # any malformed package is the publisher's report, not a 500
        logger.info("A manuscript could not be read", exc_info=True)
        return Manuscript(problems=[problem("unreadable")])


def _plain(rich: str) -> str:
    return html.unescape(TAGS.sub("", rich.replace("<br>", " ")))


class _Reader:
    def __init__(self, document, proposer: Proposer) -> None:
        self.document = document
        self.proposer = proposer
        part = document.part
        self.styles = Styles(
            parse_part(_related(part, RT.STYLES).blob) if _has_rel(part, RT.STYLES) else None,
            parse_part(_related(part, RT.NUMBERING).blob) if _has_rel(part, RT.NUMBERING) else None,
        )
        self.footnote_numbers: dict[str, str] = {}
        self.context = PartContext(
            part, self.styles.character_bold, self.styles.character_italic, self.footnote_key
        )
        self.footnote_bodies = self.read_footnote_part(part)
        self.manuscript = Manuscript()
        self.problems: dict[tuple[str, str, str], Problem] = {}
        # Where the walk is: "front" before any heading, "foreword", "chapter" (its
        # introduction), "assessment".
        self.place = "front"
        self.level = 0  # the last heading's level
        self.heading = ""  # the last Heading 1 or 2: what a problem is reported under
        self.chapter: Chapter | None = None
        self.assessment: Assessment | None = None
        self.summary_block: Paragraph | None = None  # a Summary-styled paragraph, once seen
        self.list: ListBlock | None = None
        self.caption_target: Table | Figure | None = None
        self.quotation: Quotation | None = None
        self.seen_heading = False

    # --- Footnotes --------------------------------------------------------------------------

    def read_footnote_part(self, part) -> dict[str, list]:
        if not _has_rel(part, RT.FOOTNOTES):
            return {}
        notes_part = _related(part, RT.FOOTNOTES)
        self.notes_context = PartContext(
            notes_part, self.styles.character_bold, self.styles.character_italic, lambda _id: ""
        )
        bodies = {}
        for note in parse_part(notes_part.blob).iter(f"{_W}footnote"):
            if note.get(f"{_W}type") in SEPARATOR_NOTES:
                continue
            bodies[note.get(f"{_W}id", "")] = list(note.iter(f"{_W}p"))
        return bodies

    def footnote_key(self, note_id: str) -> str:
        """The number the reader sees for a footnote: its place among the references."""
        if note_id not in self.footnote_bodies:
            return ""
        return self.footnote_numbers.setdefault(note_id, str(len(self.footnote_numbers) + 1))

    def footnote(self, key: str) -> Footnote:
        note_id = next(i for i, number in self.footnote_numbers.items() if number == key)
        paragraphs = []
        for code, found in zip(
            ("tracked-changes", "comments"),
            _any_review_marks(self.footnote_bodies[note_id]),
            strict=True,
        ):
            if found:
                self.report(code)
        for element in self.footnote_bodies[note_id]:
            inline = read_inline(element, self.notes_context)
            self.report_inline(inline)
            if inline.html:
                paragraphs.append(f"<p>{inline.html}</p>")
        return Footnote(key=key, html="".join(paragraphs))

    # --- Problems ---------------------------------------------------------------------------

    def report(self, code: str, heading: str | None = None, **details: object) -> None:
        heading = self.heading if heading is None else heading
        found = problem(code, heading, **details)
        self.problems.setdefault((code, heading, found.message), found)

    def report_inline(self, inline: Inline) -> None:
        for code, detail in inline.notices:
            if code == "link-dropped":
                self.report(code, detail=detail)
            else:
                self.report(code)

    # --- The walk ---------------------------------------------------------------------------

    def read(self) -> Manuscript:
        body = self.document.element.body
        self.check_review(body)
        for element in _blocks_of(body):
            if element.tag == f"{_W}p":
                self.paragraph(element)
            elif element.tag == f"{_W}tbl":
                self.table(element)
        self.close_assessment()
        if not self.seen_heading:
            self.report("no-headings", heading="")
        self.manuscript.problems = list(self.problems.values())
        return self.manuscript

    def check_review(self, body) -> None:
        """Tracked changes and comments block the import: text under review must not become a
        page. Each is reported under the heading where it first occurs."""
        reported = set()
        heading = ""
        for element in _blocks_of(body):
            if element.tag == f"{_W}p" and self.styles.role(element).startswith("heading"):
                level = int(self.styles.role(element)[len("heading") :])
                if level <= 2:
                    heading = _text(element)
            tracked, comments = has_review_marks(element)
            for code, found in (("tracked-changes", tracked), ("comments", comments)):
                if found and code not in reported:
                    reported.add(code)
                    self.report(code, heading=heading)

    def paragraph(self, element) -> None:
        role = self.styles.role(element)
        if element.find(f"{_W}pPr/{_W}sectPr") is not None:
            self.report("page-layout")
        if role.startswith("heading"):
            self.heading_paragraph(element, int(role[len("heading") :]))
            return
        if role == "toc":  # Word's table of contents: the site makes its own
            return
        inline = read_inline(element, self.context)
        if not inline.html and not inline.pictures and not inline.text_boxes:
            return
        if role == "title" and self.place == "front" and not self.manuscript.title:
            self.manuscript.title = inline.text
            return
        if self.place == "front":
            self.report("outside-page", heading="")
            return
        self.report_inline(inline)
        list_kind = self.styles.list_kind(element, role)
        if list_kind and self.styles.list_level(element) > 0:
            self.report("nested-list")
        if self.place in {"foreword", "chapter"}:
            self.rich_text_paragraph(inline, role, list_kind)
            return
        self.body_paragraph(inline, role, list_kind)

    def heading_paragraph(self, element, level: int) -> None:
        inline = read_inline(element, self.context)
        text = inline.text
        if not text:
            return
        self.end_run_of_blocks()
        self.seen_heading = True
        bookmark = next((b for b in inline.bookmarks if b.startswith(BOOKMARK_PREFIXES)), "")
        previous = self.level
        if level == 1:
            self.close_assessment()
            self.heading = text
            self.level = 1
            if text.casefold() in FOREWORD_TITLES and not self.manuscript.chapters:
                self.place = "foreword"
                self.chapter = None
                return
            self.chapter = Chapter(title=text, bookmark=bookmark)
            self.manuscript.chapters.append(self.chapter)
            self.place = "chapter"
            return
        if level == 2:
            self.close_assessment()
            self.heading = text
            self.level = 2
            if previous == 0 or self.place == "foreword":
                self.report("heading-before-chapter", level=2)
                if self.place == "foreword" or self.chapter is None:
                    self.chapter = Chapter(title="")
                    self.manuscript.chapters.append(self.chapter)
            self.assessment = Assessment(title=text, summary="", bookmark=bookmark)
            self.chapter.assessments.append(self.assessment)
            self.place = "assessment"
            return
        # Heading 3 and deeper: sub-headings of an assessment.
        if previous == 0:
            self.report("heading-before-chapter", heading=text, level=level)
        elif level > previous + 1:
            self.report("skipped-heading-level", heading=text, level=level, previous=previous)
        elif level > 3:
            self.report("deep-heading", level=level)
        self.level = level
        if self.place == "assessment":
            self.assessment.blocks.append(SubHeading(text=text))
            self.note_footnotes(inline)
        elif self.place in {"foreword", "chapter"}:
            self.rich_text_paragraph(inline, "", "")
        else:
            self.report("outside-page", heading="")

    def rich_text_paragraph(self, inline: Inline, role: str, list_kind: str) -> None:
        """A paragraph of a chapter's introduction or of the foreword (rich text only)."""
        if inline.footnotes:
            self.report("footnote-dropped")
            inline.html = re.sub(r'<footnote id="[^"]*"></footnote>', "", inline.html)
        if inline.pictures:
            self.report("picture-in-rich-text")
        for text in inline.text_boxes:
            self.append_rich(f"<p>{html.escape(text)}</p>")
        if not inline.html:
            return
        if self.place == "foreword" and role == "signature":
            self.manuscript.foreword_signed_by = inline.text
            return
        if list_kind:
            self.append_rich_list_item(inline.html, list_kind == "ordered")
            return
        self.end_run_of_blocks()
        self.append_rich(f"<p>{inline.html}</p>")

    def append_rich(self, fragment: str) -> None:
        if self.place == "foreword":
            self.manuscript.foreword += fragment
        elif self.chapter is not None:
            self.chapter.introduction += fragment

    def append_rich_list_item(self, item: str, ordered: bool) -> None:
        tag = "ol" if ordered else "ul"
        in_foreword = self.place == "foreword"
        current = self.manuscript.foreword if in_foreword else self.chapter.introduction
        if current.endswith(f"</{tag}>") and self.list is not None:
            current = current[: -len(f"</{tag}>")] + f"<li>{item}</li></{tag}>"
            if in_foreword:
                self.manuscript.foreword = current
            else:
                self.chapter.introduction = current
        else:
            self.append_rich(f"<{tag}><li>{item}</li></{tag}>")
        self.list = ListBlock(ordered=ordered, items=[])  # marks that a list is open

    def body_paragraph(self, inline: Inline, role: str, list_kind: str) -> None:
        assessment = self.assessment
        self.note_footnotes(inline)
        if inline.html:
            if role == "summary" and self.summary_block is None:
                self.end_run_of_blocks()
                self.summary_block = Paragraph(html=f"<p>{inline.html}</p>")
                assessment.summary = inline.text
            elif role == "caption" and self.caption_target is not None:
                self.caption_target.caption = inline.text
                self.caption_target = None
            elif (
                role == "quote"
                and self.quotation is not None
                and inline.text.startswith(ATTRIBUTION_DASHES)
            ):
                self.quotation.attribution = inline.text.lstrip("".join(ATTRIBUTION_DASHES)).strip()
                self.quotation = None
            elif role == "quote":
                self.end_run_of_blocks()
                self.quotation = Quotation(text=inline.text)
                assessment.blocks.append(self.quotation)
            elif list_kind:
                self.list_item(inline.html, list_kind == "ordered")
            else:
                self.end_run_of_blocks()
                assessment.blocks.append(Paragraph(html=f"<p>{inline.html}</p>"))
        for text in inline.text_boxes:
            self.end_run_of_blocks()
            assessment.blocks.append(Paragraph(html=f"<p>{html.escape(text)}</p>"))
        for picture in inline.pictures:
            self.end_run_of_blocks()
            if not picture.alt_text:
                self.report("missing-alt-text")
            figure = Figure(picture.image, picture.filename, picture.alt_text)
            assessment.blocks.append(figure)
            self.caption_target = figure

    def list_item(self, item: str, ordered: bool) -> None:
        if self.list is None or self.list.ordered != ordered:
            self.end_run_of_blocks()
            self.list = ListBlock(ordered=ordered, items=[])
            self.assessment.blocks.append(self.list)
        self.list.items.append(item)

    def end_run_of_blocks(self) -> None:
        """A new block ends an open list, and a caption or attribution may no longer follow."""
        self.list = None
        self.caption_target = None
        self.quotation = None

    def note_footnotes(self, inline: Inline) -> None:
        for key in inline.footnotes:
            if all(note.key != key for note in self.assessment.footnotes):
                self.assessment.footnotes.append(self.footnote(key))

    def table(self, element) -> None:
        self.end_run_of_blocks()
        if self.place != "assessment":
            if self.place == "front":
                self.report("outside-page", heading="")
            else:
                self.report("table-in-rich-text")
            return
        table = DocxTable(element, self.document)
        rows = []
        for row in table.rows:
            cells = []
            for cell in row.cells:
                texts = []
                for paragraph in cell._tc.iter(f"{_W}p"):
                    inline = read_inline(paragraph, self.context)
                    self.report_inline(inline)
                    if inline.pictures:
                        self.report("image-in-table")
                    if inline.footnotes:
                        self.report("footnote-dropped")
                    if inline.text:
                        texts.append(inline.text)
                cells.append("\n".join(texts))
            rows.append(cells)
        first_row = element.find(f"{_W}tr")
        header = first_row is not None and is_on(first_row.find(f"{_W}trPr/{_W}tblHeader"))
        block = Table(rows=rows, header_row=header)
        self.assessment.blocks.append(block)
        self.caption_target = block

    def close_assessment(self) -> None:
        """Settle the summary of the assessment just finished, and what its text proposes."""
        assessment, self.assessment = self.assessment, None
        self.end_run_of_blocks()
        self.summary_block = None
        if assessment is None:
            return
        if not assessment.summary:
            first = assessment.blocks[0] if assessment.blocks else None
            if isinstance(first, Paragraph):
                assessment.blocks.pop(0)
                assessment.summary = _plain(first.html).strip()
            else:
                self.report("missing-summary", heading=assessment.title)
        assessment.proposed_probability = self.proposer.probability(
            assessment.title, assessment.summary
        )
        assessment.proposed_regions = self.proposer.regions_named(
            [assessment.title, assessment.summary, *(_block_text(b) for b in assessment.blocks)]
        )


def _block_text(block: Block) -> str:
    if isinstance(block, Paragraph):
        return _plain(block.html)
    if isinstance(block, ListBlock):
        return " ".join(_plain(item) for item in block.items)
    if isinstance(block, SubHeading):
        return block.text
    if isinstance(block, Quotation):
        return f"{block.text} {block.attribution}"
    if isinstance(block, Table):
        return " ".join(" ".join(row) for row in block.rows) + " " + block.caption
    return f"{block.alt_text} {block.caption}"


def _blocks_of(container):
    """Paragraphs and tables of the body in order, looking inside content controls."""
    for child in container:
        if child.tag in {f"{_W}p", f"{_W}tbl"}:
            yield child
        elif child.tag in {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"}:
            yield from _blocks_of(child)


def _any_review_marks(paragraphs) -> tuple[bool, bool]:
    marks = [has_review_marks(paragraph) for paragraph in paragraphs]
    return any(tracked for tracked, _c in marks), any(comments for _t, comments in marks)


def _text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(f"{_W}t")).strip()


def _has_rel(part, reltype: str) -> bool:
    return any(rel.reltype == reltype for rel in part.rels.values())


def _related(part, reltype: str):
    return part.part_related_by(reltype)
