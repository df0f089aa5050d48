"""A manuscript as the importer reads it: the contract between reading a .docx and saving pages.

`reading` turns a .docx into a `Manuscript`; `saving` turns a `Manuscript` into draft pages;
`writing` turns an edition back into a .docx that `reading` understands (the round trip). None
of them imports another: they meet here. The conventions a document follows are in
docs/import.md ("How a manuscript is laid out").

Rich text in these classes (`html` fields) is the subset our rich-text fields store: `<p>`, `<b>`,
`<i>`, `<a href>`, `<br>`, `<ul>`/`<ol>`/`<li>`, and footnote references written as
`<footnote id="KEY"></footnote>`, where KEY is the `key` of a `Footnote` of the same assessment.
Saving replaces KEY with the footnote's UUID, as wagtail-footnotes stores it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Literal

# --- What can go wrong ------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing the publisher must know about a document, named with the heading it is under.

    A blocking problem stops the import before anything is saved (not a .docx, encrypted, a zip
    bomb, no headings, an assessment without a summary, an image without alternative text, a
    skipped heading level). A non-blocking one is reported beside the imported pages (formatting
    the site cannot show, such as underlining or a colour, and what became of it).
    """

    code: str  # stable, for tests and for grouping: "not-docx", "missing-alt-text", ...
    message: str  # one translated sentence a publisher understands
    heading: str = ""  # the heading it is under; "" before the first heading
    blocking: bool = True


# --- Body blocks (each maps to one block of AssessmentBodyBlock) -------------------------------


@dataclass
class Paragraph:
    html: str  # one <p>…</p>


@dataclass
class ListBlock:
    ordered: bool
    items: list[str]  # each item's inline HTML, without <li>


@dataclass
class SubHeading:
    text: str  # a Heading 3 under an assessment


@dataclass
class Quotation:
    text: str
    attribution: str = ""


@dataclass
class Table:
    rows: list[list[str]]  # every cell's plain text, row by row; merged cells repeated
    header_row: bool = True
    header_column: bool = False
    caption: str = ""


@dataclass
class Figure:
    image: bytes
    filename: str  # e.g. "image3.png", with the extension that tells its format
    alt_text: str
    caption: str = ""


Block = Paragraph | ListBlock | SubHeading | Quotation | Table | Figure


@dataclass
class Footnote:
    key: str  # the document's own footnote number, as text
    html: str  # <p>…</p>


# --- The structure ----------------------------------------------------------------------------


@dataclass
class Assessment:
    title: str  # the Heading 2: the key judgment
    summary: str  # plain text of the Summary-styled (or first) paragraph
    blocks: list[Block] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    # The key written into the heading by `writing` (a bookmark), when the document carries one:
    # it names the page the heading came from, whatever the heading now says.
    bookmark: str = ""
    # What the text suggests; the publisher confirms or corrects it before anything is saved.
    proposed_probability: str = ""  # a key of the edition's probability scale, or ""
    proposed_regions: list[str] = field(default_factory=list)  # Region names as stored


@dataclass
class Chapter:
    title: str  # the Heading 1
    introduction: str = ""  # rich text before its first Heading 2
    assessments: list[Assessment] = field(default_factory=list)
    bookmark: str = ""


@dataclass
class Manuscript:
    title: str = ""  # the paragraph in the Title style, if any
    foreword: str = ""  # rich text under the Heading 1 "Foreword" ("Pratarmė")
    foreword_signed_by: str = ""  # its paragraph in the Signature style
    chapters: list[Chapter] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def blocking_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.blocking]

    @property
    def assessments(self) -> list[Assessment]:
        return [a for chapter in self.chapters for a in chapter.assessments]


# --- Keys that survive a rewording ------------------------------------------------------------

BookmarkKind = Literal["chapter", "assessment"]
_WORD_BOOKMARK_MAX = 40  # Word's limit; longer names are cut by Word itself


def bookmark_name(kind: BookmarkKind, slug: str) -> str:
    """The Word bookmark that `writing` puts on a heading for the page with this slug.

    Word allows letters, digits and underscores, 40 characters at most, starting with a letter,
    so a slug cannot be used as it is: a short hash keeps two long slugs apart. Saving finds a
    page again by computing this name for the slugs of the edition's pages.
    """
    prefix = "tp_c_" if kind == "chapter" else "tp_a_"
    digest = hashlib.blake2s(slug.encode("utf-8"), digest_size=4).hexdigest()
    readable = re.sub(r"[^A-Za-z0-9]+", "_", slug).strip("_")
    room = _WORD_BOOKMARK_MAX - len(prefix) - len(digest) - 1
    return f"{prefix}{readable[:room]}_{digest}"
