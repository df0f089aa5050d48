"""Both languages in a real browser: the switcher leads from every page type to the same page in
the other language and back, the page then speaks that language (`<html lang>`, interface and
text), and a page without a translation says where the switcher leads instead."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import CRISIS_PATH
from .test_pages_in_browser import PAGES, WCAG_AA

CRISIS_LT = "/lt/ataskaitos/2026/kriziniai-regionai/rusija-neteko-pagrindinio-sverto-pietu-kaukaze/"
LITHUANIAN = {
    "home": "/lt/",
    "archive": "/lt/ataskaitos/",
    "edition": "/lt/ataskaitos/2026/",
    "summary": "/lt/ataskaitos/2026/santrauka/",
    "foreword": "/lt/ataskaitos/2026/pratarme/",
    "scale": "/lt/ataskaitos/2026/skale/",
    "chapter": "/lt/ataskaitos/2026/kriziniai-regionai/",
    "assessment": CRISIS_LT,
    "information": "/lt/prieinamumas/",
    "not-found": "/lt/reports/2026/no-such-chapter/",
}
# A word of the interface each language shows on every page (the skip link).
SKIP_LINK = {"en": "Skip to main content", "lt": "Pereiti prie pagrindinio turinio"}


def switch(page: Page, code: str) -> None:
    page.locator(f'.language-switcher a[lang="{code}"]').click()
    page.wait_for_load_state()


@pytest.mark.parametrize("name", PAGES)
def test_switching_language_keeps_the_reader_on_the_same_page(page: Page, server: str, name: str):
    english = PAGES[name]
    page.goto(english)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch(page, "lt")
    assert page.url == server + LITHUANIAN[name]
    expect(page.locator("html")).to_have_attribute("lang", "lt")
    expect(page.locator(".skip-link")).to_have_text(SKIP_LINK["lt"])
    expect(page.locator('.language-switcher [aria-current="true"]')).to_have_text("Lietuvių")
    switch(page, "en")
    assert page.url == server + english
    expect(page.locator(".skip-link")).to_have_text(SKIP_LINK["en"])


def test_the_lithuanian_assessment_reads_in_lithuanian(page: Page):
    page.goto(CRISIS_LT)
    expect(page.locator("h1")).to_contain_text("Rusija neteko pagrindinio sverto Pietų Kaukaze")
    expect(page.locator(".site-header__org")).to_have_text("Valstybinė vertinimų tarnyba")
    # hreflang alternates name both versions of the page (at the site's own address, as the
    # canonical link does).
    alternates = page.eval_on_selector_all(
        'link[rel="alternate"][hreflang]',
        "links => links.map(l => [l.hreflang, new URL(l.href).pathname])",
    )
    assert sorted(alternates) == [["en", CRISIS_PATH], ["lt", CRISIS_LT]]


def test_a_page_without_translation_says_where_the_switcher_leads(page: Page, server: str):
    page.goto("/en/reports/2025/")  # the demo's earlier editions are in English only
    link = page.locator('.language-switcher a[lang="lt"]')
    expect(link).to_contain_text("neišverstas")
    link.click()
    assert page.url == server + "/lt/"


@pytest.mark.parametrize("name", ["home", "assessment", "summary"])
def test_lithuanian_pages_have_no_wcag_aa_violation(first_visit: Page, name: str):
    first_visit.goto(LITHUANIAN[name])
    results = Axe().run(first_visit, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
