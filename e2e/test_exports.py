"""PDF and audio in a real browser, built by the export worker that `make run` starts beside
gunicorn (nothing here calls a builder): the buttons say "being prepared" until the worker is
done, then offer the files, and the player plays the recording and seeks in it."""

from __future__ import annotations

import io
import re
import time

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .conftest import ARTIFACTS, CRISIS_PATH, PUBLISHER, watch_csp
from .test_admin import log_in
from .test_pages_in_browser import WCAG_AA

EDITION = "/en/reports/2026/"
EDITION_PDF = EDITION + "national-threat-assessment-2026.pdf"
EDITION_PRINT_PDF = EDITION + "national-threat-assessment-2026-print.pdf"
ASSESSMENT_SLUG = CRISIS_PATH.rstrip("/").rsplit("/", 1)[1]
ASSESSMENT_MP3 = f"{CRISIS_PATH}{ASSESSMENT_SLUG}-2026.mp3"
# The worker builds the demo's PDFs in seconds; its audio (espeak-ng) takes longer on 2 cores.
WAIT = 240


def wait_for(page: Page, server: str, path: str) -> None:
    """Until the worker has made the file (a reader would meanwhile see "being prepared")."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        status = page.request.get(server + path, max_redirects=0).status
        if status == 200:
            return
        assert status == 503, f"{path} answered {status}"
        time.sleep(1)
    raise AssertionError(f"{path} was not built within {WAIT} s")


def test_the_edition_pdf_is_offered_and_is_the_edition(page: Page, server: str):
    wait_for(page, server, EDITION_PDF)
    wait_for(page, server, EDITION_PRINT_PDF)
    page.goto(EDITION)
    link = page.get_by_role(
        "link", name=re.compile(r"^Download PDF \(PDF, [\d.]+ [KM]B, \d+ pages\)$")
    )
    expect(link).to_be_visible()
    assert link.get_attribute("href") == EDITION_PDF
    response = page.request.get(server + EDITION_PDF)
    assert response.headers["content-type"] == "application/pdf"
    assert (
        'filename="national-threat-assessment-2026.pdf"' in response.headers["content-disposition"]
    )
    data = response.body()
    (ARTIFACTS / "exports").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "exports" / "national-threat-assessment-2026.pdf").write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "National Threat Assessment 2026"
    assert [item.title for item in reader.outline if not isinstance(item, list)][:1]
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Russia has lost its main lever in the South Caucasus" in text
    # The printing edition sits beside it.
    printing = page.get_by_role("link", name=re.compile(r"^PDF for printing"))
    expect(printing).to_have_attribute("href", EDITION_PRINT_PDF)


def test_the_player_plays_the_assessment_and_seeks_with_range_requests(page: Page, server: str):
    wait_for(page, server, ASSESSMENT_MP3)
    ranges = []
    page.on(
        "response",
        lambda r: ranges.append(r.status) if r.url.endswith(".mp3") else None,
    )
    page.goto(CRISIS_PATH)
    player = page.locator("audio.listen__player")
    expect(player).to_be_visible()
    label = page.locator(".listen__label").inner_text()
    minutes, seconds = re.search(r"(?:(\d+) min )?(\d+) s\)", label).groups()
    shown = int(minutes or 0) * 60 + int(seconds)
    duration = page.evaluate(
        """async () => {
          const audio = document.querySelector("audio.listen__player");
          audio.preload = "auto";
          audio.load();
          await new Promise((ok, fail) => {
            audio.addEventListener("loadedmetadata", ok, { once: true });
            audio.addEventListener("error", () => fail(String(audio.error && audio.error.code)));
          });
          return audio.duration;
        }"""
    )
    assert shown > 5 and abs(duration - shown) <= 2, (duration, label)
    # Seek near the end: the browser fetches that part only.
    page.evaluate(
        """async () => {
          const audio = document.querySelector("audio.listen__player");
          audio.muted = true;
          audio.currentTime = audio.duration - 2;
          await new Promise((ok) => audio.addEventListener("seeked", ok, { once: true }));
        }"""
    )
    assert 206 in ranges, ranges
    axe = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]})
    assert axe.violations_count == 0, axe.generate_report()


def test_the_archive_offers_pdf_and_listen_beside_read(page: Page, server: str):
    wait_for(page, server, EDITION_PDF)
    page.goto("/en/reports/")
    item = page.locator(".archive__item", has_text="National Threat Assessment 2026")
    expect(item.get_by_role("link", name=re.compile(r"^PDF 2026"))).to_have_attribute(
        "href", EDITION_PDF
    )


def test_a_publisher_sees_each_files_state_and_asks_for_a_rebuild(
    page: Page, server: str, screenshot_dir
):
    wait_for(page, server, EDITION_PDF)
    violations = watch_csp(page)
    log_in(page, PUBLISHER)
    menu = page.get_by_role("navigation", name="Main menu")
    menu.get_by_role("link", name="Exports").click()
    expect(page.get_by_role("heading", name="National Threat Assessment 2026")).to_be_visible()
    table = page.get_by_role("table", name="Exports of National Threat Assessment 2026")
    edition_pdf = table.get_by_role("row").filter(has_text="PDF for printing").first
    expect(edition_pdf).to_contain_text("Ready")
    expect(edition_pdf).to_contain_text("typst")
    results = Axe().run(page, context={"include": [[".exports-screen"]]}, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
    page.screenshot(path=str(screenshot_dir / "admin-exports-1280.png"))
    edition_pdf.get_by_role("button", name=re.compile("^Rebuild")).click()
    expect(page.get_by_text(re.compile("will be made again"))).to_be_visible()
    assert violations == []
