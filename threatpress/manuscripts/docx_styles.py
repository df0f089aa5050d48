"""What a paragraph's style means for the import, and which paragraphs are list items.

Word writes a built-in style's English name ("heading 1") and an ID ("Heading1") into the file
whatever the interface language, though a Lithuanian Word shows "Antraštė 1" and a document
may carry the shown name; LibreOffice writes the same names. A style is recognised by its ID,
its name, or a Lithuanian name, and by the style it is based on (a house "Summary" built on
"Quote" is a summary, not a quotation, because its own name is tried first).
"""

from __future__ import annotations

import re

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"

# Normalised names (case, spaces, dashes and underscores dropped) → the role in docs/import.md.
ROLES = {
    "title": "title",
    "pavadinimas": "title",
    "summary": "summary",
    "santrauka": "summary",
    "signature": "signature",
    "parašas": "signature",
    "quote": "quote",
    "quotations": "quote",  # LibreOffice's paragraph style for quotations
    "intensequote": "quote",
    "citata": "quote",
    "caption": "caption",
    "listbullet": "bullet",
    "tocheading": "toc",  # Word's table of contents: the site makes its own
    "turinioantraštė": "toc",
    "listnumber": "number",
}
HEADING = re.compile(r"^(?:heading|antraštė)(\d)$")
CONTENTS_ENTRY = re.compile(r"^(?:toc|turinys)\d$")
NUMBERED_LIST_NAME = re.compile(r"^(?:listnumber|numberedlist)\d*$")
BULLET_LIST_NAME = re.compile(r"^(?:listbullet|bulletedlist|list)\d*$")
FALSE_VALUES = {"0", "false", "off", "none"}


def normalise(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.casefold())


def is_on(element) -> bool:
    """A toggle property (`<w:b/>`, `<w:b w:val="0"/>`) present and not switched off."""
    return element is not None and element.get(f"{_W}val", "true").casefold() not in FALSE_VALUES


def role_of_names(*names: str) -> str:
    """ "heading2", "summary", "bullet"… or "" for a style with no special meaning."""
    for name in names:
        key = normalise(name)
        if match := HEADING.match(key):
            return f"heading{match.group(1)}"
        if key in ROLES:
            return ROLES[key]
        if CONTENTS_ENTRY.match(key):
            return "toc"
        if NUMBERED_LIST_NAME.match(key):
            return "number"
        if BULLET_LIST_NAME.match(key) and key != "list":
            return "bullet"
    return ""


class Styles:
    """The document's styles and numbering, read once."""

    def __init__(self, styles_root, numbering_root) -> None:
        self._roles: dict[str, str] = {}
        self._style_numbering: dict[str, str] = {}  # style → numId (List Bullet carries one)
        self.character_bold: set[str] = set()  # character styles such as Strong
        self.character_italic: set[str] = set()  # and Emphasis
        self.default_paragraph_style = ""
        self._number_formats = self._read_numbering(numbering_root)
        if styles_root is not None:
            self._read_styles(styles_root)

    def _read_styles(self, root) -> None:
        based_on: dict[str, str] = {}
        own_roles: dict[str, str] = {}
        for style in root.iter(f"{_W}style"):
            style_id = style.get(f"{_W}styleId") or ""
            name_element = style.find(f"{_W}name")
            name = name_element.get(f"{_W}val", "") if name_element is not None else ""
            kind = style.get(f"{_W}type")
            if kind == "character":
                run_properties = style.find(f"{_W}rPr")
                if run_properties is not None:
                    if is_on(run_properties.find(f"{_W}b")):
                        self.character_bold.add(style_id)
                    if is_on(run_properties.find(f"{_W}i")):
                        self.character_italic.add(style_id)
                continue
            if kind != "paragraph":
                continue
            if is_on(style.find(f"{_W}default")) or style.get(f"{_W}default") in {"1", "true"}:
                self.default_paragraph_style = style_id
            own_roles[style_id] = role_of_names(style_id, name)
            parent = style.find(f"{_W}basedOn")
            if parent is not None:
                based_on[style_id] = parent.get(f"{_W}val", "")
            num_id = style.find(f"{_W}pPr/{_W}numPr/{_W}numId")
            if num_id is not None:
                self._style_numbering[style_id] = num_id.get(f"{_W}val", "")
        for style_id in own_roles:
            self._roles[style_id] = self._inherited_role(style_id, own_roles, based_on)

    @staticmethod
    def _inherited_role(style_id: str, own: dict[str, str], based_on: dict[str, str]) -> str:
        seen = set()
        current = style_id
        while current and current not in seen:
            seen.add(current)
            if own.get(current):
                return own[current]
            current = based_on.get(current, "")
        return ""

    @staticmethod
    def _read_numbering(root) -> dict[tuple[str, str], str]:
        """(numId, level) → numFmt ("bullet", "decimal"…)."""
        if root is None:
            return {}
        abstract_formats: dict[str, dict[str, str]] = {}
        for abstract in root.iter(f"{_W}abstractNum"):
            levels = {}
            for level in abstract.iter(f"{_W}lvl"):
                number_format = level.find(f"{_W}numFmt")
                levels[level.get(f"{_W}ilvl", "0")] = (
                    number_format.get(f"{_W}val", "") if number_format is not None else ""
                )
            abstract_formats[abstract.get(f"{_W}abstractNumId", "")] = levels
        formats = {}
        for num in root.iter(f"{_W}num"):
            abstract_id = num.find(f"{_W}abstractNumId")
            if abstract_id is None:
                continue
            levels = abstract_formats.get(abstract_id.get(f"{_W}val", ""), {})
            for level, number_format in levels.items():
                formats[(num.get(f"{_W}numId", ""), level)] = number_format
        return formats

    def style_id(self, paragraph) -> str:
        style = paragraph.find(f"{_W}pPr/{_W}pStyle")
        if style is not None:
            return style.get(f"{_W}val", "")
        return self.default_paragraph_style

    def role(self, paragraph) -> str:
        style_id = self.style_id(paragraph)
        return self._roles.get(style_id) or role_of_names(style_id)

    def list_level(self, paragraph) -> int:
        """0 for an item of a list's first level (or not a list item), 1 and up when nested:
        Word's numbering level, or a "List Bullet 2"-style name."""
        numbering = paragraph.find(f"{_W}pPr/{_W}numPr/{_W}ilvl")
        level = numbering.get(f"{_W}val", "0") if numbering is not None else ""
        if level.isascii() and level.isdigit() and len(level) <= 2:  # Word has levels 0-8
            return int(level)
        match = re.search(r"List(?:Bullet|Number|Paragraph)?([2-9])$", self.style_id(paragraph))
        return int(match.group(1)) - 1 if match else 0

    def list_kind(self, paragraph, role: str) -> str:
        """ "ordered", "unordered" or "" for a paragraph that is not a list item."""
        numbering = paragraph.find(f"{_W}pPr/{_W}numPr")
        num, level = self._style_numbering.get(self.style_id(paragraph), ""), "0"
        if numbering is not None:
            num_id = numbering.find(f"{_W}numId")
            ilvl = numbering.find(f"{_W}ilvl")
            num = num_id.get(f"{_W}val", "") if num_id is not None else num
            level = ilvl.get(f"{_W}val", "0") if ilvl is not None else level
        if num == "0":  # numbering switched off for this paragraph
            return ""
        number_format = self._number_formats.get((num, level), "")
        if number_format:
            return "unordered" if number_format in {"bullet", "none"} else "ordered"
        if role in {"bullet", "number"}:
            return "ordered" if role == "number" else "unordered"
        return "unordered" if num else ""


def parse_part(blob: bytes):
    """An XML part of the package, parsed without entities or network access."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(blob, parser)
