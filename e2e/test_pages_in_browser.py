"""Every page type in a real browser: accessible (axe-core, WCAG 2.2 AA), responsive down to 320 px,
and asking nothing of any host but ours. Screenshots at 360 and 1280 px go to artifacts/.

The scans and the width check are a first visit, with the consent dialog open over the page, as
every new reader sees it; the screenshots show a reader who has answered it (the dialog has its
own in test_consent.py)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from .conftest import CRISIS_PATH, add_decided_consent

PAGES = {
    "home": "/en/",
    "archive": "/en/reports/",
    "edition": "/en/reports/2026/",
    "summary": "/en/reports/2026/summary/",
    "foreword": "/en/reports/2026/foreword/",
    "scale": "/en/reports/2026/scale/",
    "chapter": "/en/reports/2026/crisis-regions/",
    "assessment": CRISIS_PATH,
    "information": "/en/accessibility/",
    "not-found": "/en/reports/2026/no-such-chapter/",
}
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
}
axe = Axe()


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_wcag_aa_violation(first_visit: Page, name: str):
    first_visit.goto(PAGES[name])
    assert first_visit.locator("dialog.consent").is_visible()
    results = axe.run(first_visit, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


# The Lithuanian scale's long words, and the regions' index in cards.
NARROW_ONLY = {"scale-lt": "/lt/ataskaitos/2026/skale/", "regions": "/en/regions/"}
# Text spacing as WCAG 1.4.12 asks a page to bear without losing content.
TEXT_SPACING = (
    "*{line-height:1.5 !important;letter-spacing:0.12em !important;"
    "word-spacing:0.16em !important} p{margin-bottom:2em !important}"
)


@pytest.mark.parametrize("name", {**PAGES, **NARROW_ONLY})
@pytest.mark.parametrize(
    "reader",
    ["320 px", "text spacing at 320 px", "text at 200% on a 360 px phone"],
)
def test_page_fits_a_small_screen(browser, server: str, name: str, reader: str):
    """WCAG 1.4.10 and 1.4.12: no sideways scrolling at 320 px, with the reader's own text
    spacing, or with text twice as large on a common phone."""
    width = 360 if "200%" in reader else 320
    # The reader's style sheet goes in as a user style would (past the site's policy).
    context = browser.new_context(
        base_url=server, viewport={"width": width, "height": 640}, bypass_csp=True
    )
    page = context.new_page()
    page.goto({**PAGES, **NARROW_ONLY}[name])
    if "spacing" in reader:
        page.add_style_tag(content=TEXT_SPACING)
    elif "200%" in reader:
        page.add_style_tag(content="html{font-size:200% !important}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px ({reader})"


@pytest.mark.parametrize("name", PAGES)
def test_page_requests_nothing_from_other_hosts(first_visit: Page, server: str, name: str):
    requested: list[str] = []
    first_visit.on("request", lambda request: requested.append(request.url))
    first_visit.goto(PAGES[name], wait_until="networkidle")
    foreign = [url for url in requested if not url.startswith((server, "data:"))]
    assert foreign == []


@pytest.mark.parametrize("name", PAGES)
def test_page_screenshots(browser, server: str, policy_version: str, screenshot_dir, name: str):
    for width in (360, 1280):
        context = browser.new_context(base_url=server, viewport={"width": width, "height": 900})
        add_decided_consent(context, server, policy_version)
        page = context.new_page()
        page.goto(PAGES[name], wait_until="networkidle")
        assert page.locator("h1").count() == 1
        page.screenshot(path=str(screenshot_dir / f"{name}-{width}.png"), full_page=True)
        if width == 1280:
            page.emulate_media(media="print")
            page.screenshot(path=str(screenshot_dir / f"{name}-print.png"), full_page=True)
        context.close()


def test_a_browser_gets_the_page_gzipped_and_shows_all_of_it(page: Page):
    """The page cache sends its gzip form to a browser (docs/caching.md, "Compression"): the
    second visit is a hit, about a quarter of the bytes, and the page is whole."""
    for _ in range(2):
        response = page.goto(CRISIS_PATH)
        assert response is not None and response.status == 200
    headers = response.all_headers()
    assert headers["content-encoding"] == "gzip"
    assert "accept-encoding" in headers["vary"].lower()
    html = response.body()  # what the browser unpacked
    assert int(headers["content-length"]) * 3 < len(html)
    assert page.locator("h1").first.is_visible()
    assert page.locator("footer").first.is_visible()
    assert html.rstrip().endswith(b"</html>")
