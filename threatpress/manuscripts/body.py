"""A manuscript's body blocks as the raw stream value of `AssessmentBodyBlock`, its figures as
Wagtail images and its footnotes as wagtail-footnotes rows."""

from __future__ import annotations

import html
import io
import re
import uuid
from collections.abc import Callable, Sequence

from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.utils.file import hash_filelike
from wagtail_footnotes.models import Footnote as FootnoteRow

from threatpress.reports.blocks.table import table_value

from .manuscript import (
    Block,
    Figure,
    Footnote,
    ListBlock,
    Paragraph,
    Problem,
    Quotation,
    SubHeading,
    Table,
)

FOOTNOTE_REFERENCE = re.compile(r'<footnote id="([^"]*)">\s*(?:\[[^\]]*\])?\s*</footnote>')
TITLE_MAX = 255


def table_block(table: Table) -> dict:
    """The stream value of a table (reports/blocks/table.py)."""
    value = table_value(table.rows, table.header_row, table.header_column, table.caption)
    return {"type": "table", "value": value}


def image_for(figure: Figure) -> int:
    """The pk of a Wagtail image with these bytes: an existing one with the same content hash,
    so that importing a document again does not pile up copies of its pictures."""
    Image = get_image_model()
    content_hash = hash_filelike(io.BytesIO(figure.image))
    existing = Image.objects.filter(file_hash=content_hash).order_by("pk").first()
    if existing is not None:
        return existing.pk
    image = Image(title=(figure.caption or figure.alt_text or figure.filename)[:TITLE_MAX])
    image.file = ImageFile(io.BytesIO(figure.image), name=figure.filename)
    # Wagtail's upload form sets these; a model saved in code has to (the hash finds it again).
    image.file_hash, image.file_size = content_hash, len(figure.image)
    image.save()
    return image.pk


def stream_value(
    blocks: Sequence[Block],
    footnote_tag: Callable[[str], str],
    problems: list[Problem],
    heading: str,
) -> list[dict]:
    """Raw stream data (type and value, no block ids) for `AssessmentBodyBlock`."""
    stream: list[dict] = []
    for block in blocks:
        value = _one_block(block, footnote_tag, problems, heading)
        if value is not None:
            stream.append(value)
    return stream


def _one_block(block, footnote_tag, problems, heading) -> dict | None:
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "value": with_footnotes(block.html, footnote_tag)}
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{item}</li>" for item in block.items)
        return {
            "type": "paragraph",
            "value": with_footnotes(f"<{tag}>{items}</{tag}>", footnote_tag),
        }
    if isinstance(block, SubHeading):
        return {"type": "heading", "value": block.text}
    if isinstance(block, Quotation):
        return {"type": "quote", "value": {"text": block.text, "attribution": block.attribution}}
    if isinstance(block, Figure):
        value = {"image": image_for(block), "alt_text": block.alt_text, "caption": block.caption}
        return {"type": "figure", "value": value}
    if isinstance(block, Table):
        return table_block(block)
    raise TypeError(f"Unknown manuscript block {type(block).__name__}")


def with_footnotes(text: str, footnote_tag: Callable[[str], str]) -> str:
    return FOOTNOTE_REFERENCE.sub(lambda match: footnote_tag(html.unescape(match.group(1))), text)


def footnote_uuids(notes: Sequence[Footnote], existing: Sequence[str]) -> dict[str, str]:
    """Each footnote's UUID: the page's existing footnote at the same place keeps its UUID, so
    an unchanged document gives the same text (and no new revision); new places get new ones."""
    return {
        note.key: existing[number] if number < len(existing) else str(uuid.uuid4())
        for number, note in enumerate(notes)
    }


def footnote_tag_for(uuids: dict[str, str]) -> Callable[[str], str]:
    """How a reference is written in rich text, as the editor (and the demo loader) writes it."""

    def tag(key: str) -> str:
        ref = uuids.get(key)
        if ref is None:  # a reference to no footnote: keep the text, drop the dead link
            return ""
        return f'<footnote id="{ref}">[{ref[:6]}]</footnote>'

    return tag


def footnote_rows(notes: Sequence[Footnote], uuids: dict[str, str], locale) -> list[FootnoteRow]:
    return [
        FootnoteRow(uuid=uuids[note.key], text=note.html, locale=locale, sort_order=number)
        for number, note in enumerate(notes)
    ]
