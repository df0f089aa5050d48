"""Row ids that arrive as text: typed into a form, sent by hand or stored in rich text.

`str.isdigit()` accepts "²" and other Unicode digits that `int()` refuses, and a number wider
than 64 bits makes SQLite refuse the query: either way a 500 where the reader or editor should
get a 404 or a link to nothing. Everything that turns such text into a key goes through here.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1  # the widest key PostgreSQL's bigint and SQLite's INTEGER hold
ID_PATTERN = "[0-9]{1,18}"  # for URL converters: ASCII digits, always within MAX_ID


def parse_id(value: object) -> int | None:
    """The key `value` names, or None when it names none any row can have."""
    if not isinstance(value, str):
        value = str(value) if isinstance(value, int) and not isinstance(value, bool) else ""
    if not (value and value.isascii() and value.isdigit() and len(value) <= 19):
        return None
    number = int(value)
    return number if number <= MAX_ID else None
