"""Editors in the Wagtail admin: the assessment editor, its footnote tool, choosers and preview
work, and nothing the admin does is blocked by the admin's Content Security Policy."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from .conftest import ADMIN, watch_csp

JUDGMENT = (
    "Russia has lost its main lever in the South Caucasus, but its military base, energy"
    " supplies and economic ties will keep giving it influence over Armenia for years to come."
)


@pytest.fixture
def csp_violations(page: Page) -> list[str]:
    """Violations the browser reports while the test runs (the test asserts there are none)."""
    return watch_csp(page)


@pytest.fixture
def script_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def log_in(page: Page, user: tuple[str, str] = ADMIN) -> None:
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(user[0])
    page.get_by_label("Password").fill(user[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def open_assessment(page: Page) -> None:
    page.goto("/admin/pages/search/?q=South+Caucasus")
    page.get_by_role(
        "link", name="Russia has lost its main lever in the South Caucasus"
    ).first.click()
    expect(page.locator("#id_title")).to_have_value(JUDGMENT)


def test_editor_opens_an_assessment_and_the_editor_loads_without_errors(
    page: Page, csp_violations: list[str], script_errors: list[str]
):
    log_in(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto("/admin/pages/")
    expect(page.get_by_role("table")).to_be_visible()
    open_assessment(page)
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
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    assert csp_violations == []
    assert script_errors == []


def test_image_chooser_schedule_actions_and_preview_work_under_the_admin_policy(
    page: Page, csp_violations: list[str], script_errors: list[str]
):
    log_in(page)
    open_assessment(page)
    # A new figure block, and the image chooser's modal with its search and upload tabs.
    page.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Figure").click()
    page.locator("[data-chooser-action-choose]:visible").first.click()
    chooser = page.get_by_role("dialog")
    expect(chooser.get_by_role("heading", name="Choose an image")).to_be_visible()
    chooser.get_by_role("tab", name="Upload").click()
    expect(chooser.get_by_label("Title")).to_be_visible()
    chooser.get_by_role("button", name="Close").click()
    # The publishing schedule's date picker (one of Wagtail's inline initialisers).
    page.get_by_role("button", name="Toggle status").click()
    page.get_by_role("button", name="Set schedule").click()
    page.locator("#id_go_live_at").click()
    expect(page.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})
    # The publish menu.
    page.get_by_role("button", name="More actions").click()
    expect(page.get_by_role("button", name="Publish")).to_be_visible()
    page.keyboard.press("Escape")
    # The live preview: the public page, framed by the admin despite X-Frame-Options DENY.
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_contain_text("Russia has lost its main")
    assert csp_violations == []
    assert script_errors == []


ADMIN_SCREENS = [
    "/admin/",
    "/admin/pages/",
    "/admin/images/",
    "/admin/documents/",
    "/admin/users/",
    "/admin/groups/",
    "/admin/workflows/list/",
    "/admin/workflows/tasks/index/",
    "/admin/settings/core/siteidentity/",
    "/admin/sites/",
    "/admin/locales/",
    "/admin/redirects/add/",
    "/admin/snippets/regions/region/add/",
    "/admin/reports/site-history/",
    "/admin/reports/aging-pages/",
    "/admin/account/",
]


def test_admin_screens_raise_no_csp_violation(page: Page, csp_violations: list[str], tmp_path):
    log_in(page)
    for path in ADMIN_SCREENS:
        response = page.goto(path)
        assert response is not None and response.ok, path
        page.wait_for_load_state("networkidle")
    # Uploading shows a thumbnail from a blob: URL; the image's edit view has the focal point
    # tool (Jcrop).
    image = tmp_path / "chart.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (32, 64, 128)).save(buffer, "PNG")
    image.write_bytes(buffer.getvalue())
    page.goto("/admin/images/multiple/add/")
    page.set_input_files("input[type=file]", str(image))
    expect(page.locator(".status-msg.success")).to_be_visible()
    delete_link = page.get_by_role("link", name="Delete").get_attribute("href")
    image_id = re.search(r"/multiple/(\d+)/delete/", delete_link or "").group(1)
    page.goto(f"/admin/images/{image_id}/")
    expect(page.locator(".focal-point-chooser")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert csp_violations == []


def test_footnote_dialog_is_for_editors_only(page: Page, server: str):
    response = page.request.get(f"{server}/footnotes/footnotes_modal/", max_redirects=0)
    assert response.status in {302, 403}


def test_on_a_phone_the_exports_screen_scrolls_its_table_not_the_page(browser, server: str):
    """At 390 px the exports table is wider than the screen: the table's own region scrolls
    (by keyboard too), so no Rebuild button is cut off and the page does not scroll sideways."""
    context = browser.new_context(base_url=server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page)
    page.goto("/admin/exports/")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    region = page.get_by_role("region", name=re.compile("^Exports of")).first
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")  # it does scroll
    button = region.get_by_role("button", name=re.compile("^Rebuild")).first
    button.scroll_into_view_if_needed()
    box, shown = button.bounding_box(), region.bounding_box()
    assert box["x"] >= shown["x"] - 1 and box["x"] + box["width"] <= shown["x"] + shown["width"] + 1
    context.close()
