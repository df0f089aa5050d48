"""The demo quotes its own earlier editions: every such quotation is really in that edition."""

import re
import tomllib
from html import unescape
from pathlib import Path

CONTENT = Path(__file__).resolve().parents[1] / "demo" / "content"
ATTRIBUTED = re.compile(r"National Threat Assessment (\d{4})$")


def _blocks(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _blocks(value)
    elif isinstance(node, list):
        for item in node:
            yield from _blocks(item)


def _words(path: Path) -> str:
    """The edition's text without markup, one space between words."""
    text = unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))
    return " ".join(text.split())


def test_quotations_of_earlier_editions_are_in_them():
    checked = 0
    # The English editions (the Lithuanian ones quote in translation); the 2023 edition they
    # may quote is older than the demo.
    for path in sorted(CONTENT.glob("edition_????.toml")):
        for block in _blocks(tomllib.loads(path.read_text(encoding="utf-8"))):
            found = ATTRIBUTED.search(str(block.get("attribution", "")))
            source = CONTENT / f"edition_{found.group(1)}.toml" if found else None
            if block.get("type") != "quote" or source is None or not source.exists():
                continue
            quoted = " ".join(unescape(re.sub(r"<[^>]+>", " ", block["text"])).split())
            assert quoted in _words(source), f"{path.name} quotes {source.name}: {quoted!r}"
            checked += 1
    assert checked >= 4  # the 2025 and 2026 editions quote their predecessors four times
