"""The WeasyPrint side of the PDF engine comparison (bench/pdf_engines.py), not used by the site.

An ExportDocument as HTML with a print stylesheet (`pdf_weasyprint.css`), laid out like the
Typst template (threatpress/exports/typst/document.typ): cover, contents with page numbers,
foreword, scale, chapters, assessments with footnotes at the end of each assessment, running
headers, "n / N" page numbers, bookmarks from the headings. Every string is escaped here, and
the running headers take their text from elements (`string-set`), never from CSS strings.
"""

from __future__ import annotations

import functools
import tempfile
from html import escape
from pathlib import Path

from threatpress.exports.document import (
    AssessmentDoc,
    ChapterDoc,
    ExportDocument,
    Figure,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    Term,
)
from threatpress.exports.inline import Inline
from threatpress.exports.pdf import FONT_DIR, _long_date

STYLESHEET = Path(__file__).resolve().parent / "pdf_weasyprint.css"
FONT_FACES = (
    ("Regular", "normal", 400),
    ("It", "italic", 400),
    ("Semibold", "normal", 600),
    ("Bold", "normal", 700),
    ("BoldIt", "italic", 700),
)


def font_faces() -> str:
    """@font-face rules for the same Source Serif files Typst embeds."""
    rules = []
    for name, style, weight in FONT_FACES:
        url = (FONT_DIR / f"SourceSerifPro-{name}.ttf").as_uri()
        rules.append(
            f'@font-face {{ font-family: "Source Serif Pro"; font-style: {style}; '
            f'font-weight: {weight}; src: url("{url}"); }}'
        )
    return "\n".join(rules)


class HtmlBuilder:
    def __init__(self, doc: ExportDocument):
        self.doc = doc
        self.labels = doc.labels
        self.images: dict[str, bytes] = {}
        self.anchors = {doc.edition.anchor}
        for chapter in doc.chapters:
            self.anchors.add(chapter.anchor)
            self.anchors.update(a.anchor for a in chapter.assessments)

    def runs(self, inlines: list[Inline], notes: dict[int, str] | None = None) -> str:
        out = []
        for run in inlines:
            if run.kind == "text":
                out.append(escape(run.text))
            elif run.kind == "strong":
                out.append(f"<strong>{self.runs(run.children, notes)}</strong>")
            elif run.kind == "em":
                out.append(f"<em>{self.runs(run.children, notes)}</em>")
            elif run.kind == "linebreak":
                out.append("<br>")
            elif run.kind == "link":
                inner = self.runs(run.children, notes)
                href = run.href
                internal = href.startswith("#") and href[1:] in self.anchors
                if internal or href.startswith(("https://", "http://", "mailto:")):
                    out.append(f'<a href="{escape(href)}">{inner}</a>')
                else:
                    out.append(inner)
            elif run.kind == "footnote" and notes is not None and run.number in notes:
                target = notes[run.number][0]
                out.append(f'<sup class="note-call"><a href="#{target}">{run.number}</a></sup>')
        return "".join(out)

    def text_blocks(self, blocks, notes=None) -> str:
        out = []
        for block in blocks:
            if isinstance(block, Paragraph):
                out.append(f"<p>{self.runs(block.inlines, notes)}</p>")
            elif isinstance(block, ListBlock):
                tag = "ol" if block.ordered else "ul"
                items = "".join(f"<li>{self.runs(item, notes)}</li>" for item in block.items)
                out.append(f"<{tag}>{items}</{tag}>")
        return "".join(out)

    def figure(self, figure: Figure) -> str:
        name = f"images/{figure.image.sha256}.{figure.image.extension}"
        self.images[name] = figure.image.data
        caption = ""
        if figure.caption:  # {n}: the figure's number, filled in once the document is complete
            words = f"{escape(self.labels['figure'])} {{n}}: {escape(figure.caption)}"
            caption = f"<figcaption>{words}</figcaption>"
        return f'<figure><img src="{name}" alt="{escape(figure.alt)}">{caption}</figure>'

    def term(self, name: str, term: Term | None) -> str:
        if term is None:
            return ""
        words = f"{escape(term.label)} ({escape(term.band)})"
        if self.doc.scope == "edition":
            words = f'<a href="#how-to-read">{words}</a>'
        return f"<p class='meta'><strong>{escape(name)}:</strong> {words}</p>"

    def assessment(self, chapter: ChapterDoc, item: AssessmentDoc, level: int) -> str:
        # Notes after the text of the assessment (WeasyPrint 70 put each page-foot note of our
        # demo on a page of its own, so the comparison uses endnotes on this side).
        notes = {
            note.number: (
                f"{item.anchor}-note-{note.number}",
                "".join(
                    self.runs(b.inlines) if isinstance(b, Paragraph) else self.text_blocks([b])
                    for b in note.blocks
                ),
            )
            for note in item.footnotes
        }
        body = []
        for block in item.body:
            if isinstance(block, Paragraph | ListBlock):
                body.append(self.text_blocks([block], notes))
            elif isinstance(block, Heading):
                body.append(f"<h{level + 1}>{escape(block.text)}</h{level + 1}>")
            elif isinstance(block, Quote):
                attribution = (
                    f"<footer>— {escape(block.attribution)}</footer>" if block.attribution else ""
                )
                body.append(f"<blockquote><p>{escape(block.text)}</p>{attribution}</blockquote>")
            elif isinstance(block, Figure):
                body.append(self.figure(block))
        eyebrow = ""
        if self.doc.scope != "assessment":
            eyebrow = (
                f"<p class='eyebrow'>{escape(self.labels['chapter'])} {chapter.number} · "
                f"{escape(chapter.title)}</p>"
            )
        regions = ""
        if item.regions:
            regions = (
                f"<p class='meta'><strong>{escape(self.labels['concerns'])}</strong> "
                f"{escape(', '.join(item.regions))}</p>"
            )
        online = (
            f"<p class='online'>{escape(self.labels['read_online'])}: "
            f'<a href="{escape(item.url)}">{escape(item.url)}</a></p>'
        )
        return (
            f"<article class='assessment'>{eyebrow}"
            f"<h{level} id='{item.anchor}'>{escape(item.title)}</h{level}>"
            f"<p class='summary'>{escape(item.summary)}</p>"
            f"<div class='metas'>{self.term(self.labels['probability'], item.probability)}"
            f"{self.term(self.labels['time_horizon'], item.horizon)}{regions}</div>"
            f"{''.join(body)}{self.endnotes(notes)}{online}</article>"
        )

    def endnotes(self, notes: dict[int, tuple[str, str]]) -> str:
        if not notes:
            return ""
        items = "".join(
            f"<li id='{anchor}' value='{number}'>{text}</li>"
            for number, (anchor, text) in sorted(notes.items())
        )
        title = f"<p class='notes-title'>{escape(self.labels['sources'])}</p>"
        return f"{title}<ol class='notes'>{items}</ol>"

    def chapter(self, chapter: ChapterDoc, contents: bool = False) -> str:
        items = "".join(self.assessment(chapter, a, 2) for a in chapter.assessments)
        toc = ""
        if contents:
            entries = "".join(
                f"<li><a href='#{a.anchor}'>{escape(a.title)}</a></li>" for a in chapter.assessments
            )
            title = f"<h2>{escape(self.labels['contents'])}</h2>"
            toc = f"<nav class='contents'>{title}<ul>{entries}</ul></nav>"
        return (
            f"<section class='chapter'><p class='eyebrow'>{escape(self.labels['chapter'])} "
            f"{chapter.number}</p><h1 id='{chapter.anchor}'>{escape(chapter.title)}</h1>"
            f"{self.text_blocks(chapter.introduction)}{toc}{items}</section>"
        )

    def scale_table(self, terms: list[Term], first: str) -> str:
        head = "".join(
            f"<th scope='col'>{escape(h)}</th>"
            for h in (first, self.labels["period"], self.labels["meaning"])
        )
        rows = "".join(
            f"<tr><th scope='row'>{escape(t.label)}</th><td>{escape(t.band)}</td>"
            f"<td>{escape(t.description)}</td></tr>"
            for t in terms
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"

    def edition_front(self) -> str:
        doc, edition, labels = self.doc, self.doc.edition, self.labels
        cover = (
            f"<section class='cover'><p class='organisation'>{escape(doc.organisation)}</p>"
            f"<p class='year'>{edition.year}</p>"
            f"<p class='title edition-name'>{escape(edition.title)}</p>"
            f"<dl><dt>{escape(labels['published'])}</dt>"
            f"<dd>{_long_date(edition.published_at, doc.language)}</dd>"
            f"<dt>{escape(labels['information_up_to'])}</dt>"
            f"<dd>{_long_date(edition.cutoff_date, doc.language)}</dd>"
            f"<dt>{escape(labels['read_online'])}</dt>"
            f"<dd><a href='{escape(edition.url)}'>{escape(edition.url)}</a></dd></dl></section>"
        )
        entries = [
            f"<li class='l1'><a href='#{anchor}'>{escape(title)}</a></li>"
            for anchor, title in (
                (f"{edition.anchor}-foreword", labels["foreword"]),
                ("how-to-read", labels["how_to_read"]),
            )
        ]
        for chapter in doc.chapters:
            subs = "".join(
                f"<li><a href='#{a.anchor}'>{escape(a.title)}</a></li>" for a in chapter.assessments
            )
            entries.append(
                f"<li class='l1'><a href='#{chapter.anchor}'>{escape(chapter.title)}</a>"
                f"<ul>{subs}</ul></li>"
            )
        contents = (
            f"<nav class='contents'><h1>{escape(labels['contents'])}</h1>"
            f"<ul>{''.join(entries)}</ul></nav>"
        )
        signature = (
            f"<p class='signature'>{escape(edition.foreword_signed_by)}</p>"
            if edition.foreword_signed_by
            else ""
        )
        foreword = (
            f"<section class='foreword'><h1 id='{edition.anchor}-foreword'>"
            f"{escape(labels['foreword'])}</h1>{self.text_blocks(edition.foreword)}{signature}"
            "</section>"
        )
        scale = (
            f"<section class='scale'><h1 id='how-to-read'>{escape(labels['how_to_read'])}</h1>"
            f"<h2>{escape(labels['probability_scale'])}</h2>"
            f"{self.scale_table(edition.terms, labels['term'])}"
            f"<h2>{escape(labels['time_horizons'])}</h2>"
            f"{self.scale_table(edition.horizons, labels['horizon'])}</section>"
        )
        return cover + contents + foreword + scale

    def html(self) -> str:
        doc = self.doc
        if doc.scope == "edition":
            body = self.edition_front() + "".join(self.chapter(c) for c in doc.chapters)
        elif doc.scope == "chapter":
            masthead = (
                f"<p class='masthead'><span class='org'>{escape(doc.organisation)}</span> · "
                f"<span class='edition-name'>{escape(doc.edition.title)}</span></p>"
            )
            body = masthead + self.chapter(doc.chapters[0], contents=True)
        else:
            chapter = doc.chapters[0]
            masthead = (
                f"<p class='masthead'><span class='org'>{escape(doc.organisation)}</span> · "
                f"<span class='edition-name'>{escape(doc.edition.title)}</span> · "
                f"<span class='chapter-name'>{escape(self.labels['chapter'])} {chapter.number}: "
                f"{escape(chapter.title)}</span></p>"
            )
            body = masthead + self.assessment(chapter, chapter.assessments[0], 1)
        figure_number = 0
        while "{n}" in body:
            figure_number += 1
            body = body.replace("{n}", str(figure_number), 1)
        keywords = escape(", ".join(doc.keywords))
        return (
            f"<!doctype html><html lang='{escape(doc.language)}'><head><meta charset='utf-8'>"
            f"<title>{escape(doc.title)}</title>"
            f"<meta name='author' content='{escape(doc.organisation)}'>"
            f"<meta name='keywords' content='{keywords}'></head>"
            f"<body class='scope-{doc.scope}'>{body}</body></html>"
        )


@functools.cache
def _weasyprint():
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = weasyprint.CSS(string=font_faces() + STYLESHEET.read_text(), font_config=fonts)
    return weasyprint, fonts, css


def render(doc: ExportDocument) -> bytes:
    """The PDF/UA-1 of `doc` by WeasyPrint."""
    weasyprint, fonts, css = _weasyprint()
    builder = HtmlBuilder(doc)
    html = builder.html()
    with tempfile.TemporaryDirectory(prefix="bench-weasyprint-") as name:
        root = Path(name)
        for path, data in builder.images.items():
            (root / path).parent.mkdir(exist_ok=True)
            (root / path).write_bytes(data)
        document = weasyprint.HTML(string=html, base_url=str(root) + "/")
        return document.write_pdf(stylesheets=[css], font_config=fonts, pdf_variant="pdf/ua-1")
