"""Is a page inert? Parses HTML the way a browser's tokenizer would see tags and attributes
(Python's html.parser) and lists everything through which injected text could run code.

The site's own markup passes: one deferred script from /static/, no inline script or style
(the Content-Security-Policy forbids them anyway), no frames or plugins. A JSON-LD data block
(`<script type="application/ld+json">`, which no browser runs) passes when it holds valid JSON
with no `<` in it, so that nothing inside can end the element.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Where a browser follows a URL, fetches one or runs one (SVG animation values included).
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "data",
        "poster",
        "background",
        "cite",
        "codebase",
        "longdesc",
        "ping",
        "srcset",
        "manifest",
        "values",
        "to",
        "from",
        "by",
    }
)
FORBIDDEN_ELEMENTS = frozenset(
    {
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "style",
        "portal",
        "xmp",
        "plaintext",
        "template",
    }
)
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:")
# data: URLs for raster images are harmless; any other data: URL can carry a document.
SAFE_DATA_URL = re.compile(r"data:image/(png|gif|jpeg|webp|avif)[;,]")
# What the corpus's template payloads would print if the text were ever rendered as a template.
TEMPLATE_RESULT = "9876542"
OWN_SCRIPT_PREFIX = "/static/"
DATA_BLOCK_TYPE = "application/ld+json"


def normalise_url(value: str) -> str:
    """What a browser's URL parser makes of the scheme: case, whitespace and control characters
    do not count (`java\\tscript:` is `javascript:`)."""
    return re.sub(r"[\x00-\x20\x7f-\xa0\s]+", "", value).lower()


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.text_parts: list[str] = []
        self.attribute_values: list[str] = []
        self._in_script = False
        self._in_data_block = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = self._in_data_block = False

    def handle_data(self, data):
        if self._in_data_block:
            self._check_data_block(data)
        elif self._in_script and data.strip():
            self.findings.append(f"inline script: {data.strip()[:60]!r}")
        self.text_parts.append(data)

    def _check_data_block(self, data: str) -> None:
        try:
            json.loads(data)
        except ValueError:
            self.findings.append(f"data block that is not JSON: {data.strip()[:60]!r}")
        if "<" in data:
            self.findings.append(f"data block with '<': {data.strip()[:60]!r}")

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.attribute_values.extend(values.values())
        if tag == "script" and values.get("type") == DATA_BLOCK_TYPE and "src" not in values:
            self._in_data_block = True
        elif tag == "script":
            self._in_script = True
            if not values.get("src", "").startswith(OWN_SCRIPT_PREFIX):
                self.findings.append(f"script element: {values}")
        if tag in FORBIDDEN_ELEMENTS:
            self.findings.append(f"<{tag}> element")
        if tag == "meta" and "http-equiv" in values:
            self.findings.append(f"<meta http-equiv={values['http-equiv']!r}>")
        for name, value in values.items():
            if name.startswith("on"):
                self.findings.append(f"event handler {name}= on <{tag}>")
            elif name in {"style", "srcdoc"}:
                self.findings.append(f"{name}= on <{tag}>")
            elif name in URL_ATTRIBUTES:
                url = normalise_url(value)
                if url.startswith(SCRIPT_SCHEMES) or (
                    url.startswith("data:") and not SAFE_DATA_URL.match(url)
                ):
                    self.findings.append(f"{name}={value!r} on <{tag}>")


@dataclass(frozen=True)
class Inspection:
    findings: list[str]
    text: str
    attribute_values: list[str]

    def shows(self, text: str) -> bool:
        """The text reaches the reader as text (or as one attribute's whole value)."""
        return text in self.text or text in self.attribute_values


def inspect(html: str) -> Inspection:
    finder = _Finder()
    finder.feed(html)
    finder.close()
    text = "".join(finder.text_parts)
    findings = list(finder.findings)
    if TEMPLATE_RESULT in html:
        findings.append("template syntax was evaluated")
    return Inspection(findings, text, finder.attribute_values)


def findings(html: str) -> list[str]:
    return inspect(html).findings


# Stylesheets ----------------------------------------------------------------------------------
CSS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}) ?|\\(.)")


def css_rules(css: str) -> str:
    """The stylesheet with every string emptied: text that stayed inside its string cannot change
    this, text that escaped it (or sat in a comment it could close) can."""
    return CSS_STRING.sub('""', css)


def css_strings(css: str) -> list[str]:
    """The values of the stylesheet's strings, as the browser reads them."""

    def unescape(match: re.Match) -> str:
        return chr(int(match.group(1), 16)) if match.group(1) else match.group(2)

    return [CSS_ESCAPE.sub(unescape, value) for value in CSS_STRING.findall(css)]
