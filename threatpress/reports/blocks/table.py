"""A table of plain-text cells: Wagtail's own table block, with our rendering and our value.

Wagtail's `TableBlock` (Handsontable in the editor) stores what a manuscript's table is: rows of
plain-text cells, whether the first row and the first column are headers, a caption. Its
editor sets styles through the DOM, never through inline `style` attributes or `eval`, so the
admin's policy in docs/security.md needs no new exception. Merged cells and cell classes are
switched off: a manuscript's merged cell is repeated in every cell it covers.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.contrib.table_block.blocks import TableBlock as WagtailTableBlock

# The editor's right-click menu: rows and columns only (no merging, no alignment classes).
TABLE_OPTIONS = {
    "contextMenu": [
        "row_above",
        "row_below",
        "---------",
        "col_left",
        "col_right",
        "---------",
        "remove_row",
        "remove_col",
        "---------",
        "undo",
        "redo",
    ],
    "startRows": 3,
    "startCols": 3,
    "renderer": "text",  # cells are text: whatever an editor types is escaped, never HTML
}


def _header_choice(header_row: bool, header_column: bool) -> str:
    """The editor's single "header" menu, as its JavaScript names the choices."""
    if header_row and header_column:
        return "both"
    if header_row:
        return "row"
    return "column" if header_column else "neither"


def table_value(
    rows: list[list[str]], header_row: bool = True, header_column: bool = False, caption: str = ""
) -> dict:
    """The raw stream value of a table block: what `body=[{"type": "table", "value": …}]` takes.

    Short rows are padded with empty cells, since the editor expects a rectangle.
    """
    width = max((len(row) for row in rows), default=0)
    data = [[str(cell) for cell in row] + [""] * (width - len(row)) for row in rows]
    return {
        "data": data,
        "first_row_is_table_header": header_row,
        "first_col_is_header": header_column,
        "table_header_choice": _header_choice(header_row, header_column),
        "table_caption": caption,
        "cell": [],
        "mergeCells": [],
    }


class TableBlock(WagtailTableBlock):
    """A table with a header row (on by default), an optional header column and a caption."""

    def __init__(self, **kwargs):
        kwargs.setdefault("table_options", dict(TABLE_OPTIONS))
        kwargs.setdefault("default", table_value([["", "", ""]] * 3))
        super().__init__(**kwargs)

    def clean(self, value):
        # Wagtail's clean() names the header-column choice "column" while its to_python() names
        # an old value's "col"; accept both so that neither loses its header column.
        if value and value.get("table_header_choice") == "col":
            value["table_header_choice"] = "column"
        return super().clean(value)

    def get_searchable_content(self, value):
        content = super().get_searchable_content(value)
        caption = (value or {}).get("table_caption") or ""
        return [caption, *content] if caption else content

    class Meta:
        icon = "table"
        label = _("Table")
        template = "components/blocks/table.html"
