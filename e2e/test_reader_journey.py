"""A reader finds the Nagorno-Karabakh assessment from the home page, reads it and prints it."""

from __future__ import annotations

import io

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .conftest import ARTIFACTS, CRISIS_PATH

JUDGMENT = "Russia has lost its main lever in the South Caucasus"
TREATY_PATH = (
    "/en/reports/2026/russia-military/russia-keeps-testing-nato-below-the-threshold-of-war/"
)


def test_reader_follows_links_from_home_to_the_assessment(page: Page, server: str):
    page.goto("/")
    assert page.url == f"{server}/en/"
    page.get_by_role("link", name="National Threat Assessment 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("National Threat Assessment 2026")
    page.get_by_role("link", name="Crisis regions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Crisis regions")
    page.get_by_role("link", name=JUDGMENT).first.click()
    assert page.url == server + CRISIS_PATH
    expect(page.get_by_role("heading", level=1)).to_contain_text(JUDGMENT)
    crumbs = page.get_by_role("navigation", name="You are here")
    expect(crumbs.get_by_role("link")).to_have_text(["Home", "Reports", "2026", "Crisis regions"])
    summary = page.locator(".assessment__summary")
    assert int(summary.evaluate("el => getComputedStyle(el).fontWeight")) >= 700
    expect(page.get_by_role("link", name="Likely (50–75%)")).to_be_visible()


def test_print_button_opens_the_print_dialog(page: Page):
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; }")
    page.goto(CRISIS_PATH)
    button = page.get_by_role("button", name="Print")
    expect(button).to_be_visible()
    button.click()
    assert page.evaluate("window.__printed") == 1


def test_printed_page_shows_the_text_and_none_of_the_chrome(page: Page):
    page.goto(CRISIS_PATH)
    page.emulate_media(media="print")
    for hidden in (".site-nav", ".breadcrumbs", ".site-footer", ".actions", ".pager", ".aside"):
        expect(page.locator(hidden)).to_be_hidden()
    for shown in ("h1", ".assessment__summary", ".assessment__body", ".footnotes"):
        expect(page.locator(shown)).to_be_visible()
    pdf_bytes = page.pdf(prefer_css_page_size=True, print_background=False)
    out = ARTIFACTS / "print"
    out.mkdir(parents=True, exist_ok=True)
    (out / "assessment.pdf").write_bytes(pdf_bytes)
    reader = PdfReader(io.BytesIO(pdf_bytes))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 2
    for number, page_text in enumerate(pages, start=1):
        # Running header with the edition, page number in the footer, on every page.
        assert page_text.startswith("National Threat Assessment 2026"), page_text[:80]
        assert f"{number} / {len(pages)}" in page_text
    text = " ".join(pages)
    assert "Russia has lost its main lever" in text
    assert "Gyumri" in text
    for chrome in ("Cookie settings", "All reports", "Download PDF", "Skip to main content"):
        assert chrome not in text, chrome


def test_printed_links_show_their_address(page: Page):
    page.goto(TREATY_PATH)
    page.emulate_media(media="print")
    external = page.locator(".footnotes a[href^='http']").first
    href = external.get_attribute("href")
    assert href.startswith("https://www.nato.int/")
    after = external.evaluate("a => getComputedStyle(a, '::after').content")
    assert href in after
    page.emulate_media(media="screen")
    assert external.evaluate("a => getComputedStyle(a, '::after').content") == "none"


def test_assessment_reads_fully_without_javascript(browser, server: str):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    page.goto(CRISIS_PATH)
    expect(page.get_by_role("heading", level=1)).to_contain_text(JUDGMENT)
    expect(page.locator(".assessment__body")).to_contain_text("Gyumri")
    # The print button needs script, so without it there is no dead button.
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    context.close()


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page: Page):
    page.goto(CRISIS_PATH)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"
    page.keyboard.press("Tab")
    inside_main = page.evaluate("!!document.activeElement.closest('main')")
    assert inside_main


def test_footnote_reference_and_back_link_move_the_reader(page: Page):
    page.goto(CRISIS_PATH)
    ref = page.locator(".assessment__body a.footnote-ref").first
    ref_id = ref.get_attribute("id")
    ref.click()
    assert page.evaluate("location.hash") == "#footnote-1"
    page.locator("#footnote-1 a.footnotes__back").first.click()
    assert page.evaluate("location.hash") == f"#{ref_id}"
