"""Stored rich text is whitelisted on the way out: what an editor can type survives, nothing
else does, whatever was written into the database."""

from pathlib import Path

import pytest
from django.template import Context, Template

from threatpress.core.richtext import clean_stored_html
from threatpress.core.tests.inert import findings, inspect
from threatpress.core.tests.xss_payloads import HOSTILE_URLS, PAYLOADS

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def render(source: str) -> str:
    template = Template("{% load threatpress_tags %}{{ value|clean_richtext }}")
    return template.render(Context({"value": source}))


@pytest.mark.parametrize("payload", PAYLOADS, ids=lambda p: f"{p.family}:{p.text[:30]}")
def test_each_payload_stored_as_rich_text_renders_inert(payload):
    assert findings(render(f"<p>Before.</p>{payload.text}")) == []


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_script_and_document_urls_lose_their_href(url):
    html = render(f'<p><a href="{url}">link</a></p>')
    assert findings(html) == []
    assert inspect(html).shows("link")


def test_what_an_editor_can_type_survives():
    note = "6b5a8c3e-1d2f-4a5b-9c7d-0e1f2a3b4c5d"
    source = (
        '<p data-block-key="a1b2c">Plain, <b>bold</b>, <i>italic</i>, '
        '<a href="https://example.org/a?b=1&amp;c=2">a link</a>, '
        '<a href="mailto:office@example.org">mail</a> and a note'
        f'<footnote id="{note}">[6b5a8c]</footnote>.</p>'
        '<ul><li data-block-key="d3">one</li></ul><ol><li data-block-key="e4">two</li></ol>'
    )
    assert clean_stored_html(source) == source


def test_links_to_pages_are_still_expanded(site_tree):
    html = render(f'<p><a linktype="page" id="{site_tree.reports.pk}">Archive</a></p>')
    assert '<a href="/en/reports/">Archive</a>' in html


def test_script_content_is_dropped_not_shown_as_text():
    html = render("<p>Kept.</p><script>alert(1)</script><style>p{}</style>")
    assert "alert" not in html
    assert "p{}" not in html
    assert inspect(html).shows("Kept.")


def test_attributes_outside_the_whitelist_are_dropped():
    html = clean_stored_html(
        '<p class="x" data-block-key="&quot;&gt;" style="color:red" id="y">t</p>'
        '<a linktype="page" id="1 onclick" title="t">x</a>'
    )
    assert html == '<p>t</p><a linktype="page">x</a>'


def test_every_template_shows_rich_text_through_the_whitelist():
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "|richtext" in path.read_text()
    ]
    assert offenders == [], "use |clean_richtext, not |richtext"


def test_a_link_whose_text_is_its_address_is_marked_so_print_does_not_repeat_it():
    html = clean_stored_html(
        '<p><a href="https://www.example.org/">www.example.org</a>, '
        '<a href="mailto:office@example.org">Office@example.org</a>, '
        '<a href="tel:+37052000000">+37052000000</a>, '
        '<a href="https://www.example.org/">our partner</a>, '
        '<a class="x" href="https://example.org/a">https://example.org/a</a>, '
        '<a href="javascript:alert(1)">javascript:alert(1)</a></p>'
    )
    assert html == (
        '<p><a class="link-shows-address" href="https://www.example.org/">www.example.org</a>, '
        '<a class="link-shows-address" href="mailto:office@example.org">Office@example.org</a>, '
        '<a class="link-shows-address" href="tel:+37052000000">+37052000000</a>, '
        '<a href="https://www.example.org/">our partner</a>, '
        '<a class="link-shows-address" href="https://example.org/a">https://example.org/a</a>, '
        "<a>javascript:alert(1)</a></p>"
    )
    rendered = render('<p><a href="https://example.org/">example.org</a></p>')
    assert '<a class="link-shows-address" href="https://example.org/">' in rendered
