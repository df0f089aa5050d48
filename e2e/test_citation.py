""" "Cite this" in a real browser: the disclosure opens without script, the three citations show,
the copy buttons copy (or select the text where there is no clipboard), keyboard and axe, a
phone's width, and paper without it. The head's JSON-LD and feed link cause no CSP report."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from .conftest import CRISIS_PATH, add_decided_consent, watch_csp
from .test_pages_in_browser import WCAG_AA

LITHUANIAN = "/lt/ataskaitos/2026/"
NO_CLIPBOARD = "Object.defineProperty(navigator, 'clipboard', {value: undefined});"


@pytest.fixture
def reader(browser: Browser, server: str, policy_version: str) -> Iterator[Page]:
    """A reader whose browser lets the page write to and read the clipboard."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    add_decided_consent(context, server, policy_version)
    page = context.new_page()
    yield page
    context.close()


def open_control(page: Page, name: str = "Cite this assessment"):
    summary = page.get_by_text(name, exact=True)
    summary.click()
    control = page.locator("details.cite")
    expect(control).to_have_attribute("open", "")
    return control


def test_the_control_opens_and_shows_three_formats(reader: Page):
    violations = watch_csp(reader)
    reader.goto(CRISIS_PATH)
    control = reader.locator("details.cite")
    expect(control.locator("figure").first).to_be_hidden()
    open_control(reader)
    for name in ("APA", "Chicago", "BibTeX"):
        expect(control.locator("figcaption", has_text=name)).to_be_visible()
    expect(control.locator("#cite-apa")).to_contain_text("(2026).")
    expect(control.locator("#cite-chicago")).to_contain_text("Accessed ")
    expect(control.locator("#cite-bibtex")).to_contain_text("@incollection{")
    # The script showed the copy buttons; the JSON-LD block and the rest broke no policy.
    expect(control.get_by_role("button", name="Copy the APA citation")).to_be_visible()
    assert violations == []


@pytest.mark.parametrize("style", ["apa", "bibtex"])
def test_the_copy_button_copies_the_citation(reader: Page, style: str):
    reader.goto(CRISIS_PATH)
    control = open_control(reader)
    name = {"apa": "APA", "bibtex": "BibTeX"}[style]
    control.get_by_role("button", name=f"Copy the {name} citation").click()
    expect(control.get_by_role("status")).to_have_text("Copied.")
    copied = reader.evaluate("navigator.clipboard.readText()")
    assert copied == control.locator(f"#cite-{style}").text_content()
    if style == "bibtex":
        assert copied.startswith("@incollection{") and copied.endswith("\n}")


def test_without_a_clipboard_the_button_selects_the_text(reader: Page):
    reader.add_init_script(NO_CLIPBOARD)
    reader.goto(CRISIS_PATH)
    control = open_control(reader)
    control.get_by_role("button", name="Copy the Chicago citation").click()
    expect(control.get_by_role("status")).to_have_text(
        "Selected: press Ctrl+C (⌘C on a Mac) to copy."
    )
    selected = reader.evaluate("window.getSelection().toString()")
    assert selected == control.locator("#cite-chicago").text_content()


def test_without_script_the_citations_are_there_and_no_dead_button(
    browser: Browser, server: str, policy_version: str
):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    add_decided_consent(context, server, policy_version)
    page = context.new_page()
    page.goto(CRISIS_PATH)
    control = open_control(page)
    expect(control.locator("#cite-apa")).to_be_visible()
    expect(control.get_by_role("button")).to_have_count(0)  # hidden buttons are not buttons
    context.close()


def test_the_keyboard_opens_it(reader: Page):
    reader.goto(CRISIS_PATH)
    summary = reader.locator("details.cite > summary")
    summary.focus()
    reader.keyboard.press("Enter")
    expect(reader.locator("details.cite")).to_have_attribute("open", "")
    reader.keyboard.press("Tab")  # into the first copy button, past the text
    expect(reader.get_by_role("button", name="Copy the APA citation")).to_be_focused()


def test_open_it_meets_wcag_aa_and_fits_a_phone(
    browser: Browser, server: str, policy_version: str, screenshot_dir
):
    for width in (320, 1280):
        context = browser.new_context(base_url=server, viewport={"width": width, "height": 900})
        add_decided_consent(context, server, policy_version)
        page = context.new_page()
        page.goto(CRISIS_PATH)
        open_control(page)
        results = Axe().run(page, options=WCAG_AA)
        assert results.violations_count == 0, results.generate_report()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the open control scrolls sideways by {overflow}px at {width}px"
        page.locator("details.cite").screenshot(path=str(screenshot_dir / f"cite-{width}.png"))
        context.close()


@pytest.mark.parametrize(
    ("path", "accessed", "urldate"),
    [
        (CRISIS_PATH, "15 January 2031", "2031-01-15"),
        (LITHUANIAN, "2031\u00a0m. sausio 15\u00a0d.", "2031-01-15"),  # as the server writes it
    ],
)
def test_a_page_from_a_cache_gets_the_readers_access_date(
    reader: Page, path: str, accessed: str, urldate: str
):
    # A page the server made days ago (a cache kept it): the reader's own day counts.
    reader.clock.set_fixed_time(datetime.datetime(2031, 1, 15, 12, 0))
    reader.goto(path)
    control = reader.locator("details.cite")
    control.locator("summary").click()
    expect(control.locator(".cite__note")).to_contain_text(accessed)
    expect(control.locator("#cite-chicago")).to_contain_text(f"{accessed}")
    expect(control.locator("#cite-bibtex")).to_contain_text(f"urldate = {{{urldate}}},")
    control.locator("button[data-cite-copy='cite-chicago']").click()
    expect(control.get_by_role("status")).not_to_be_empty()  # the copy has finished
    assert accessed in reader.evaluate("navigator.clipboard.readText()")


def test_paper_leaves_it_out(reader: Page):
    reader.goto(CRISIS_PATH)
    open_control(reader)
    reader.emulate_media(media="print")
    expect(reader.locator("details.cite")).to_be_hidden()


def test_in_lithuanian_it_speaks_lithuanian(reader: Page):
    reader.goto(LITHUANIAN)
    control = open_control(reader, "Cituoti šį leidimą")
    expect(control.locator("#cite-chicago")).to_contain_text("Žiūrėta ")
    button = control.get_by_role("button", name="Kopijuoti APA nuorodą")
    button.click()
    expect(control.get_by_role("status")).to_have_text("Nukopijuota.")
