"""Release day in a real browser: the demo's Publisher schedules the unreleased 2027 edition from
the admin and watches it appear on the public site at the set second (the scheduler that `make
run` starts does the publishing; nothing else is called)."""

from __future__ import annotations

import datetime
import re
import time
import zoneinfo

from playwright.sync_api import Browser, Page, expect

from .conftest import ARTIFACTS, PUBLISHER, watch_csp
from .test_admin import log_in

VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")  # the demo site's time zone (settings.TIME_ZONE)
EDITION = "/en/reports/2027/"
ASSESSMENT = "/en/reports/2027/cyber-and-sabotage/sabotage-by-proxy-will-continue/"
EDITION_PDF = EDITION + "national-threat-assessment-2027.pdf"
LEAD_TIME = datetime.timedelta(seconds=15)


def status(page: Page, server: str, path: str) -> int:
    return page.request.get(server + path, max_redirects=0).status


def test_a_preview_link_shows_the_embargoed_edition_to_an_outsider(
    page: Page, browser: Browser, server: str
):
    violations = watch_csp(page)
    log_in(page, PUBLISHER)
    page.goto("/admin/releases/")
    page.get_by_role("row", name=re.compile("National Threat Assessment 2027")).get_by_role(
        "link", name="National Threat Assessment 2027"
    ).click()
    page.get_by_role("button", name="Actions").first.click()
    page.get_by_role("link", name="Preview link…").click()
    page.get_by_label("Recipient").fill("Office of the Minister")
    page.get_by_role("button", name="Create link").click()
    link = page.locator("[data-preview-link-url]").input_value()
    assert link.startswith(f"{server}/preview/")
    assert violations == []

    # Someone without an account opens it in a browser of their own.
    outsider = browser.new_context()
    try:
        reader = outsider.new_page()
        reader.goto(link)
        expect(reader.get_by_role("heading", level=1)).to_have_text(
            "National Threat Assessment 2027"
        )
        reader.get_by_role("link", name=re.compile("recruiting criminals")).first.click()
        assert reader.url.startswith(link)  # still inside the preview
        expect(reader.get_by_role("heading", level=1)).to_contain_text("recruiting criminals")
        # The same page at its public address does not exist yet.
        assert reader.request.get(server + ASSESSMENT, max_redirects=0).status == 404
    finally:
        outsider.close()

    page.goto("/admin/preview-links/")
    page.get_by_role("link", name="Office of the Minister").click()
    expect(page.get_by_role("table")).to_contain_text("/cyber-and-sabotage/sabotage-by-proxy")


def test_publisher_schedules_the_next_edition_and_watches_it_go_live(page: Page, server: str):
    violations = watch_csp(page)
    assert status(page, server, EDITION) == 404
    log_in(page, PUBLISHER)
    page.goto("/admin/releases/")
    row = page.get_by_role("row", name=re.compile("National Threat Assessment 2027"))
    expect(row).to_contain_text("Draft")
    row.get_by_role("link", name="Release…").click()
    expect(
        page.get_by_role("heading", name="Release National Threat Assessment 2027")
    ).to_be_visible()

    go_live = (datetime.datetime.now(datetime.UTC) + LEAD_TIME).replace(microsecond=0)
    local = go_live.astimezone(VILNIUS)
    page.get_by_label("Release at").fill(local.strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_role("button", name="Schedule release").click()
    expect(page.get_by_text(re.compile(r"\d+ pages? scheduled for"))).to_contain_text(
        local.strftime("%Y-%m-%d %H:%M:%S") + " (Europe/Vilnius)"
    )
    expect(page.locator("[data-release-state]")).to_contain_text("Scheduled")

    # Embargoed until the second it was set for, its PDF too (the worker prepares it meanwhile)...
    assert status(page, server, EDITION) == 404
    assert status(page, server, ASSESSMENT) == 404
    assert status(page, server, EDITION_PDF) == 404
    # ...then public within seconds, as a whole.
    deadline = time.monotonic() + LEAD_TIME.total_seconds() + 20
    while status(page, server, ASSESSMENT) != 200:
        assert time.monotonic() < deadline, "the edition did not go live"
        time.sleep(0.1)
    delay = datetime.datetime.now(datetime.UTC) - go_live
    assert status(page, server, EDITION) == 200
    # The PDF was prepared before the embargo lifted: served at once, not "being prepared".
    assert status(page, server, EDITION_PDF) == 200
    (ARTIFACTS / "release-delay.txt").write_text(
        f"scheduled {go_live.isoformat()} public after {delay.total_seconds():.2f} s\n"
    )
    print(f"Edition public {delay.total_seconds():.2f} s after its scheduled time")

    page.goto("/en/")
    expect(page.get_by_role("link", name="National Threat Assessment 2027").first).to_be_visible()
    page.goto(ASSESSMENT)
    expect(page.get_by_role("heading", level=1)).to_contain_text("recruiting criminals")
    page.goto("/admin/releases/")
    expect(
        page.get_by_role("row", name=re.compile("National Threat Assessment 2027"))
    ).to_contain_text("Public")
    assert violations == []  # the release screens work under the admin CSP
