"""The checker behind the XSS corpus tests flags live markup, so those tests can fail."""

import pytest

from threatpress.core.tests.inert import findings, inspect

LIVE = [
    "<script>alert(1)</script>",
    '<script src="https://evil.example/x.js"></script>',
    '<script src="/static/js/site.js">alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x ONERROR=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JaVa&#x09;Script:alert(1)">x</a>',
    '<a href="&#106;avascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    '<form action="javascript:alert(1)"></form>',
    "<button formaction=javascript:alert(1)>x</button>",
    '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
    '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
    '<iframe src="/"></iframe>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="/x"></object>',
    '<embed src="/x">',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "<style>body{display:none}</style>",
    '<p style="background:url(x)">x</p>',
    "<p>9876542</p>",
    # A JSON-LD block is data only while nothing inside it can end it, and it is JSON.
    '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>"}</script>',
    '<script type="application/ld+json">{"a": "<!--"}</script>',
    '<script type="application/ld+json">alert(1)</script>',
    '<script type="application/ld+json" src="https://evil.example/x.js"></script>',
]

INERT = [
    '<script src="/static/js/site.js" defer></script>',
    '<script type="application/ld+json">{"a": "\\u003C/script\\u003E"}</script>',
    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
    '<p title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</p>',
    '<meta name="description" content="javascript:alert(1) onload=alert(1)">',
    '<a href="/en/reports/2026/">x</a>',
    '<a href="mailto:office@example.org">x</a>',
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">',
    "<p>{{ 9876500|add:42 }}</p>",
]


@pytest.mark.parametrize("html", LIVE)
def test_live_markup_is_flagged(html):
    assert findings(f"<!DOCTYPE html><html><body>{html}</body></html>")


@pytest.mark.parametrize("html", INERT)
def test_escaped_text_and_the_sites_own_markup_pass(html):
    assert findings(f"<!DOCTYPE html><html><body>{html}</body></html>") == []


def test_shows_finds_text_as_the_reader_gets_it():
    page = inspect('<h1>A &lt;b&gt; &amp; c</h1><meta name="description" content="d &quot;e">')
    assert page.shows("A <b> & c")
    assert page.shows('d "e')
    assert not page.shows("A <b> & c d")
