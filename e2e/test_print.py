"""Print: every public page type on paper, as Chromium prints it with print media (A4, the page's
own @page rules), read back from the PDF with pypdf. The PDFs go to artifacts/print/.

Pages are visited by one first-time reader, so the consent dialog is open on screen and must not
reach the paper either."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from .conftest import ADMIN, ARTIFACTS, CRISIS_PATH
from .test_admin import log_in

# What a reader sees around the content on screen, as the screen shows it, and must not find on
# paper. The breadcrumb trail is labelled "You are here" for screen readers only; its first
# link, "Home", is what the eye sees.
SKIP_LINK = ("Skip to main content",)
NAV = ("All reports",)
FOOTER = ("Cookie settings", "Cookie policy", "Published with ThreatPress")
DIALOG = ("Cookies on this site", "Allow all cookies", "Reject all")
SETTINGS_FORM = ("Save my choices", "Allow all cookies", "Reject all")
CRUMBS = ("Home",)
SKIP_LINK_LT = ("Pereiti prie pagrindinio turinio",)
FOOTER_LT = (
    "Slapukų nustatymai",
    "Paskelbta naudojant atvirojo kodo programinę įrangą ThreatPress",
)
DIALOG_LT = ("Slapukai šioje svetainėje", "Leisti visus slapukus", "Atmesti visus")
SETTINGS_LT = ("Išsaugoti pasirinkimą", "Leisti visus slapukus", "Atmesti visus")
EN = (*SKIP_LINK, *NAV, *FOOTER, *DIALOG)
ASSESSMENT_CONTROLS = (
    # The actions (the PDF's note says "being prepared" or gives its size, as the worker goes).
    *("Download PDF", "Print"),
    "NEXT",  # the pager, in capitals (the chapter's first assessment has no PREVIOUS)
    "All chapters of 2026",  # the aside
)


@dataclass(frozen=True)
class Paper:
    path: str
    chrome: tuple[str, ...]


PAGES = {
    "home": Paper("/en/", EN),
    "archive": Paper("/en/reports/", (*EN, *CRUMBS)),
    "edition": Paper("/en/reports/2026/", (*EN, *CRUMBS)),
    "summary": Paper("/en/reports/2026/summary/", (*EN, *CRUMBS)),
    "foreword": Paper("/en/reports/2026/foreword/", (*EN, *CRUMBS)),
    "scale": Paper("/en/reports/2026/scale/", (*EN, *CRUMBS)),
    "chapter": Paper("/en/reports/2026/crisis-regions/", (*EN, *CRUMBS)),
    "assessment": Paper(CRISIS_PATH, (*EN, *CRUMBS, *ASSESSMENT_CONTROLS)),
    "information": Paper("/en/accessibility/", (*EN, *CRUMBS)),
    # The cookie policy explains the dialog and the footer link: their words are its content.
    "cookie-policy": Paper(
        "/en/cookies/", (*SKIP_LINK, *NAV, "Cookie policy", "Published with ThreatPress", *CRUMBS)
    ),
    # The settings page is the dialog without script: no dialog, the same buttons in a form.
    "consent-settings": Paper(
        "/en/consent/",
        (*SKIP_LINK, *NAV, "Cookie policy", "Published with ThreatPress", *SETTINGS_FORM),
    ),
    "not-found": Paper("/en/reports/2026/no-such-chapter/", EN),
    # The demo has no Lithuanian page yet: /lt/ is the 404 page, /lt/slapukai/ the settings, and
    # without a Lithuanian home the header and footer have no links but the cookie settings.
    # Their chrome is in Lithuanian.
    "lt-not-found": Paper("/lt/", (*SKIP_LINK_LT, *FOOTER_LT, *DIALOG_LT)),
    "lt-consent-settings": Paper("/lt/slapukai/", (*SKIP_LINK_LT, *FOOTER_LT[1:], *SETTINGS_LT)),
}

# Print media stylesheets do not hold up the load event; images outside the viewport are loaded
# lazily. Chromium prints what it has, so wait until both are there (a state, not a delay).
READY_FOR_PAPER = """() =>
  Array.from(document.querySelectorAll("link[rel=stylesheet]")).every((link) => link.sheet)
  && Array.from(document.images).every((img) => img.complete)"""

# The printable area of A4 with print.css's margins (20 mm top, 22 mm bottom), in PDF points:
# text outside it is the running header or the page number.
MM = 72 / 25.4
CONTENT_TOP = 842 - 20 * MM
CONTENT_BOTTOM = 22 * MM


@pytest.fixture(scope="module")
def reader(browser: Browser, server: str) -> Iterator[Page]:
    """One first-time reader for the module: no consent cookie, so the dialog is open."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def visit(page: Page, path: str) -> None:
    page.emulate_media(media="screen")
    page.goto(path)


def print_pdf(page: Page, name: str) -> PdfReader:
    """Print the page as Chromium prints it, keep the PDF in artifacts/print/ and read it back."""
    page.emulate_media(media="print")
    page.wait_for_function(READY_FOR_PAPER)
    data = page.pdf(prefer_css_page_size=True)
    out = ARTIFACTS / "print"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.pdf").write_bytes(data)
    return PdfReader(io.BytesIO(data))


def normal(text: str) -> str:
    """Text as pypdf reads it and as the DOM has it, made comparable: ligatures (ﬁ, ﬃ) split,
    the font's apostrophe glyph read back as the typographic one, runs of white space as one."""
    text = unicodedata.normalize("NFKC", text).replace("\u02bc", "\u2019")
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """Without any white space: a long address may be wrapped anywhere on paper."""
    return "".join(normal(text).split())


def shows(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def site_root(page: Page) -> str:
    """The site's address as its canonical links have it: what printed internal links begin with."""
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    return re.match(r"https?://[^/]+", canonical).group()


def lines_by_page(reader: PdfReader) -> list[list[tuple[float, str]]]:
    """Each page's runs of text inside the printable area, as (height from the foot, text), in
    the order Chromium drew them."""
    pages = []
    for page in reader.pages:
        runs: list[tuple[float, str]] = []

        def visit_text(text, cm, tm, font, size, runs=runs):
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if text.strip() and CONTENT_BOTTOM < y < CONTENT_TOP:
                runs.append((y, normal(text)))

        page.extract_text(visitor_text=visit_text)
        pages.append(runs)
    return pages


def content_text(reader: PdfReader) -> str:
    """The printed text without the running header and page numbers (on the edition's pages the
    header repeats the title that is also their h1)."""
    return normal(" ".join(text for runs in lines_by_page(reader) for _, text in runs))


@pytest.mark.parametrize("name", PAGES)
def test_page_prints_its_content_and_none_of_the_chrome(reader: Page, name: str):
    paper = PAGES[name]
    visit(reader, paper.path)
    h1 = normal(reader.locator("h1").inner_text())
    on_screen = normal(reader.locator("body").inner_text())
    for chrome in paper.chrome:
        # The check below can only fail if the words are really there to be hidden.
        assert shows(on_screen, chrome), f"{chrome!r} is not on the screen of {name}"

    text = content_text(print_pdf(reader, name))

    assert squeezed(h1) in squeezed(text)
    for chrome in paper.chrome:
        assert not shows(text, chrome), f"{chrome!r} is printed on {name}"
    # Every printed link target is a whole address: no bare path, no in-page anchor.
    assert " (/" not in text
    assert not re.search(r"\((?:https?:|mailto:)[^)\s]*#", squeezed(text))


def test_assessment_keeps_its_summary_set_off_under_the_judgment(reader: Page):
    visit(reader, CRISIS_PATH)
    summary = reader.locator(".assessment__summary")
    summary_text = normal(summary.inner_text())
    reader.emulate_media(media="print")
    expect(summary).to_be_visible()
    assert summary.evaluate("el => getComputedStyle(el).borderLeftStyle") == "solid"
    assert int(summary.evaluate("el => getComputedStyle(el).fontWeight")) >= 700

    text = content_text(print_pdf(reader, "assessment-summary"))
    judgment = normal(reader.locator("h1").inner_text())
    assert squeezed(judgment + summary_text) in squeezed(text)


def test_players_and_download_controls_are_not_printed(reader: Page):
    """The exports (issue 4) add audio players and more actions; whatever class they carry of
    these, paper leaves them out."""
    visit(reader, CRISIS_PATH)
    reader.evaluate(
        """() => {
          const body = document.querySelector(".assessment__body");
          const listen = document.createElement("div");
          listen.className = "listen";
          listen.textContent = "Listen to this assessment";
          const player = document.createElement("audio");
          player.controls = true;
          body.prepend(listen, player);
        }"""
    )
    reader.emulate_media(media="print")
    for selector in (".listen", "audio", ".actions", "button"):
        for element in reader.locator(selector).all():
            expect(element).to_be_hidden()
    assert "Listen to this assessment" not in content_text(print_pdf(reader, "assessment-players"))


def test_link_targets_are_printed_after_the_link_text(reader: Page):
    visit(reader, "/en/accessibility/")
    # The demo's rich text links to no page of the site; add one as Wagtail expands it.
    reader.evaluate(
        """() => {
          const link = document.createElement("a");
          link.href = "/en/reports/2026/scale/";
          link.textContent = "the probability scale";
          const paragraph = document.createElement("p");
          paragraph.append("Read ", link, " first.");
          document.querySelector("main .prose").prepend(paragraph);
        }"""
    )
    external = reader.get_by_role("link", name="Web Content Accessibility Guidelines (WCAG) 2.2")
    internal = reader.get_by_role("link", name="the probability scale")
    email = reader.get_by_role("link", name="accessibility@assessment.example")
    for link in (external, internal, email):
        assert link.evaluate("a => getComputedStyle(a, '::after').content") == "none"
    root = site_root(reader)

    text = squeezed(content_text(print_pdf(reader, "links")))

    assert squeezed("(WCAG) 2.2 (https://www.w3.org/TR/WCAG22/)") in text
    assert squeezed(f"the probability scale ({root}/en/reports/2026/scale/) first.") in text
    # A link whose text is its address is not followed by it again.
    assert "mailto:" not in text
    assert squeezed("write to accessibility@assessment.example. It helps") in text
    # The masthead links home, outside the content: no address after it.
    assert squeezed(f"({root}/en/)") not in text


def test_badges_and_footnote_references_print_no_target(reader: Page):
    visit(reader, CRISIS_PATH)
    badge = reader.locator(".scale-badge").first
    reference = reader.locator(".footnote-ref").first
    reader.emulate_media(media="print")
    for link in (badge, reference):
        assert link.evaluate("a => getComputedStyle(a, '::after').content") == "none"
    # The footnotes' own sources do print theirs.
    source = reader.locator(".footnotes a[href^='http']")
    if source.count():
        href = source.first.get_attribute("href")
        assert href in source.first.evaluate("a => getComputedStyle(a, '::after').content")


# Probes for the page foot: each starts on a new page with `lines` lines of filler, then a
# heading and its paragraph (or a figure). With filler of 36 to 47 lines some heading falls where
# only it, and not the lines after it, would fit, and some figure where its image fits but not
# its caption: exactly where print.css must carry them over to the next page.
BUILD_PROBES = """([kind, first, count]) => {
  const container = document.querySelector("main .prose");
  const figure = document.querySelector("main figure.figure");
  container.replaceChildren();
  const levels = ["h2", "h3", "h4"];
  for (let k = 0; k < count; k++) {
    const probe = document.createElement("section");
    probe.style.breakBefore = "page";  // CSSOM, which the CSP allows (no style attribute)
    const filler = document.createElement("p");
    for (let i = 1; i <= first + k; i++) {
      if (i > 1) filler.append(document.createElement("br"));
      filler.append(`Filler ${k} line ${i}`);
    }
    probe.append(filler);
    if (kind === "heading") {
      const heading = document.createElement(levels[k % levels.length]);
      heading.textContent = `Probe ${k} heading`;
      const text = document.createElement("div");
      text.className = "rich-text";
      const paragraph = document.createElement("p");
      paragraph.textContent = `Probe ${k} text. ` + "It runs over several lines. ".repeat(12);
      text.append(paragraph);
      probe.append(heading, text);
    } else {
      const copy = figure.cloneNode(true);
      copy.querySelector("img").loading = "eager";
      copy.querySelector("figcaption").textContent =
        `Probe ${k} caption. ` + "The caption under the chart. ".repeat(6) + `End of caption ${k}.`;
      probe.append(copy);
    }
    container.append(probe);
  }
}"""
PROBES = 12
FIRST_FILLER = 36


def test_no_heading_is_left_at_the_foot_of_a_page(reader: Page):
    visit(reader, "/en/reports/2026/foreword/")
    reader.evaluate(BUILD_PROBES, ["heading", FIRST_FILLER, PROBES])

    pages = lines_by_page(print_pdf(reader, "headings"))

    heading = re.compile(r"Probe (\d+) heading")
    first_page: dict[tuple[str, int], int] = {}  # (what, probe) -> page it starts on
    filler_ends: dict[int, int] = {}  # probe -> page of its last filler line
    for number, runs in enumerate(pages):
        for _, text in runs:
            if match := re.match(r"(?:Probe (\d+) (heading|text))|(?:Filler (\d+) line)", text):
                if match.group(3):
                    filler_ends[int(match.group(3))] = number
                else:
                    first_page.setdefault((match.group(2), int(match.group(1))), number)
        if runs:
            last = min(runs)[1]
            assert not heading.fullmatch(last), f"page {number + 1} ends with {last!r}"
    for k in range(PROBES):
        assert first_page[("heading", k)] == first_page[("text", k)], f"probe {k}"
    # The probes did reach the page foot: some headings had to go over to the next page.
    moved = [k for k in range(PROBES) if first_page[("heading", k)] > filler_ends[k]]
    assert moved, "no heading needed to move: the probes no longer reach the page foot"


def test_a_figure_moves_whole_to_the_next_page(reader: Page):
    visit(reader, CRISIS_PATH)
    reader.evaluate(BUILD_PROBES, ["figure", FIRST_FILLER - 10, PROBES // 2 + 2])

    pdf = print_pdf(reader, "figures")

    texts = [normal(page.extract_text()) for page in pdf.pages]
    carried_over = 0
    for k in range(PROBES // 2 + 2):
        (page,) = [n for n, text in enumerate(texts) if f"Probe {k} caption." in text]
        assert f"End of caption {k}." in texts[page], f"caption {k} is split"
        assert len(pdf.pages[page].images) == 1, f"caption {k} is not on its image's page"
        filler_end = re.compile(rf"Filler {k} line {FIRST_FILLER - 10 + k}(?!\d)")
        carried_over += not filler_end.search(texts[page])
    assert carried_over, "no figure needed to move: the probes no longer reach the page foot"


def test_the_wagtail_userbar_is_not_printed(browser: Browser, server: str):
    context = browser.new_context(base_url=server)
    page = context.new_page()
    log_in(page, ADMIN)
    page.goto("/en/reports/2026/foreword/")
    userbar = page.locator("wagtail-userbar [part=userbar]")  # inside its shadow root
    expect(userbar).to_be_visible()
    page.emulate_media(media="print")
    expect(userbar).to_be_hidden()
    context.close()
