"""An edition, chapter or assessment as plain data, ready for any export engine.

The PDF typesetter and the speech synthesiser both start from an `ExportDocument`: titles, text
blocks, footnotes, figures (with their image bytes) and the labels of the document's language.
No engine ever sees HTML or Django objects, so what a page says is decided once, here, and an
engine only decides how it looks or sounds.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from wagtail.documents import get_document_model
from wagtail.models import Page

from threatpress.core.ids import parse_id
from threatpress.publishing.visibility import is_public, is_public_file

from .inline import FootnoteNumberer, Inline, ListBlock, Paragraph, parse_richtext

Scope = Literal["edition", "chapter", "assessment"]


@dataclass
class Heading:
    text: str
    kind: Literal["heading"] = "heading"


@dataclass
class Quote:
    text: str
    attribution: str = ""
    kind: Literal["quote"] = "quote"


@dataclass
class ImageFile:
    data: bytes
    extension: str  # "png" or "jpg"
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Figure:
    image: ImageFile
    alt: str
    caption: str = ""
    kind: Literal["figure"] = "figure"


@dataclass
class Table:
    rows: list[list[str]]  # every cell's text; the header row, if any, first
    header_row: bool = True
    header_column: bool = False
    caption: str = ""
    kind: Literal["table"] = "table"

    @property
    def header(self) -> list[str]:
        return self.rows[0] if self.header_row and self.rows else []

    @property
    def body_rows(self) -> list[list[str]]:
        return self.rows[1:] if self.header_row else self.rows


Block = Paragraph | ListBlock | Heading | Quote | Figure | Table


@dataclass
class Footnote:
    number: int
    blocks: list[Paragraph | ListBlock]


@dataclass
class Term:
    """A band of the probability scale, or a time horizon (`band` is then its span)."""

    key: str
    label: str
    band: str
    description: str = ""


@dataclass
class AssessmentDoc:
    anchor: str
    title: str  # the key judgment
    summary: str
    url: str
    body: list[Block] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    probability: Term | None = None
    horizon: Term | None = None
    regions: list[str] = field(default_factory=list)


@dataclass
class ChapterDoc:
    anchor: str
    number: int
    title: str
    url: str
    introduction: list[Paragraph | ListBlock] = field(default_factory=list)
    assessments: list[AssessmentDoc] = field(default_factory=list)


@dataclass
class EditionDoc:
    anchor: str
    title: str
    year: int
    url: str
    published_at: datetime.datetime
    cutoff_date: datetime.date
    foreword: list[Paragraph | ListBlock] = field(default_factory=list)
    foreword_signed_by: str = ""
    terms: list[Term] = field(default_factory=list)
    horizons: list[Term] = field(default_factory=list)


@dataclass
class ExportDocument:
    """What one export file contains.

    - scope "edition": cover, foreword, scale and every chapter;
    - scope "chapter": one chapter (`chapters` has one entry) with its assessments;
    - scope "assessment": one chapter entry holding the one assessment.
    """

    scope: Scope
    language: str  # BCP 47 code of the text, e.g. "en" or "lt"
    title: str  # the file's title (PDF metadata, audio tag)
    organisation: str
    url: str  # the web page this file is an edition of
    edition: EditionDoc
    chapters: list[ChapterDoc]
    labels: dict[str, str]
    keywords: list[str] = field(default_factory=list)
    # Pages the text links that were not public when it was made: their links are words only,
    # and the file is made again when one of them is published (exports/signals.py).
    unlinked_pages: frozenset[int] = frozenset()

    def assessments(self) -> Iterable[AssessmentDoc]:
        for chapter in self.chapters:
            yield from chapter.assessments

    def figures(self) -> Iterable[Figure]:
        for assessment in self.assessments():
            yield from (block for block in assessment.body if isinstance(block, Figure))


@dataclass
class ScopeChapter:
    number: int  # its place among the edition's public chapters
    page: Page
    assessments: list[Page]


@dataclass
class ScopePages:
    """The pages an export is made of, each as it reads in that export (live, or as it will be
    at a scheduled release). Chapters in reading order, each with its assessments."""

    edition: Page
    chapters: list[ScopeChapter]

    def all_pages(self) -> list[Page]:
        pages = [self.edition]
        for chapter in self.chapters:
            pages.append(chapter.page)
            pages.extend(chapter.assessments)
        return pages


def anchor_of(page: Page) -> str:
    return f"page-{page.pk}"


def labels() -> dict[str, str]:
    """Words an engine prints or speaks around the content, in the active language (the
    document's: build_document calls this inside `translation.override(<its language>)`)."""
    return {
        "contents": _("Contents"),
        "foreword": _("Foreword"),
        "chapter": _("Chapter"),  # spoken before the number: "Chapter 2"
        "chapter_number": _(
            "Chapter %(number)s"
        ),  # printed: "Chapter 2", in Lithuanian "2 skyrius"
        "key_judgments": _("Key judgments"),
        "how_to_read": _("How to read the judgments"),
        "probability_scale": _("Probability scale"),
        "time_horizons": _("Time horizons"),
        "probability": _("Probability"),
        "time_horizon": _("Time horizon"),
        "term": _("Term"),
        "horizon": _("Horizon"),
        "period": pgettext("span of a time horizon", "Period"),
        "meaning": _("Meaning"),
        "concerns": _("Concerns:"),
        "sources": _("Sources and notes"),
        "published": pgettext("date of an edition", "Published"),
        "information_up_to": _("Information up to"),
        "page": _("Page"),
        "figure": _("Figure"),
        "table": _("Table"),
        # Before a caption; Lithuanian puts the number first: "1 pav.", "1 lentelė".
        "figure_number": _("Figure %(number)s:"),
        "table_number": _("Table %(number)s:"),
        "row_number": _("Row %(number)s"),  # a table's row read aloud when it has no header cell
        "read_online": _("Read online"),
        "quote": _("Quote"),
    }


def _image_file(image) -> ImageFile | None:
    """The figure at print size (at most 1800 px on its longer side), PNG or JPEG."""
    if image is None:
        return None
    extension = "jpg" if image.file.name.lower().endswith((".jpg", ".jpeg")) else "png"
    spec = "max-1800x1800|format-" + ("jpeg" if extension == "jpg" else "png")
    rendition = image.get_rendition(spec)
    with rendition.file.open("rb") as handle:
        data = handle.read()
    return ImageFile(data=data, extension=extension, width=rendition.width, height=rendition.height)


def _table(value: dict) -> Table:
    """A table block's value (Wagtail's TableBlock) as rows of text, padded to a rectangle."""
    rows = [[str(cell or "") for cell in row] for row in value.get("data") or []]
    width = max((len(row) for row in rows), default=0)
    return Table(
        rows=[row + [""] * (width - len(row)) for row in rows],
        header_row=bool(value.get("first_row_is_table_header")) and bool(rows),
        header_column=bool(value.get("first_col_is_header")),
        caption=value.get("table_caption") or "",
    )


class _Converter:
    """Turns the pages of a scope into an ExportDocument (in the active language)."""

    def __init__(self, pages: ScopePages, root_url: str, public_then: frozenset[int] | None):
        self.root_url = root_url.rstrip("/")
        self.in_document = {page.pk: anchor_of(page) for page in pages.all_pages()}
        self.public_then = public_then
        self.unlinked_pages: set[int] = set()

    def absolute(self, url: str) -> str:
        return self.root_url + url if url.startswith("/") else url

    def url_of(self, page: Page) -> str:
        parts = page.get_url_parts()
        return self.absolute(parts[2]) if parts else ""

    def resolve_link(self, linktype: str, reference: str) -> str:
        if linktype == "page":
            if (target_id := parse_id(reference)) is None:
                return ""
            if target_id in self.in_document:
                return "#" + self.in_document[target_id]
            target = Page.objects.filter(pk=target_id).first()
            if target is None:
                return ""
            if target.pk in (self.public_then or frozenset()) or is_public(target):
                return self.url_of(target)
            self.unlinked_pages.add(target.pk)
            return ""
        if linktype == "document":
            document = get_document_model().objects.filter(pk=reference or 0).first()
            if document is None:
                return ""
            # Anyone may fetch a document a public page uses (publishing/media_views.py). In a
            # release every page of the file is public by the time the file is served, so the
            # one whose text links the document makes it public then.
            if self.public_then is not None or is_public_file(document):
                return self.absolute(document.url)
            return ""
        if reference.startswith(("http://", "https://", "mailto:", "/")):
            return self.absolute(reference)
        return ""

    def richtext(
        self, value, number_footnote: FootnoteNumberer = lambda uuid: 0
    ) -> list[Paragraph | ListBlock]:
        """A stored rich-text value (a field's string or a block's RichText) as blocks."""
        source = str(getattr(value, "source", value) or "")
        return parse_richtext(source, self.resolve_link, number_footnote)

    def assessment(self, page, edition) -> AssessmentDoc:
        notes = {str(note.uuid): note for note in page.footnotes.all()}
        numbers: dict[str, int] = {}

        def number(uuid: str) -> int:
            if uuid not in notes:
                return 0
            return numbers.setdefault(uuid, len(numbers) + 1)

        body: list[Block] = []
        for block in page.body:
            if block.block_type == "paragraph":
                body.extend(self.richtext(block.value, number))
            elif block.block_type == "heading":
                body.append(Heading(str(block.value)))
            elif block.block_type == "quote":
                body.append(Quote(block.value["text"], block.value.get("attribution") or ""))
            elif block.block_type == "figure":
                image = _image_file(block.value["image"])
                if image is not None:
                    body.append(Figure(image, block.value["alt_text"], block.value["caption"]))
            elif block.block_type == "table":
                body.append(_table(block.value))
        footnotes = [
            Footnote(n, self.richtext(notes[uuid].text))
            for uuid, n in sorted(numbers.items(), key=lambda item: item[1])
        ]
        term = edition.scale.get(page.probability)
        horizon = edition.horizons.get(page.horizon)
        return AssessmentDoc(
            anchor=anchor_of(page),
            title=page.title,
            summary=page.summary,
            url=self.url_of(page),
            body=body,
            footnotes=footnotes,
            probability=Term(term.key, term.label, term.band, term.description) if term else None,
            horizon=(
                Term(horizon.key, horizon.label, horizon.span, horizon.description)
                if horizon
                else None
            ),
            regions=[region.name for region in page.regions.all()],
        )

    def edition(self, page) -> EditionDoc:
        return EditionDoc(
            anchor=anchor_of(page),
            title=page.title,
            year=page.year,
            url=self.url_of(page),
            published_at=page.published_at,
            cutoff_date=page.cutoff_date,
            foreword=self.richtext(page.foreword),
            foreword_signed_by=page.foreword_signed_by,
            terms=[
                Term(t.key, t.label, t.band, t.description) for t in page.probability_terms.all()
            ],
            horizons=[
                Term(h.key, h.label, h.span, h.description) for h in page.time_horizons.all()
            ],
        )


def build_document(
    scope: Scope,
    pages: ScopePages,
    *,
    organisation: str,
    root_url: str,
    public_then: frozenset[int] | None = None,
) -> ExportDocument:
    """The ExportDocument of `pages` (for "chapter" and "assessment", `pages.chapters` holds the
    one chapter, and for "assessment" the one assessment). For a file prepared for a release,
    `public_then` holds the pages that will be public when it is served (snapshot.Plan)."""
    edition_page = pages.edition
    language = edition_page.locale.language_code
    with translation.override(language):
        converter = _Converter(pages, root_url, public_then)
        edition = converter.edition(edition_page)
        chapters = []
        for entry in pages.chapters:
            chapter = entry.page
            chapters.append(
                ChapterDoc(
                    anchor=anchor_of(chapter),
                    number=entry.number,
                    title=chapter.title,
                    url=converter.url_of(chapter),
                    introduction=converter.richtext(chapter.introduction),
                    assessments=[converter.assessment(a, edition_page) for a in entry.assessments],
                )
            )
        if scope == "edition":
            title, url = edition.title, edition.url
        elif scope == "chapter":
            title, url = f"{chapters[0].title} · {edition.title}", chapters[0].url
        else:
            only = chapters[0].assessments[0]
            title, url = only.title, only.url
        return ExportDocument(
            scope=scope,
            language=language,
            title=title,
            organisation=organisation,
            url=url,
            edition=edition,
            chapters=chapters,
            labels=labels(),
            keywords=[edition.title, str(edition.year)],
            unlinked_pages=frozenset(converter.unlinked_pages),
        )


__all__ = [
    "AssessmentDoc",
    "Block",
    "ChapterDoc",
    "EditionDoc",
    "ExportDocument",
    "Figure",
    "Footnote",
    "Heading",
    "ImageFile",
    "Inline",
    "ListBlock",
    "Paragraph",
    "Quote",
    "ScopeChapter",
    "ScopePages",
    "Table",
    "Term",
    "build_document",
]
