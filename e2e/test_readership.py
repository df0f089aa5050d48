"""The admin's Readership screen in a real browser: the demo's synthetic totals drawn as SVG,
accessible (axe-core on the screen's own content), no script error, nothing from another host.
A headless browser is itself not counted: its user agent says HeadlessChrome."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .test_admin import log_in
from .test_pages_in_browser import WCAG_AA

# Wagtail's own chrome (sidebar, header) is Wagtail's to fix; this checks what we added.
OUR_CONTENT = {"include": [[".readership-section"], [".readership-periods"]]}


def test_readership_screen_draws_charts_and_tables_accessibly(page: Page, server, screenshot_dir):
    errors: list[str] = []
    requested: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requested.append(request.url))
    log_in(page)
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Readership")).to_be_visible()
    page.goto("/admin/readership/", wait_until="networkidle")

    chart = page.get_by_role("img", name="Page views per day")
    expect(chart).to_be_visible()
    assert page.locator(".readership-chart__bars rect").count() == 30
    fill = chart.locator("rect").first.evaluate("rect => getComputedStyle(rect).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)")  # coloured by admin.css, not by default
    page.get_by_text("Page views per day as a table").click()
    expect(page.locator("#readership-views-table tbody tr")).to_have_count(30)
    expect(page.locator("#readership-assessments-table tbody tr").first).to_be_visible()

    results = Axe().run(page, context=OUR_CONTENT, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
    assert errors == []
    assert [url for url in requested if not url.startswith((server, "data:"))] == []
    page.screenshot(path=str(screenshot_dir / "admin-readership-1280.png"), full_page=True)
