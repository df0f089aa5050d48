"""The consent dialog in a real browser, on every path a reader can take.

The server registers a statistics script (a stand-in on another loopback port, see conftest.py)
that sets the cookie `tp_stats_demo` and reports a hit. Each test checks, with the browser's
cookie jar and its network log, that exactly what the choice permits happens, and reads the
server's consent log for the decision.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .conftest import CONSENT_COOKIE, CRISIS_PATH, STATS_COOKIE
from .test_pages_in_browser import WCAG_AA

CHAPTER_PATH = "/en/reports/2026/crisis-regions/"
BUILT_IN = {CONSENT_COOKIE, "csrftoken", "sessionid", "messages", "wagtail_sidebar_collapsed"}


@dataclass
class Visit:
    context: BrowserContext
    page: Page
    stats_origin: str
    requests: list[str] = field(default_factory=list)
    # What the Content-Security-Policy blocked, and script errors.
    errors: list[str] = field(default_factory=list)

    def cookies(self) -> dict[str, str]:
        return {cookie["name"]: cookie["value"] for cookie in self.context.cookies()}

    def consent_id(self) -> str:
        return self.cookies()[CONSENT_COOKIE].split(".")[1]

    def stats_requests(self) -> list[str]:
        return [url for url in self.requests if url.startswith(self.stats_origin)]

    def forget_requests(self) -> None:
        self.requests.clear()

    def go(self, path: str) -> None:
        self.page.goto(path, wait_until="networkidle")

    @property
    def dialog(self):
        return self.page.get_by_role("dialog", name="Cookies on this site")

    def choose(self, label: str) -> None:
        with self.page.expect_navigation(wait_until="networkidle"):
            self.dialog.get_by_role("button", name=label).click()


def open_visit(browser: Browser, server: str, stats_server: str, **options) -> Visit:
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(base_url=server, **options)
    visit = Visit(context, context.new_page(), stats_server)
    visit.page.on("request", lambda request: visit.requests.append(request.url))
    visit.page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and visit.errors.append(message.text)
        ),
    )
    visit.page.on("pageerror", lambda error: visit.errors.append(str(error)))
    return visit


@pytest.fixture
def visit(browser: Browser, server: str, stats_server: str) -> Iterator[Visit]:
    visit = open_visit(browser, server, stats_server)
    yield visit
    visit.context.close()


@pytest.fixture
def visit_without_js(browser: Browser, server: str, stats_server: str) -> Iterator[Visit]:
    visit = open_visit(browser, server, stats_server, java_script_enabled=False)
    yield visit
    visit.context.close()


def assert_statistics_loaded(visit: Visit) -> None:
    urls = visit.stats_requests()
    assert any(url.endswith("/stats.js") for url in urls), visit.requests
    assert any("/hit?path=" in url for url in urls), visit.requests
    assert STATS_COOKIE in visit.cookies()


def test_first_visit_sets_no_cookie_and_loads_nothing_optional(visit: Visit):
    visit.go(CRISIS_PATH)
    expect(visit.dialog).to_be_visible()
    assert visit.cookies() == {}
    assert visit.stats_requests() == []
    visit.go(CHAPTER_PATH)  # reading on is not consent
    assert visit.cookies() == {} and visit.stats_requests() == []
    expect(visit.dialog).to_be_visible()


def test_allow_all(visit: Visit, consent_log):
    visit.go(CRISIS_PATH)
    visit.choose("Allow all cookies")
    assert visit.page.url.endswith(CRISIS_PATH)  # back on the page being read
    expect(visit.dialog).to_be_hidden()
    assert set(visit.cookies()) == {CONSENT_COOKIE, STATS_COOKIE}
    assert visit.cookies()[CONSENT_COOKIE].endswith(".statistic")
    assert_statistics_loaded(visit)
    assert visit.errors == []  # the script and its report were allowed by the policy
    assert consent_log(visit.consent_id()) == [
        ("accept_all", {"functional": False, "statistic": True})
    ]


def test_reject_all(visit: Visit, consent_log):
    visit.go(CRISIS_PATH)
    visit.choose("Reject all")
    expect(visit.dialog).to_be_hidden()
    assert set(visit.cookies()) == {CONSENT_COOKIE}
    assert visit.cookies()[CONSENT_COOKIE].endswith(".-")
    visit.go(CHAPTER_PATH)
    expect(visit.dialog).to_be_hidden()  # the refusal is remembered
    assert visit.stats_requests() == []
    assert set(visit.cookies()) == {CONSENT_COOKIE}
    assert consent_log(visit.consent_id()) == [
        ("reject_all", {"functional": False, "statistic": False})
    ]


def test_settings_with_a_mix(visit: Visit, consent_log):
    visit.go(CRISIS_PATH)
    dialog = visit.dialog
    settings = dialog.get_by_role("button", name="Settings")
    expect(settings).to_have_attribute("aria-expanded", "false")
    settings.click()
    expect(settings).to_have_attribute("aria-expanded", "true")
    necessary = dialog.get_by_role("switch", name="Strictly necessary")
    functional = dialog.get_by_role("switch", name="Functional")
    statistics = dialog.get_by_role("switch", name="Statistics")
    expect(necessary).to_be_checked()
    expect(necessary).to_be_disabled()
    expect(functional).not_to_be_checked()
    expect(functional).to_be_disabled()  # currently unused: nothing to allow
    expect(dialog).to_contain_text("(currently unused)")
    expect(statistics).not_to_be_checked()  # nothing pre-ticked
    statistics.check()
    visit.choose("Save my choices")
    assert set(visit.cookies()) == {CONSENT_COOKIE, STATS_COOKIE}
    assert_statistics_loaded(visit)
    assert consent_log(visit.consent_id()) == [("custom", {"functional": False, "statistic": True})]


def test_withdraw_is_as_easy_as_giving(visit: Visit, consent_log):
    visit.go(CRISIS_PATH)
    visit.choose("Allow all cookies")
    assert_statistics_loaded(visit)
    consent_id = visit.consent_id()
    # The footer's Cookie settings reopens the dialog with the current choice ticked.
    visit.page.get_by_role("button", name="Cookie settings").click()
    expect(visit.dialog).to_be_visible()
    expect(visit.dialog.get_by_role("switch", name="Statistics")).to_be_checked()
    visit.forget_requests()
    visit.choose("Reject all")
    assert set(visit.cookies()) == {CONSENT_COOKIE}  # the statistics cookie went with it
    visit.go(CHAPTER_PATH)
    assert visit.stats_requests() == []
    assert visit.consent_id() == consent_id
    assert [action for action, _ in consent_log(consent_id)] == ["accept_all", "withdraw"]
    assert consent_log(consent_id)[-1][1] == {"functional": False, "statistic": False}


def test_without_javascript_the_dialog_is_a_working_form(visit_without_js: Visit, consent_log):
    visit = visit_without_js
    visit.go(CRISIS_PATH)
    expect(visit.dialog).to_be_visible()
    # Settings is a link to the settings page (its in-place button needs script).
    visit.dialog.get_by_role("link", name="Settings").click()
    visit.page.wait_for_load_state("networkidle")
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Cookie settings")
    visit.page.get_by_role("switch", name="Statistics").check()
    with visit.page.expect_navigation():
        visit.page.get_by_role("button", name="Save my choices").click()
    assert visit.page.url.endswith(CRISIS_PATH)  # found its way back without script
    expect(visit.dialog).to_be_hidden()
    # Allowed, but a script cannot run without JavaScript: nothing is requested.
    assert visit.cookies()[CONSENT_COOKIE].endswith(".statistic")
    assert visit.stats_requests() == [] and STATS_COOKIE not in visit.cookies()
    # The footer link leads to the same page, where the choice can be taken back.
    visit.page.get_by_role("link", name="Cookie settings").click()
    expect(visit.page.get_by_role("switch", name="Statistics")).to_be_checked()
    with visit.page.expect_navigation():
        visit.page.get_by_role("button", name="Reject all").click()
    assert visit.cookies()[CONSENT_COOKIE].endswith(".-")
    assert [action for action, _ in consent_log(visit.consent_id())] == ["custom", "withdraw"]


def test_without_javascript_allow_all_works_from_the_dialog(visit_without_js: Visit, consent_log):
    visit = visit_without_js
    visit.go(CRISIS_PATH)
    visit.choose("Allow all cookies")
    assert visit.page.url.endswith(CRISIS_PATH)
    expect(visit.dialog).to_be_hidden()
    assert set(visit.cookies()) == {CONSENT_COOKIE}
    assert consent_log(visit.consent_id())[0][0] == "accept_all"


def test_keyboard_focus_moves_into_the_dialog_and_back(visit: Visit):
    page = visit.page
    visit.go(CRISIS_PATH)
    # The dialog comes first: Tab goes through its policy link to its first choice.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Cookie policy"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Allow all cookies"
    page.keyboard.press("Escape")
    expect(visit.dialog).to_be_hidden()
    assert page.evaluate("document.activeElement.closest('dialog') === null")
    assert page.evaluate("document.activeElement.id") == "main-content"
    assert visit.cookies() == {}  # closing is not deciding...
    visit.go(CHAPTER_PATH)
    expect(visit.dialog).to_be_visible()  # ...so it asks again on the next page
    page.keyboard.press("Escape")
    # From the footer: focus goes into the dialog, and back to the button on Escape.
    button = page.get_by_role("button", name="Cookie settings")
    button.focus()
    page.keyboard.press("Enter")
    expect(visit.dialog).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "consent-dialog"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    page.keyboard.press("Escape")
    expect(visit.dialog).to_be_hidden()
    expect(button).to_be_focused()


def test_the_open_dialog_has_no_wcag_aa_violation(visit: Visit):
    visit.go(CRISIS_PATH)
    axe = Axe()
    results = axe.run(visit.page, context="#consent-dialog", options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
    visit.dialog.get_by_role("button", name="Settings").click()
    results = axe.run(visit.page, context="#consent-dialog", options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


def test_settings_page_has_no_wcag_aa_violation(visit: Visit):
    # (axe is a script itself, so this page, made for readers without script, is scanned with it.)
    visit.go("/en/consent/")
    results = Axe().run(visit.page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()


# The longest Lithuanian key judgment of the demo, and the English model page.
LONG_LT_PATH = (
    "/lt/ataskaitos/2026/informacines-gresmes/automatizacija-didina-rusijos-itakos-operaciju-masta/"
)
PHONES = [(390, 844), (360, 740), (320, 640)]


def open_phone(browser: Browser, server: str, stats_server: str, width: int, height: int):
    return open_visit(
        browser,
        server,
        stats_server,
        viewport={"width": width, "height": height},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        reduced_motion="reduce",
    )


@pytest.mark.parametrize(("width", "height"), PHONES)
@pytest.mark.parametrize("path", [CRISIS_PATH, LONG_LT_PATH, "/en/", "/en/reports/2026/summary/"])
def test_on_a_phone_the_dialog_covers_nothing(
    browser: Browser, server: str, stats_server: str, screenshot_dir, path, width, height
):
    """A key judgment is a whole sentence, taller than what a sheet at the foot of a phone's
    screen leaves free: there the dialog comes first in the page's flow, above the header, and
    covers nothing (nor hides a link the keyboard reaches). Its buttons stay equal and whole."""
    visit = open_phone(browser, server, stats_server, width, height)
    visit.go(path)
    sheet = visit.page.locator("#consent-dialog")  # named in the page's language
    heading = visit.page.locator("h1").bounding_box()
    dialog = sheet.bounding_box()
    assert sheet.evaluate("d => getComputedStyle(d).position") != "fixed"
    assert dialog["y"] + dialog["height"] <= heading["y"], (heading, dialog)
    if width >= 360 and path != "/en/":
        # The key judgment starts on the first screen, under the dialog and a compact header.
        assert heading["y"] + 60 <= height, heading
    assert visit.page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # Allow, Reject and Settings: one size and one weight, none of them clipped.
    buttons = sheet.locator(".consent__button:visible")
    boxes = [buttons.nth(i).bounding_box() for i in range(buttons.count())]
    assert len(boxes) == 3
    assert max(b["width"] for b in boxes) - min(b["width"] for b in boxes) < 1
    assert max(b["height"] for b in boxes) - min(b["height"] for b in boxes) < 1
    styles = [
        buttons.nth(i).evaluate(
            "b => { const s = getComputedStyle(b);"
            " return [s.fontWeight, s.fontSize, s.backgroundColor, s.color]; }"
        )
        for i in range(3)
    ]
    assert styles.count(styles[0]) == 3, styles
    assert buttons.evaluate_all("bs => bs.every(b => b.scrollWidth <= b.clientWidth)")
    if path == CRISIS_PATH and width == 360:
        visit.page.screenshot(path=str(screenshot_dir / "consent-phone.png"))
    visit.context.close()


def test_on_a_phone_cookie_settings_opens_a_sheet_where_the_reader_is(
    browser: Browser, server: str, stats_server: str
):
    """Reopened from the foot of the page, the dialog is a sheet at the foot of the window, not
    back at the top of the page."""
    visit = open_phone(browser, server, stats_server, 360, 740)
    visit.go(CRISIS_PATH)
    visit.choose("Reject all")
    opener = visit.page.get_by_role("button", name="Cookie settings")
    opener.scroll_into_view_if_needed()
    opener.click()
    expect(visit.dialog).to_be_visible()
    assert visit.dialog.evaluate("d => getComputedStyle(d).position") == "fixed"
    box = visit.dialog.bounding_box()
    assert abs(box["y"] + box["height"] - 740) < 1
    visit.page.keyboard.press("Escape")
    expect(visit.dialog).to_be_hidden()
    assert visit.page.evaluate("document.activeElement.textContent.trim()") == "Cookie settings"
    visit.context.close()


@pytest.mark.parametrize("height", [900, 600])
def test_what_the_keyboard_reaches_is_never_hidden_under_the_sheet(
    browser: Browser, server: str, stats_server: str, height: int
):
    """WCAG 2.4.11: with the sheet open along the foot of a desktop window, every control a
    reader tabs to is scrolled into view above it."""
    visit = open_visit(
        browser,
        server,
        stats_server,
        viewport={"width": 1280, "height": height},
        reduced_motion="reduce",
    )
    visit.go(CRISIS_PATH)
    seen = 0
    for _ in range(45):
        visit.page.keyboard.press("Tab")
        where = visit.page.evaluate(
            """() => { const d = document.querySelector('dialog.consent');
              const a = document.activeElement;
              if (!d.open || d.contains(a) || a === document.body) return null;
              const r = a.getBoundingClientRect();
              return {name: (a.textContent || a.tagName).trim().slice(0, 40),
                      top: r.top, bottom: r.bottom, sheet: d.getBoundingClientRect().top}; }"""
        )
        if where is None:
            continue
        seen += 1
        if where["bottom"] - where["top"] < where["sheet"]:  # fits above the sheet: all of it
            assert where["bottom"] <= where["sheet"] + 1, where
        else:  # taller than the room above the sheet: not hidden entirely
            assert where["top"] < where["sheet"], where
    assert seen > 30
    visit.context.close()


def test_dialog_screenshots(visit: Visit, screenshot_dir):
    visit.go(CRISIS_PATH)
    visit.page.screenshot(path=str(screenshot_dir / "consent-1280.png"))
    visit.dialog.get_by_role("button", name="Settings").click()
    visit.page.screenshot(path=str(screenshot_dir / "consent-settings-1280.png"))


def test_a_form_on_another_site_cannot_decide_for_the_reader(
    visit: Visit, server: str, stats_server: str, consent_log
):
    decisions = len(consent_log())
    visit.page.goto(f"{stats_server}/forge?target={server}/en/consent/")
    with visit.page.expect_navigation():
        visit.page.get_by_role("button", name="Win a prize").click()
    expect(visit.page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    assert visit.cookies() == {}
    assert len(consent_log()) == decisions


def test_the_cookie_policy_lists_every_registered_cookie_and_script(
    first_visit: Page, screenshot_dir
):
    first_visit.goto("/en/cookies/")
    first_visit.keyboard.press("Escape")
    first_visit.screenshot(path=str(screenshot_dir / "consent-policy-1280.png"), full_page=True)
    names = set(first_visit.locator(".cookie-table tbody th code").all_inner_texts())
    assert names == BUILT_IN | {STATS_COOKIE, "stats.js", "site.js", "consent.js"}
    expect(first_visit.locator("#cookies-functional + p + p")).to_contain_text("Currently unused.")
