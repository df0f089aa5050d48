"""A table in an assessment, in Chromium: accessible (axe-core, WCAG 2.2 AA), scrolling inside
its own focusable region on a 360 px phone rather than the page, printed with its header row
repeated and no row cut in two; and the admin's table editor under the admin's policy."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import add_decided_consent, watch_csp
from .test_admin import log_in
from .test_pages_in_browser import WCAG_AA

TABLE_PATH = "/en/reports/2026/cyber-security/ransomware-remains-the-most-damaging-criminal-threat/"
CAPTION = "Serious cyber incidents reported to the national cyber security centre, by sector"


def test_a_page_with_a_table_has_no_wcag_aa_violation(first_visit: Page):
    first_visit.goto(TABLE_PATH)
    expect(first_visit.locator("table caption")).to_contain_text(CAPTION)
    results = Axe().run(first_visit, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.fixture
def phone(browser, server: str, policy_version: str):
    context = browser.new_context(base_url=server, viewport={"width": 360, "height": 740})
    add_decided_consent(context, server, policy_version)
    page = context.new_page()
    yield page
    context.close()


def test_on_a_phone_the_table_scrolls_in_its_own_region_and_the_keyboard_reaches_it(
    phone: Page, screenshot_dir
):
    phone.goto(TABLE_PATH)
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    region = phone.get_by_role("region", name=CAPTION)
    expect(region).to_be_visible()
    sizes = region.evaluate("r => [r.scrollWidth, r.clientWidth]")
    assert sizes[0] > sizes[1], "the table fits: nothing to scroll, so nothing is tested"
    region.scroll_into_view_if_needed()
    phone.screenshot(path=screenshot_dir / "assessment-table-360.png")
    # The caption wraps to the screen rather than running off with the table's width.
    caption = region.locator("caption").evaluate("c => c.getBoundingClientRect().right")
    assert caption <= 360
    # A keyboard user tabs to the region and scrolls it with the arrow keys.
    region.focus()
    assert phone.evaluate("document.activeElement.getAttribute('role')") == "region"
    outline = region.evaluate("r => getComputedStyle(r).outlineStyle")
    phone.keyboard.press("ArrowRight")
    phone.keyboard.press("ArrowRight")
    # Chromium scrolls smoothly: on a busy machine the first frames come late (CI read 0 once).
    phone.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle(), timeout=5000)
    assert outline != "none"
    left = region.locator("caption").evaluate("c => c.getBoundingClientRect().left")
    assert left >= 0, "the caption scrolled away with the table"


def test_printed_the_header_row_repeats_and_rows_are_not_split(page: Page):
    page.goto(TABLE_PATH)
    page.emulate_media(media="print")
    table = page.locator(".data-table")
    assert table.locator("thead").evaluate("t => getComputedStyle(t).display") == (
        "table-header-group"
    )
    assert table.locator("tbody tr").first.evaluate("r => getComputedStyle(r).breakInside") == (
        "avoid"
    )
    # On paper the region no longer clips the table: every column is on the page.
    region = page.locator(".table-block")
    assert region.evaluate("r => r.scrollWidth <= r.clientWidth")


def test_the_table_editor_works_under_the_admins_policy(page: Page):
    violations = watch_csp(page)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page)
    page.goto("/admin/pages/search/?q=ransomware")
    page.get_by_role("link", name="Ransomware and data-theft extortion").first.click()
    editor = page.locator(".handsontable").first
    expect(editor).to_be_visible()
    expect(editor.get_by_text("Health care").first).to_be_visible()
    expect(page.locator("input[id$='-handsontable-col-caption']").first).to_have_value(
        CAPTION + " (illustrative figures invented for this demo)"
    )
    expect(page.locator("select[id$='-table-header-choice']").first).to_have_value("both")
    assert violations == []
    assert errors == []
