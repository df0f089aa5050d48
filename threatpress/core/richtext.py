"""Stored rich text reaches readers only through a whitelist.

Wagtail cleans rich text when it comes in through the editor, but its `richtext` filter renders
whatever the database holds: HTML written by an import, a migration, a script or straight into the
database would reach readers unchanged. `clean_stored_html` applies the editor's rules (elements,
attributes, URL schemes) on the way out as well, so stored markup can only produce what an editor
could have typed. Only the database format of the features this site enables is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from wagtail.whitelist import Whitelister, allow_without_attributes, attribute_rule, check_url


def _matching(pattern: str) -> Callable[[str], str | None]:
    compiled = re.compile(pattern)
    return lambda value: value if compiled.fullmatch(value) else None


# Draftail keeps a short key on each block so that comments stay anchored to it.
_block = attribute_rule({"data-block-key": _matching(r"[0-9a-z]{1,16}")})

ELEMENT_RULES = {
    "[document]": allow_without_attributes,
    "p": _block,
    "li": _block,
    "ol": allow_without_attributes,
    "ul": allow_without_attributes,
    "br": allow_without_attributes,
    "b": allow_without_attributes,
    "strong": allow_without_attributes,
    "i": allow_without_attributes,
    "em": allow_without_attributes,
    # External links keep an http(s)/mailto/tel/relative href; links to pages and documents are
    # stored as a type and a number and expanded by Wagtail.
    "a": attribute_rule(
        {
            "href": check_url,
            "linktype": _matching(r"page|document"),
            "id": _matching(r"[0-9]{1,19}"),
        }
    ),
    # wagtail-footnotes' reference to a footnote of the same page, by its UUID.
    "footnote": attribute_rule({"id": _matching(r"[0-9a-f-]{1,36}")}),
}

# Elements whose content is code or markup rather than text: dropped whole, not unwrapped.
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "template",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "noscript",
        "noembed",
        "noframes",
        "xmp",
        "plaintext",
        "textarea",
        "title",
        "svg",
        "math",
        "select",
    }
)


# A link whose text already is its address (`https://example.org/` or `office@example.org`):
# print.css does not repeat the address after it on paper.
LINK_SHOWS_ADDRESS = "link-shows-address"
_SCHEME = re.compile(r"^(?:https?://|mailto:|tel:)", re.IGNORECASE)


def _bare_address(text: str) -> str:
    return _SCHEME.sub("", text.strip()).rstrip("/").lower()


def shows_its_address(href: str, text: str) -> bool:
    return bool(href) and _bare_address(href) == _bare_address(text)


class StoredRichTextWhitelister(Whitelister):
    element_rules = ELEMENT_RULES

    def clean_tag_node(self, doc, tag):
        if tag.name in DROPPED_WITH_CONTENT:
            tag.decompose()
            return
        super().clean_tag_node(doc, tag)
        if tag.name == "a" and shows_its_address(tag.get("href", ""), tag.get_text()):
            tag["class"] = LINK_SHOWS_ADDRESS


_whitelister = StoredRichTextWhitelister()


@lru_cache(maxsize=2048)
def clean_stored_html(html: str) -> str:
    """Stored rich text (database format) reduced to the whitelist. Cached: parsing takes about
    a millisecond per paragraph, and the same paragraphs are rendered again and again."""
    if not html:
        return ""
    return _whitelister.clean(html)
