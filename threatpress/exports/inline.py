"""Stored rich text (Wagtail's database format) as a small tree of blocks and inline runs.

Exports never hand HTML to a typesetter or a speech engine: the text is parsed, after the same
whitelist as the web pages, into a few kinds of node that every engine knows how to draw or read.
Anything else in the markup is reduced to its text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal

from threatpress.core.richtext import clean_stored_html

InlineKind = Literal["text", "strong", "em", "link", "footnote", "linebreak"]


@dataclass
class Inline:
    """A run of text. `link` carries `href` (an absolute URL, or `#anchor` for a part of the same
    document); `footnote` carries the note's `number`."""

    kind: InlineKind
    text: str = ""
    children: list[Inline] = field(default_factory=list)
    href: str = ""
    number: int = 0

    def plain(self) -> str:
        if self.kind == "text":
            return self.text
        if self.kind == "linebreak":
            return "\n"
        if self.kind == "footnote":
            return ""
        return "".join(child.plain() for child in self.children)


@dataclass
class Paragraph:
    inlines: list[Inline]
    kind: Literal["paragraph"] = "paragraph"

    def plain(self) -> str:
        return plain(self.inlines)


@dataclass
class ListBlock:
    ordered: bool
    items: list[list[Inline]]
    kind: Literal["list"] = "list"


def plain(inlines: list[Inline]) -> str:
    return "".join(run.plain() for run in inlines)


# Resolves a stored link to where it points in the export: `linktype` is "page", "document" or
# "" (an ordinary href). Returns an absolute URL, "#anchor", or "" to keep only the text.
LinkResolver = Callable[[str, str], str]
# Number of the footnote with this UUID on the page being converted (0 if it has none).
FootnoteNumberer = Callable[[str], int]

_FORMATTING = {"b": "strong", "strong": "strong", "i": "em", "em": "em"}


class _Builder(HTMLParser):
    def __init__(self, resolve_link: LinkResolver, number_footnote: FootnoteNumberer):
        super().__init__(convert_charrefs=True)
        self.resolve_link = resolve_link
        self.number_footnote = number_footnote
        self.blocks: list[Paragraph | ListBlock] = []
        self.stack: list[Inline] = []  # open formatting and links
        self.current: list[Inline] | None = None  # runs of the open paragraph or list item
        self.list: ListBlock | None = None
        self.in_footnote = False

    # Where text goes: the innermost open run, else the open paragraph (opened on demand).
    def _target(self) -> list[Inline]:
        if self.stack:
            return self.stack[-1].children
        if self.current is None:
            self.current = []
            if self.list is not None:
                self.list.items.append(self.current)
            else:
                self.blocks.append(Paragraph(self.current))
        return self.current

    def _close_paragraph(self) -> None:
        self.stack.clear()
        self.current = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "p":
            self._close_paragraph()
        elif tag in ("ul", "ol"):
            self._close_paragraph()
            self.list = ListBlock(ordered=tag == "ol", items=[])
            self.blocks.append(self.list)
        elif tag == "li":
            self._close_paragraph()
            if self.list is None:  # a stray item: keep its text as a paragraph
                return
            self.current = []
            self.list.items.append(self.current)
        elif tag == "br":
            self._target().append(Inline("linebreak"))
        elif tag in _FORMATTING:
            run = Inline(_FORMATTING[tag])
            self._target().append(run)
            self.stack.append(run)
        elif tag == "a":
            linktype = attributes.get("linktype") or ""
            reference = attributes.get("id") if linktype else attributes.get("href")
            run = Inline("link", href=self.resolve_link(linktype, reference or ""))
            self._target().append(run)
            self.stack.append(run)
        elif tag == "footnote":
            number = self.number_footnote(attributes.get("id") or "")
            if number:
                self._target().append(Inline("footnote", number=number))
            self.in_footnote = True  # its stored label ("[1]") is not text

    def handle_endtag(self, tag):
        if tag in ("p", "li"):
            self._close_paragraph()
        elif tag in ("ul", "ol"):
            self._close_paragraph()
            self.list = None
        elif tag in _FORMATTING or tag == "a":
            wanted = "link" if tag == "a" else _FORMATTING[tag]
            for position in range(len(self.stack) - 1, -1, -1):
                if self.stack[position].kind == wanted:
                    del self.stack[position:]
                    break
        elif tag == "footnote":
            self.in_footnote = False

    def handle_data(self, data):
        if self.in_footnote or not data:
            return
        if self.current is None and not self.stack and not data.strip():
            return  # whitespace between blocks
        target = self._target()
        if target and target[-1].kind == "text":
            target[-1].text += data
        else:
            target.append(Inline("text", data))


def _drop_empty_links(inlines: list[Inline]) -> list[Inline]:
    """A link that resolves to nothing (a page that is not public) becomes its text."""
    result: list[Inline] = []
    for run in inlines:
        run.children = _drop_empty_links(run.children)
        if run.kind == "link" and not run.href:
            result.extend(run.children)
        else:
            result.append(run)
    return result


def parse_richtext(
    stored_html: str,
    resolve_link: LinkResolver,
    number_footnote: FootnoteNumberer = lambda uuid: 0,
) -> list[Paragraph | ListBlock]:
    """Blocks of a stored rich-text value, cleaned by the site's whitelist first."""
    builder = _Builder(resolve_link, number_footnote)
    builder.feed(clean_stored_html(stored_html or ""))
    builder.close()
    blocks: list[Paragraph | ListBlock] = []
    for block in builder.blocks:
        if isinstance(block, Paragraph):
            block.inlines = _drop_empty_links(block.inlines)
            if plain(block.inlines).strip() or any(r.kind == "footnote" for r in block.inlines):
                blocks.append(block)
        else:
            block.items = [_drop_empty_links(item) for item in block.items]
            if block.items:
                blocks.append(block)
    return blocks
