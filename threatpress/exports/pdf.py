"""The PDF of an edition, a chapter or an assessment, typeset by Typst.

`render_pdf(doc, variant)` turns an ExportDocument into a tagged PDF (PDF/UA-1) with the site's
Source Serif embedded. The document goes to Typst as data, never as markup: pdf.py writes it
to `data.json` in a temporary root directory, beside the figures' image files, and the
template (`typst/document.typ`) reads it with `json()` and places every string as text. No
string from the content is ever spliced into Typst source, so nothing an editor types can be
evaluated, import a file or stop the compiler. See docs/pdf.md.

Variants: "screen" (RGB, coloured clickable links, single-sided) and "print" (A4 two-sided,
mirrored margins, black text, sections on right-hand pages, URLs printed after their links).

One Typst compiler serves the whole process, so fonts are found and read once. Typst memoises
layout in a process-wide cache that the typst package trims only of entries unused for ten
compilations: a worker that renders document after document would hold up to ten documents'
worth of it (about 40 MB per edition). After each document a few empty compilations age that
document's entries out, which keeps a worker's memory flat (docs/pdf.md). Typst compiles one
document at a time per compiler, so calls are serialised with a lock.
"""

from __future__ import annotations

import atexit
import datetime
import functools
import json
import logging
import os
import re
import shutil
import struct
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import font_source_serif_pro
import typst
from django.utils import formats, timezone, translation

from .document import (
    AssessmentDoc,
    ExportDocument,
    Figure,
    Footnote,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    Table,
    Term,
)
from .engines import EngineUnavailable, RenderedFile
from .inline import Inline

logger = logging.getLogger(__name__)

TEMPLATE = Path(__file__).resolve().parent / "typst" / "document.typ"
FONT_DIR = Path(font_source_serif_pro.__file__).resolve().parent / "files"
# The styles the template uses; the package ships each as .otf and .ttf, and giving Typst both
# would leave the choice between them to the order of a directory listing.
FONT_FILES = tuple(
    f"SourceSerifPro-{style}.ttf"
    for style in ("Regular", "It", "Semibold", "SemiboldIt", "Bold", "BoldIt")
)
FONT_FAMILY = "Source Serif Pro"
VARIANTS = ("screen", "print")
PDF_STANDARDS = ["ua-1"]
LINK_SCHEMES = ("https://", "http://", "mailto:")
# typst-py calls comemo::evict(10) after every compilation: an entry unused for more than ten
# compilations goes. This many empty compilations after a document drop all of its entries.
CACHE_GENERATIONS = 11
ENGINE = f"typst {typst.__version__}"


@dataclass
class _Compiler:
    compiler: typst.Compiler
    template: bytes
    fonts: Path


_lock = threading.Lock()
_compiler: _Compiler | None = None


def _font_directory() -> Path:
    """A private directory holding only the font files we embed (links, or copies where a
    file system has no symbolic links), removed when the process exits."""
    directory = Path(tempfile.mkdtemp(prefix="threatpress-fonts-"))
    owner = os.getpid()  # a forked child that exits must not take the parent's fonts away

    def remove() -> None:
        if os.getpid() == owner:
            shutil.rmtree(directory, ignore_errors=True)

    atexit.register(remove)
    for name in FONT_FILES:
        source = FONT_DIR / name
        if not source.is_file():
            raise EngineUnavailable(
                f"The font file {source} is missing: reinstall font-source-serif-pro."
            )
        try:
            (directory / name).symlink_to(source)
        except OSError:
            shutil.copyfile(source, directory / name)
    return directory


def _get_compiler() -> _Compiler:
    """The process's compiler, made on first use (call with _lock held)."""
    global _compiler
    if _compiler is None:
        fonts_dir = _font_directory()
        fonts = typst.Fonts(
            include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(fonts_dir)]
        )
        if FONT_FAMILY not in fonts.families():
            raise EngineUnavailable(f"Typst found no {FONT_FAMILY} font in {FONT_DIR}.")
        _compiler = _Compiler(
            compiler=typst.Compiler(font_paths=fonts, ignore_system_fonts=True),
            template=TEMPLATE.read_bytes(),
            fonts=fonts_dir,
        )
    return _compiler


# --- Characters the font can show ---------------------------------------------------------------


def font_characters(path: Path) -> frozenset[int]:
    """The code points an OpenType/TrueType font maps to a glyph (its Unicode `cmap`, formats 4
    and 12), read with the standard library."""
    data = path.read_bytes()
    (tables,) = struct.unpack_from(">H", data, 4)
    records = {data[12 + 16 * i : 16 + 16 * i]: 12 + 16 * i for i in range(tables)}
    cmap = struct.unpack_from(">I", data, records[b"cmap"] + 8)[0]
    (subtables,) = struct.unpack_from(">H", data, cmap + 2)
    found: set[int] = set()
    for i in range(subtables):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        if (platform, encoding) not in ((3, 1), (3, 10), (0, 3), (0, 4)):
            continue
        table = cmap + offset
        (kind,) = struct.unpack_from(">H", data, table)
        if kind == 4:
            segments = struct.unpack_from(">H", data, table + 6)[0] // 2
            ends = struct.unpack_from(f">{segments}H", data, table + 14)
            starts = struct.unpack_from(f">{segments}H", data, table + 16 + 2 * segments)
            deltas = struct.unpack_from(f">{segments}h", data, table + 16 + 4 * segments)
            range_at = table + 16 + 6 * segments
            offsets = struct.unpack_from(f">{segments}H", data, range_at)
            for n, (start, end, delta, range_offset) in enumerate(
                zip(starts, ends, deltas, offsets, strict=True)
            ):
                for code in range(start, min(end, 0xFFFE) + 1):
                    if range_offset == 0:
                        glyph = (code + delta) & 0xFFFF
                    else:
                        at = range_at + 2 * n + range_offset + 2 * (code - start)
                        (glyph,) = struct.unpack_from(">H", data, at)
                        glyph = (glyph + delta) & 0xFFFF if glyph else 0
                    if glyph:
                        found.add(code)
        elif kind == 12:
            (groups,) = struct.unpack_from(">I", data, table + 12)
            for g in range(groups):
                start, end, glyph = struct.unpack_from(">III", data, table + 16 + 12 * g)
                found.update(range(start, end + 1) if glyph else range(start + 1, end + 1))
    return frozenset(found)


@functools.cache
def _shown() -> frozenset[int]:
    """What the fonts we embed can show. The italics lack Greek and Cyrillic; Typst then draws
    those letters upright, from another style of the same family (it has no other)."""
    return frozenset().union(*(font_characters(FONT_DIR / name) for name in FONT_FILES))


PLACEHOLDER = "\u25a0"  # ■, for a character no embedded font has
_SOURCE_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")  # as HTML collapses it (not no-break spaces)


# A number and the short word after it stay on one line: "2026 m.", "10 d.", "5 mln.",
# "50 %", "3 km" (Lithuanian writes dates and sums so; English units alike).
_TIE = re.compile(r"(?<=\d) (?=(?:m|d|mln|mlrd|tūkst|proc|val|min|str|p)\.|%|km\b|kg\b|t\b)")


def tied(value: str) -> str:
    """`value` with a no-break space between a number and the abbreviation or unit after it."""
    return _TIE.sub("\u00a0", value)


def displayable(value: str) -> str:
    """`value` as the PDF can show it in the embedded font.

    Line breaks and runs of white space from the source become one space (a text is
    laid out, not preformatted), and a number keeps its unit on its line (`tied`). A
    character the font lacks is replaced by its compatibility form when the font has that (a
    full-width ＜ by <), else by ■: under PDF/UA Typst refuses to draw a character without a
    glyph, and a reader should see that something is missing.
    Control characters go; format characters (zero-width, direction marks) stay.
    """
    value = tied(_SOURCE_WHITESPACE.sub(" ", value))
    shown = _shown()
    missing = {ch for ch in set(value) if ord(ch) > 0x7E and ord(ch) not in shown}
    missing.update(ch for ch in set(value) if ord(ch) < 0x20 or ord(ch) == 0x7F)
    if not missing:
        return value
    replaced = []
    for ch in value:
        if ch not in missing:
            replaced.append(ch)
            continue
        kind = unicodedata.category(ch)
        if kind == "Cf":
            replaced.append(ch)
        elif kind == "Cc":
            continue
        else:
            compatible = unicodedata.normalize("NFKC", ch)
            shown_ok = all(ord(c) <= 0x7E or ord(c) in shown for c in compatible)
            replaced.append(compatible if shown_ok and compatible != ch else PLACEHOLDER)
    if any(unicodedata.category(ch) not in ("Cf", "Cc") for ch in missing):
        logger.info("PDF: characters without a glyph replaced: %s", "".join(sorted(missing)))
    return "".join(replaced)


def ascii_url(url: str) -> str:
    """A URL with anything outside printable ASCII percent-encoded: a link target that every
    PDF reader follows, and printable in the embedded font."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def _clean(value):
    """Every string of the data, displayable (URLs, paths and anchors are ASCII already)."""
    if isinstance(value, str):
        return displayable(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


# --- The document as data ---------------------------------------------------------------------


def _long_date(value: datetime.date | datetime.datetime, language: str) -> str:
    """A date in words in the document's language ("10 March 2026", "2026 m. kovo 10 d.")."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    with translation.override(language):
        # The language's DATE_FORMAT (threatpress/formats), as the web pages print it.
        return formats.date_format(value, "DATE_FORMAT")


def _or_dash(title: str) -> str:
    """A title Typst can use: PDF/UA-1 refuses an empty heading or document title."""
    return title if displayable(title).strip() else "—"


class _Data:
    """Converts an ExportDocument to the JSON the template reads, and collects the images."""

    def __init__(self, doc: ExportDocument, variant: str):
        self.doc = doc
        self.variant = variant
        self.images: dict[str, bytes] = {}  # path in the compile root → bytes
        self.anchors = {doc.edition.anchor}
        for chapter in doc.chapters:
            self.anchors.add(chapter.anchor)
            self.anchors.update(a.anchor for a in chapter.assessments)

    def link_target(self, href: str) -> tuple[str, str] | None:
        """("ref", anchor) for a part of this document, ("link", url) for a web address, None
        for anything else (a part left out of this file, a scheme we do not link)."""
        if href.startswith("#"):
            anchor = href[1:]
            # An anchor of another chapter (not in a chapter's PDF) has no label here: Typst
            # would fail on a link to it, so the text stays and the link goes.
            return ("ref", anchor) if anchor in self.anchors else None
        if href.lower().startswith(LINK_SCHEMES) and not any(c.isspace() for c in href):
            return ("link", ascii_url(href))
        return None

    def runs(self, inlines: list[Inline], notes: _Notes | None = None) -> list[dict]:
        result: list[dict] = []
        for run in inlines:
            if run.kind == "text":
                if run.text:
                    result.append({"k": "text", "t": run.text})
            elif run.kind in ("strong", "em"):
                result.append({"k": run.kind, "c": self.runs(run.children, notes)})
            elif run.kind == "linebreak":
                result.append({"k": "br"})
            elif run.kind == "link":
                children = self.runs(run.children, notes)
                target = self.link_target(run.href)
                if target is None:
                    result.extend(children)
                elif target[0] == "ref":
                    result.append({"k": "ref", "c": children, "anchor": target[1]})
                else:
                    text = "".join(child.plain() for child in run.children).strip()
                    shown = text.rstrip("/") == target[1].rstrip("/")
                    result.append(
                        {"k": "link", "c": children, "url": target[1], "show-url": not shown}
                    )
            elif run.kind == "footnote" and notes is not None:
                result.extend(notes.reference(run.number))
        return result

    def text_blocks(self, blocks: list[Paragraph | ListBlock], notes: _Notes | None = None):
        result = []
        for block in blocks:
            if isinstance(block, Paragraph):
                result.append({"k": "p", "runs": self.runs(block.inlines, notes)})
            elif isinstance(block, ListBlock):
                items = [self.runs(item, notes) for item in block.items]
                result.append({"k": "list", "ordered": block.ordered, "items": items})
        return result

    def body(self, assessment: AssessmentDoc) -> list[dict]:
        notes = _Notes(self, assessment)
        result = []
        for block in assessment.body:
            if isinstance(block, Paragraph | ListBlock):
                result.extend(self.text_blocks([block], notes))
            elif isinstance(block, Heading):
                if block.text.strip():  # PDF/UA-1 refuses an empty heading
                    result.append({"k": "h", "text": block.text})
            elif isinstance(block, Quote):
                result.append({"k": "quote", "text": block.text, "attribution": block.attribution})
            elif isinstance(block, Figure):
                result.append(self.figure(block))
            elif isinstance(block, Table) and block.rows:
                result.append(
                    {
                        "k": "table",
                        "caption": block.caption,
                        "header": block.header,
                        "rows": block.body_rows,
                        "header-column": block.header_column,
                    }
                )
        return result

    def figure(self, figure: Figure) -> dict:
        image = figure.image
        extension = "jpg" if image.extension == "jpg" else "png"
        path = f"/images/{image.sha256}.{extension}"  # named by us, never by the content
        self.images[path] = image.data
        # PDF/UA-1 refuses an image without alt text: the caption stands in, else the word.
        alt = figure.alt.strip() or figure.caption.strip() or self.doc.labels["figure"]
        # A tall figure is narrowed so that it is at most as high as the text is wide.
        ratio = image.width / image.height if image.width > 0 and image.height > 0 else 1
        width = max(20, min(100, round(100 * ratio)))
        return {
            "k": "figure",
            "path": path,
            "alt": alt,
            "caption": figure.caption,
            "width": width,  # per cent of the text width
        }

    def term(self, term: Term | None, scale: list[Term]) -> dict | None:
        if term is None:
            return None
        keys = [t.key for t in scale]
        position = keys.index(term.key) + 1 if term.key in keys else 0
        return {"label": term.label, "band": term.band, "position": position, "of": len(keys)}

    def as_json(self) -> dict:
        doc, edition = self.doc, self.doc.edition
        terms = [
            {"label": t.label, "band": t.band, "description": t.description} for t in edition.terms
        ]
        horizons = [
            {"label": t.label, "band": t.band, "description": t.description}
            for t in edition.horizons
        ]
        return {
            "scope": doc.scope,
            "variant": self.variant,
            "language": doc.language,
            "title": _or_dash(doc.title),
            "organisation": doc.organisation,
            "url": ascii_url(doc.url),
            "keywords": doc.keywords,
            "labels": doc.labels,
            "edition": {
                "anchor": edition.anchor,
                "title": _or_dash(edition.title),
                "year": edition.year,
                "url": ascii_url(edition.url),
                "published": _long_date(edition.published_at, doc.language),
                "cutoff": _long_date(edition.cutoff_date, doc.language),
                "foreword": self.text_blocks(edition.foreword),
                "signed_by": edition.foreword_signed_by,
                "terms": terms,
                "horizons": horizons,
            },
            "chapters": [
                {
                    "anchor": chapter.anchor,
                    "number": chapter.number,
                    "label": doc.labels["chapter_number"] % {"number": chapter.number},
                    "title": _or_dash(chapter.title),
                    "url": ascii_url(chapter.url),
                    "introduction": self.text_blocks(chapter.introduction),
                    "assessments": [
                        {
                            "anchor": a.anchor,
                            "title": _or_dash(a.title),
                            "summary": a.summary,
                            "url": ascii_url(a.url),
                            "body": self.body(a),
                            "probability": self.term(a.probability, edition.terms),
                            "horizon": self.term(a.horizon, edition.horizons),
                            "regions": a.regions,
                        }
                        for a in chapter.assessments
                    ],
                }
                for chapter in doc.chapters
            ],
        }


class _Notes:
    """The footnotes of one assessment: the first reference to a note carries its text, a
    later reference points back to it (Typst then repeats the number, not the note)."""

    def __init__(self, data: _Data, assessment: AssessmentDoc):
        self.data = data
        self.anchor = assessment.anchor
        self.notes: dict[int, Footnote] = {note.number: note for note in assessment.footnotes}
        self.placed: set[int] = set()

    def reference(self, number: int) -> list[dict]:
        note = self.notes.get(number)
        if note is None:
            return []
        key = f"{self.anchor}-note-{number}"
        if number in self.placed:
            return [{"k": "fn-again", "key": key}]
        self.placed.add(number)
        return [{"k": "fn", "n": number, "key": key, "body": self.data.text_blocks(note.blocks)}]


# --- Rendering ---------------------------------------------------------------------------------


def _anchors_are_labels(data: _Data) -> None:
    """Anchors become Typst labels: they come from page ids ("page-12"), never from text."""
    for anchor in data.anchors:
        if not anchor or not all(c.isalnum() or c in "-_" for c in anchor):
            raise ValueError(f"Unexpected anchor {anchor!r}")


def _timestamp(doc: ExportDocument) -> datetime.datetime:
    """The PDF's creation date: the edition's publication time, so that the same content
    always gives the same bytes."""
    value = doc.edition.published_at
    if timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value.astimezone(datetime.UTC)


def _object(pdf: bytes, number: int) -> bytes:
    """The text of object `number` of a PDF with a classic cross-reference table (as Typst
    writes them), found through the table's byte offsets rather than by searching the file,
    whose strings could contain anything."""
    start = int(pdf[pdf.rindex(b"startxref") + 9 :].split()[0])
    header = pdf[start : start + 64].split()
    if header[0] != b"xref":
        raise ValueError("no cross-reference table")
    first, entries = int(header[1]), int(header[2])
    if not first <= number < first + entries:
        raise ValueError(f"object {number} is not in the table")
    table = pdf.index(header[2], start + 4) + len(header[2])
    table = pdf.index(b"0", table)  # the first entry, after the line end
    entry = pdf[table + 20 * (number - first) : table + 20 * (number - first) + 20]
    offset = int(entry[:10])
    return pdf[offset : pdf.index(b"endobj", offset)]


def count_pages(pdf: bytes) -> int | None:
    """Pages of a PDF that Typst wrote: /Count of the page tree the catalog points to."""
    try:
        trailer = pdf[pdf.rindex(b"trailer") :]
        root = int(re.search(rb"/Root\s*(\d+)\s+0\s+R", trailer).group(1))
        pages = int(re.search(rb"/Pages\s*(\d+)\s+0\s+R", _object(pdf, root)).group(1))
        return int(re.search(rb"/Count\s*(\d+)", _object(pdf, pages)).group(1))
    except (ValueError, AttributeError, IndexError):
        return None


def _forget(compiler: _Compiler) -> None:
    """Age the last document's layout out of Typst's memo cache (call with _lock held)."""
    for _ in range(CACHE_GENERATIONS):
        compiler.compiler.compile(input=b"", root=str(compiler.fonts), format="svg")


def warm_up() -> None:
    """Load the fonts and make the compiler now (a worker may call this once at start-up)."""
    with _lock:
        _get_compiler()


def render_pdf(doc: ExportDocument, variant: str = "screen") -> RenderedFile:
    """The PDF of `doc` ("screen" or "print" variant)."""
    if variant not in VARIANTS:
        raise ValueError(f"Unknown PDF variant {variant!r}; expected one of {VARIANTS}")
    data = _Data(doc, variant)
    _anchors_are_labels(data)
    payload = json.dumps(_clean(data.as_json()), ensure_ascii=False).encode()
    with tempfile.TemporaryDirectory(prefix="threatpress-pdf-") as name:
        root = Path(name)
        (root / "data.json").write_bytes(payload)
        if data.images:
            (root / "images").mkdir()
            for path, content in data.images.items():
                (root / path.lstrip("/")).write_bytes(content)
        with _lock:
            compiler = _get_compiler()
            try:
                pdf = compiler.compiler.compile(
                    input=compiler.template,
                    root=str(root),
                    format="pdf",
                    pdf_standards=PDF_STANDARDS,
                    timestamp=_timestamp(doc),
                )
            except typst.TypstError as error:
                raise RuntimeError(f"Typst could not typeset {doc.title!r}: {error}") from error
            finally:
                _forget(compiler)
    return RenderedFile(
        data=pdf,
        extension="pdf",
        media_type="application/pdf",
        pages=count_pages(pdf),
        engine=ENGINE,
    )


__all__ = ["ENGINE", "VARIANTS", "render_pdf", "warm_up"]
