"""An editor can open the demo assessment in the Wagtail admin, with the footnote tool working."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import ADMIN


def log_in(page: Page) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(ADMIN[0])
    page.get_by_label("Password").fill(ADMIN[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_editor_opens_an_assessment_and_the_editor_loads_without_errors(page: Page):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page)
    page.goto("/admin/pages/search/?q=South+Caucasus")
    page.get_by_role(
        "link", name="Russia has lost its main lever in the South Caucasus"
    ).first.click()
    expect(page.locator("#id_title")).to_have_value(
        "Russia has lost its main lever in the South Caucasus, but its military base, energy"
        " supplies and economic ties will keep giving it influence over Armenia for years to come."
    )
    probability = page.locator("select[name='probability']")
    assert probability.locator("option").all_inner_texts() == [
        "— none —",
        "Unlikely (<25%)",
        "Possible (25–50%)",
        "Likely (50–75%)",
        "Highly likely (>75%)",
    ]
    expect(probability).to_have_value("likely")
    # wagtail-footnotes' control sits in the rich-text toolbar and lists the page's sources.
    page.locator(".Draftail-Editor .public-DraftEditor-content").first.click()
    page.keyboard.press("End")
    page.keyboard.press("Shift+ArrowLeft")
    page.locator(".Draftail-ToolbarButton[name=FOOTNOTES]").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Choose a footnote")).to_be_visible()
    expect(dialog.get_by_text("peacekeeping contingent, 12 June 2024")).to_be_visible()
    assert errors == []


def test_footnote_dialog_is_for_editors_only(page: Page, server: str):
    response = page.request.get(f"{server}/footnotes/footnotes_modal/", max_redirects=0)
    assert response.status in {302, 403}
