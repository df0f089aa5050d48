"""The search in a real browser: from the header's box to highlighted results, a filter, the next
page of results, both languages accessible (axe-core, WCAG 2.2 AA), a phone's width, and the
whole of it without JavaScript. Screenshots: artifacts/screenshots/search-*.png."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from .conftest import add_decided_consent
from .test_pages_in_browser import WCAG_AA

SEARCHES = {
    "en-results": "/en/search/?q=russia",
    "lt-results": "/lt/paieska/?q=gr%C4%97sm%C4%97s",
    "en-filtered": "/en/search/?q=russia&region=belarus&sort=newest",
    "en-nothing": "/en/search/?q=gnss&year=2024",
    "en-no-word": "/en/search/?q=zzqx+russia",
    "lt-nothing": "/lt/paieska/?q=zzqx",
    "en-empty": "/en/search/",
}
axe = Axe()


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_a_reader_searches_from_the_header_filters_and_pages(page: Page):
    page.goto("/en/reports/2026/")
    box = page.get_by_role("search", name="Site search").get_by_label("Search the assessments")
    box.fill("Russia")
    box.press("Enter")
    page.wait_for_url("**/en/search/?q=Russia")
    expect(page.locator("h1")).to_have_text("Search")
    expect(page.locator(".search-summary")).to_contain_text("results for “Russia”")
    results = page.locator(".search-result")
    expect(results).to_have_count(10)
    expect(results.first.locator("mark").first).to_have_text("Russia")
    assert page.locator(".search-result mark").count() >= 10

    page.get_by_label("Country or region").select_option(label="Belarus")
    page.get_by_label("Order", exact=True).select_option(label="Newest edition first")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert query_of(page.url) == {"q": ["Russia"], "region": ["belarus"], "sort": ["newest"]}
    expect(page.get_by_label("Country or region")).to_have_value("belarus")
    years = [int(y) for y in page.locator(".search-result__year").all_inner_texts()]
    assert years and years == sorted(years, reverse=True)
    expect(page.get_by_role("link", name="Clear the filters")).to_be_visible()

    page.goto("/en/search/?q=russia")
    page.get_by_role("navigation", name="Pages of results").get_by_role("link", name="Next").click()
    page.wait_for_load_state()
    assert query_of(page.url) == {"q": ["russia"], "page": ["2"]}
    expect(page.locator(".pagination [aria-current='page']")).to_contain_text("2")
    expect(page.locator(".search-results")).to_have_attribute("start", "11")


def test_a_lithuanian_reader_finds_other_forms_of_the_word(page: Page):
    page.goto("/lt/")
    box = page.get_by_role("search", name="Svetainės paieška").get_by_label("Ieškoti vertinimuose")
    box.fill("grėsmės")
    page.get_by_role("button", name="Ieškoti").click()
    page.wait_for_url("**/lt/paieska/?q=*")
    expect(page.locator("html")).to_have_attribute("lang", "lt")
    expect(page.locator(".search-summary")).to_contain_text("pagal užklausą „grėsmės“")
    marked = {text.casefold() for text in page.locator(".search-result mark").all_inner_texts()}
    assert "grėsmės" in marked and len(marked) > 1, marked  # grėsmių, grėsmę… found too


def test_nothing_found_says_so_and_suggests(page: Page):
    page.goto(SEARCHES["en-nothing"])
    expect(page.locator(".search-summary")).to_have_text("Nothing found for “gnss”.")
    suggestions = page.locator(".search-suggestions")
    expect(suggestions).to_contain_text("Without the filters there is 1 result.")
    suggestions.get_by_role("link", name="1 result").click()
    page.wait_for_url("**/en/search/?q=gnss")
    expect(page.locator(".search-result mark").first).to_have_text("GNSS")

    page.goto(SEARCHES["en-no-word"])
    suggestions = page.locator(".search-suggestions")
    suggestions.get_by_role("link", name="russia").click()
    page.wait_for_url("**/en/search/?q=russia")
    page.go_back()
    page.get_by_role("link", name="all the reports").click()
    page.wait_for_url("**/en/reports/")


@pytest.mark.parametrize("name", SEARCHES)
def test_search_pages_have_no_wcag_aa_violation(first_visit: Page, name: str):
    first_visit.goto(SEARCHES[name])
    assert first_visit.locator("dialog.consent").is_visible()
    results = axe.run(first_visit, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


def test_the_header_search_box_has_no_wcag_aa_violation_in_lithuanian(first_visit: Page):
    first_visit.goto("/lt/ataskaitos/")
    results = axe.run(first_visit, context=".site-header", options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


def test_the_search_fits_a_320_px_screen(browser: Browser, server: str):
    context = browser.new_context(base_url=server, viewport={"width": 320, "height": 640})
    page = context.new_page()
    for url in ("/en/reports/", SEARCHES["en-filtered"], SEARCHES["lt-results"]):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 320px"
    context.close()


def test_the_search_works_without_javascript(browser: Browser, server: str, policy_version: str):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    add_decided_consent(context, server, policy_version)
    page = context.new_page()
    page.goto("/en/")
    page.get_by_label("Search the assessments").fill("sabotage")
    page.get_by_role("search", name="Site search").get_by_role("button", name="Search").click()
    page.wait_for_url("**/en/search/?q=sabotage")
    expect(page.locator(".search-result").first).to_be_visible()
    page.get_by_label("Edition").select_option("2025")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**year=2025**")
    years = set(page.locator(".search-result__year").all_inner_texts())
    assert years <= {"2025"}
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_screenshots_of_the_search(
    browser: Browser, server: str, policy_version: str, screenshot_dir: Path, width: int
):
    context = browser.new_context(base_url=server, viewport={"width": width, "height": 900})
    add_decided_consent(context, server, policy_version)
    page = context.new_page()
    for name in ("en-results", "lt-results", "en-nothing"):
        page.goto(SEARCHES[name])
        page.screenshot(path=screenshot_dir / f"search-{name}-{width}.png", full_page=True)
    context.close()
