"""What a page's stored content refers to, read from its revision's JSON without building the
page: internal links, documents, images embedded in rich text, footnote references, figures.

Wagtail's own rich-text patterns (`wagtail.rich_text.rewriters`) find the tags, so a link is
recognised exactly as Wagtail expands it for readers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from wagtail.rich_text.rewriters import FIND_A_TAG, FIND_EMBED_TAG, extract_attrs

# wagtail-footnotes stores a reference as <footnote id="uuid">…</footnote>.
FIND_FOOTNOTE_TAG = re.compile(r"<footnote(\b[^>]*)>")

# The fields of each page type that hold rich text or a body (reports/models.py).
RICH_TEXT_FIELDS = ("foreword", "introduction", "summary")
BODY_FIELD = "body"


@dataclass
class References:
    page_ids: set[int] = field(default_factory=set)
    document_ids: set[int] = field(default_factory=set)
    footnote_ids: set[str] = field(default_factory=set)  # UUIDs referenced from the text
    footnotes: set[str] = field(default_factory=set)  # UUIDs of the page's own footnotes
    images_without_alt: int = 0  # <embed embedtype="image"> with an empty or absent alt
    figures_without_alt: list[int] = field(default_factory=list)  # 1-based figure positions
    figure_images: dict[int, int] = field(default_factory=dict)  # figure position → image id
    image_ids: set[int] = field(default_factory=set)  # images embedded in rich text


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a block value (a paragraph's HTML, a quotation's fields…)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _stream(raw: Any) -> list[dict]:
    """A StreamField as a revision stores it: a JSON string (or, in older rows, a list)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw else []
        except ValueError:
            return []
    return [block for block in raw or [] if isinstance(block, dict)]


def _int(value: str | None) -> int | None:
    # ASCII digits only: "²".isdigit() is true, and int() refuses it. Any width, unlike
    # core.ids.parse_id: an id too wide for a row is reported as a link to nothing.
    return int(value) if value and value.isascii() and value.isdigit() else None


def scan_html(html: str, found: References) -> None:
    for match in FIND_A_TAG.finditer(html):
        attrs = extract_attrs(match.group(1))
        target = _int(attrs.get("id"))
        if attrs.get("linktype") == "page" and target is not None:
            found.page_ids.add(target)
        elif attrs.get("linktype") == "document" and target is not None:
            found.document_ids.add(target)
    for match in FIND_EMBED_TAG.finditer(html):
        attrs = extract_attrs(match.group(1))
        if attrs.get("embedtype") != "image":
            continue
        if not attrs.get("alt", "").strip():
            found.images_without_alt += 1
        if (image := _int(attrs.get("id"))) is not None:
            found.image_ids.add(image)
    for match in FIND_FOOTNOTE_TAG.finditer(html):
        uuid = extract_attrs(match.group(1)).get("id")
        if uuid:
            found.footnote_ids.add(uuid)


def references(content: dict[str, Any]) -> References:
    """Everything `content` (a revision's JSON, or a page's serialisable data) refers to."""
    found = References()
    for name in RICH_TEXT_FIELDS:
        value = content.get(name)
        if isinstance(value, str):
            scan_html(value, found)
    figure = 0
    for block in _stream(content.get(BODY_FIELD)):
        value = block.get("value")
        if block.get("type") == "figure":
            figure += 1
            if isinstance(value, dict) and not str(value.get("alt_text") or "").strip():
                found.figures_without_alt.append(figure)
            if isinstance(value, dict) and (image := _int(str(value.get("image") or ""))):
                found.figure_images[figure] = image
        for text in _strings(value):
            scan_html(text, found)
    for footnote in content.get("footnotes") or []:
        if isinstance(footnote, dict) and footnote.get("uuid"):
            found.footnotes.add(str(footnote["uuid"]))
            scan_html(str(footnote.get("text") or ""), found)  # a source may link a page
    return found
