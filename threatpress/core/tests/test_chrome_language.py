"""The model site's bug we must not have: interface strings of the other language.

Every public page type is rendered in English and in Lithuanian (a Lithuanian copy of the test
tree made by `translate_tree`, whose titles start with "LT"), with the consent dialog open. The
page's text (text nodes, the <title>, and attributes people hear or see: aria-label, title, alt,
placeholder...) must hold no whole interface string of the other language: on a Lithuanian page
no English msgid of the catalogue, on an English page no Lithuanian msgstr. Only pairs whose two
sides differ and are at least four characters long count; placeholders match any text.

The page's own content (titles, summaries, bodies, the edition's scale, region names) is taken
out first: it is the editors' text, in whatever language they wrote it (the Lithuanian copies
here still carry English bodies, as a translation in progress does). So is what a page marks
`translate="no"`: a citation to copy as it is, with BibTeX's field names (`year`, `month`) and
the page's address in it (citation/tests check its words in each language).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils.text import Truncator
from wagtail.models import Page, Site

from threatpress.conftest import translate_tree
from threatpress.core.models import InformationPage, SiteIdentity
from threatpress.exports.formats import FORMATS, file_name
from threatpress.regions.models import Region
from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage, ReportsIndexPage

pytestmark = [pytest.mark.django_db, pytest.mark.search_index]

CATALOGUE = Path(settings.BASE_DIR) / "threatpress/locale/lt/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\([^)]*\)[sd]|%[sd]|%%")
# Attributes whose values a reader sees or hears.
SPOKEN_ATTRIBUTES = {"aria-label", "aria-description", "aria-roledescription", "title", "alt"}
SPOKEN_ATTRIBUTES |= {"placeholder", "label"}
VOID_ELEMENTS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID_ELEMENTS |= {"wbr"}
BREAK = " \x00 "  # what content is replaced with: no interface string can match across it


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def visible(message: str) -> str:
    """A message as a reader meets it: without its markup."""
    return normalise(re.sub(r"<[^>]+>", " ", message))


@dataclass(frozen=True)
class Interface:
    text: str  # the message as written in the catalogue, for the failure message
    pattern: re.Pattern


def interface(message: str) -> Interface | None:
    """The whole message as a pattern (placeholders match any text), if it is long enough."""
    shown = visible(message)
    pieces = PLACEHOLDER.split(shown)
    if len(shown) < 4 or max(len(piece.strip()) for piece in pieces) < 4:
        return None
    body = r".{1,300}?".join(re.escape(piece) for piece in pieces)
    return Interface(shown, re.compile(rf"(?<!\w){body}(?!\w)"))


def interface_strings() -> dict[str, list[Interface]]:
    """{language: its interface strings that differ from the other language's}."""
    strings: dict[str, list[Interface]] = {"en": [], "lt": []}
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or not entry.translated():
            continue
        if entry.msgid_plural:
            english = [entry.msgid, entry.msgid_plural]
            lithuanian = list(entry.msgstr_plural.values())
        else:
            english, lithuanian = [entry.msgid], [entry.msgstr]
        if {visible(m) for m in english} & {visible(m) for m in lithuanian}:
            continue  # the same in both languages ("PDF", "%(n)s MB")
        for language, messages in (("en", english), ("lt", lithuanian)):
            for message in dict.fromkeys(messages):
                found = interface(message)
                if found is not None:
                    strings[language].append(found)
    return strings


class PageText(HTMLParser):
    """The text of a page as its reader meets it: text nodes (the <title> too) and spoken
    attribute values, each a separate piece; scripts and styles left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.skipping = 0
        self.untranslated = 0  # depth inside an element marked translate="no"
        self.html_lang: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        if tag in {"script", "style"}:
            self.skipping += 1
        if tag not in VOID_ELEMENTS and (self.untranslated or attributes.get("translate") == "no"):
            self.untranslated += 1
            return
        for name, value in attrs:
            spoken = name in SPOKEN_ATTRIBUTES or re.fullmatch(r"data-[\w-]*(label|text)", name)
            if spoken and value:
                self.pieces.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self.skipping:
            self.skipping -= 1
        if self.untranslated and tag not in VOID_ELEMENTS:
            self.untranslated -= 1

    def handle_data(self, data):
        if not self.skipping and not self.untranslated:
            self.pieces.append(data)


def content_strings() -> list[str]:
    """Everything editors wrote, in both languages, longest first (so that a title is taken out
    before a shorter title inside it), with the shortened forms the templates print."""
    found: set[str] = set()

    def add(value) -> None:
        text = visible(str(value or ""))
        if text:
            found.add(text)

    for page in Page.objects.filter(depth__gt=1).specific():
        add(page.title)
        add(Truncator(page.title).words(8))  # the breadcrumb
        for field in ("seo_title", "search_description", "intro", "summary", "foreword"):
            add(getattr(page, field, ""))
        add(Truncator(getattr(page, "summary", "")).words(40))  # a chapter's list
        add(getattr(page, "foreword_signed_by", ""))
        add(getattr(page, "introduction", ""))
        if isinstance(page, AssessmentPage | InformationPage):
            add(page.body.render_as_block())
        if isinstance(page, EditionPage):
            for term in [*page.probability_terms.all(), *page.time_horizons.all()]:
                add(term.label)
                add(term.description)
                add(getattr(term, "span", ""))
    for region in Region.objects.all():
        add(region.name)
    for identity in SiteIdentity.objects.all():
        add(identity.organisation)
        add(identity.tagline)
    return sorted(found, key=len, reverse=True)


def chrome_of(page_html: str, content: list[str]) -> tuple[str | None, str]:
    parser = PageText()
    parser.feed(page_html)
    text = BREAK.join(normalise(piece) for piece in parser.pieces if piece.strip())
    for value in content:
        text = text.replace(value, BREAK)
    return parser.html_lang, text


@dataclass
class Route:
    name: str
    url: str
    status: int = 200


def routes(home: Page, language: str) -> list[Route]:
    reports = ReportsIndexPage.objects.child_of(home).get()
    edition = EditionPage.objects.child_of(reports).get()
    chapter = ChapterPage.objects.child_of(edition).first()
    assessment = AssessmentPage.objects.child_of(chapter).first()
    information = InformationPage.objects.child_of(home).get()
    pdf = file_name(assessment, "assessment", edition.year, FORMATS["pdf"])
    return [
        Route("home page", home.url),
        Route("reports archive", reports.url),
        Route("edition", edition.url),
        Route("key judgments (edition summary)", edition.url + edition.reverse_subpage("summary")),
        Route("foreword", edition.url + edition.reverse_subpage("foreword")),
        Route("probability scale", edition.url + edition.reverse_subpage("scale")),
        Route("chapter", chapter.url),
        Route("assessment", assessment.url),
        Route("information page with the cookie policy", information.url),
        Route("consent settings page", _in(language, "consent")),
        Route("countries and regions", _in(language, "regions:index")),
        Route("country page", _in(language, "regions:detail", slug=REGION_SLUGS[language])),
        Route("search results", _in(language, "search") + "?q=paragraph&sort=newest"),
        Route("search without results", _in(language, "search") + "?q=zzqx+paragraph&year=2026"),
        Route("404 page", f"/{language}/no-such-page/", 404),
        Route("export being prepared (503)", assessment.url + pdf, 503),
    ]


REGION_SLUGS = {"en": "ruritania", "lt": "ruritanija"}


def _in(language: str, name: str, **kwargs) -> str:
    from django.urls import reverse
    from django.utils import translation

    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def bilingual_site(edition, site_tree):
    """The test edition with an information page (the cookie policy) and a region, copied into
    Lithuanian. Returns {language: home page}."""
    home = site_tree.home
    information = home.add_child(
        instance=InformationPage(
            title="Cookies and privacy",
            slug="cookies",
            intro="How this site treats your data.",
            body=[{"type": "paragraph", "value": "<p>We keep very little.</p>"}],
        )
    )
    SiteIdentity.objects.update_or_create(
        site=Site.objects.get(is_default_site=True),
        defaults={"cookies_page": information, "about_page": information},
    )
    region = Region.objects.create(name="Ruritania", slug="ruritania")
    for assessment in AssessmentPage.objects.descendant_of(edition):
        assessment.regions.add(region)
        assessment.save_revision().publish()
    lithuanian = translate_tree(home, "lt")
    copy = region.copy_for_translation(lithuanian.locale)
    copy.name, copy.slug = "Ruritanija", REGION_SLUGS["lt"]
    copy.save()
    return {"en": home, "lt": lithuanian}


@pytest.mark.parametrize("language", ["en", "lt"])
def test_no_page_shows_an_interface_string_of_the_other_language(bilingual_site, language):
    other = {"en": "lt", "lt": "en"}[language]
    foreign = interface_strings()[other]
    assert len(foreign) > 200  # the catalogue was read
    content = content_strings()
    failures = []
    for route in routes(bilingual_site[language], language):
        response = Client().get(route.url)  # a first visit: the consent dialog is open
        assert response.status_code == route.status, f"{route.name} at {route.url}"
        page_html = response.content.decode()
        assert 'id="consent-dialog"' in page_html or route.name == "consent settings page"
        html_lang, chrome = chrome_of(page_html, content)
        if html_lang != language:
            failures.append(f'{route.name} ({route.url}): <html lang="{html_lang}">')
        offending = [s.text for s in foreign if s.pattern.search(chrome)]
        if offending:
            listed = "\n".join(f"    {text!r}" for text in offending)
            failures.append(f"{route.name} ({route.url}) shows {other} interface text:\n{listed}")
    assert not failures, f"{language} pages:\n" + "\n".join(failures)


def test_the_check_catches_a_string_of_the_other_language():
    """The method itself: an English button on a Lithuanian page is found, a Lithuanian word
    inside English content is not a false alarm when it is content."""
    english = interface_strings()["en"]
    page = '<html lang="lt"><body><button aria-label="Reject all">Atmesti</button></body></html>'
    _lang, chrome = chrome_of(page, [])
    assert [s.text for s in english if s.pattern.search(chrome)] == ["Reject all"]
    page = "<html><body><h1>Published on time</h1><p>Chapter 3 explains.</p></body></html>"
    _lang, chrome = chrome_of(page, ["Chapter 3 explains."])
    found = {s.text for s in english if s.pattern.search(chrome)}
    assert "Published" in found and "Chapter" not in found
    page = "<p>Paskelbta 2026 m. kovo 10 d. Informacija iki 2026 m. sausio 15 d.</p>"
    lithuanian = interface_strings()["lt"]
    _lang, chrome = chrome_of(page, [])
    assert "Paskelbta %(date)s Informacija iki %(cutoff)s" in {
        s.text for s in lithuanian if s.pattern.search(chrome)
    }
