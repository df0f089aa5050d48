"""URL converters shared by the apps' admin addresses."""

from __future__ import annotations

from django.urls import register_converter

from threatpress.core.ids import ID_PATTERN


class RowIdConverter:
    """A row id in an address: ASCII digits, no wider than a 64-bit key. Django's `int` takes
    any length, and a lookup through a page type's `page_ptr` (EditionPage) sends the number to
    the database unchecked, where SQLite refuses it (a 500 instead of a 404)."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def register() -> None:
    register_converter(RowIdConverter, "id")
