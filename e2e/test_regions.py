"""Country pages in a real browser: the probability table shows, its numbers lead to the
judgments, both languages pass axe (WCAG 2.2 AA) with the consent dialog open, fit a 320 px
screen, and the switcher leads to the same country. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import add_decided_consent
from .test_pages_in_browser import WCAG_AA

REGION_PAGES = {
    "region-en": "/en/regions/south-caucasus/",
    "region-lt": "/lt/regionai/pietu-kaukazas/",
    "russia-en": "/en/regions/russia/",
    "regions-en": "/en/regions/",
    "regions-lt": "/lt/regionai/",
}


@pytest.mark.parametrize("name", ["region-en", "region-lt", "russia-en"])
def test_the_timeline_shows_and_its_numbers_lead_to_the_judgments(page: Page, name: str):
    page.goto(REGION_PAGES[name])
    table = page.locator("table.timeline__table")
    expect(table).to_be_visible()
    marks = table.locator("a.timeline__mark")
    assert marks.count() >= 1
    first = marks.first
    box = first.bounding_box()
    assert box is not None and box["width"] >= 20 and box["height"] >= 20  # a real target
    target = first.get_attribute("href")
    first.click()
    assert page.url.endswith(target)
    expect(page.locator(f"li{target}")).to_be_in_viewport()


@pytest.mark.parametrize("name", REGION_PAGES)
def test_region_pages_have_no_wcag_aa_violation(first_visit: Page, name: str):
    first_visit.goto(REGION_PAGES[name])
    results = Axe().run(first_visit, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("name", REGION_PAGES)
def test_region_pages_fit_a_320_px_screen(browser, server: str, name: str):
    context = browser.new_context(base_url=server, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(REGION_PAGES[name])
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    table_visible = (
        page.locator("table.timeline__table").count() == 0
        or page.locator("table.timeline__table").is_visible()
    )
    context.close()
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 320px"
    assert table_visible


def test_switcher_leads_to_the_same_country(page: Page, server: str):
    page.goto(REGION_PAGES["region-en"])
    page.locator('.language-switcher a[lang="lt"]').click()
    page.wait_for_load_state()
    assert page.url == server + REGION_PAGES["region-lt"]
    expect(page.locator("h1")).to_have_text("Pietų Kaukazas")
    expect(page.locator("html")).to_have_attribute("lang", "lt")
    page.locator('.language-switcher a[lang="en"]').click()
    page.wait_for_load_state()
    assert page.url == server + REGION_PAGES["region-en"]


def test_from_an_assessment_to_its_country(page: Page, server: str):
    page.goto("/en/reports/2026/crisis-regions/russia-loses-its-main-lever-in-the-south-caucasus/")
    page.locator(".regions a", has_text="South Caucasus").click()
    page.wait_for_load_state()
    assert page.url == server + REGION_PAGES["region-en"]
    # Three editions name it: 2026, 2025 and 2024, newest first.
    years = page.locator("h2.region-year__title").all_inner_texts()
    assert [y.split()[0] for y in years] == ["2026", "2025", "2024"]


@pytest.mark.parametrize("name", ["region-en", "region-lt", "regions-en"])
def test_region_screenshots(browser, server: str, policy_version: str, screenshot_dir, name: str):
    for width in (360, 1280):
        context = browser.new_context(base_url=server, viewport={"width": width, "height": 900})
        add_decided_consent(context, server, policy_version)
        page = context.new_page()
        page.goto(REGION_PAGES[name], wait_until="networkidle")
        page.screenshot(path=str(screenshot_dir / f"{name}-{width}.png"), full_page=True)
        if width == 1280 and name == "region-en":
            page.emulate_media(media="print")
            page.screenshot(path=str(screenshot_dir / f"{name}-print.png"), full_page=True)
        context.close()
