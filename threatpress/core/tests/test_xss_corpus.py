"""The whole payload corpus, written straight into every field an editor can fill (as someone with
database access would, without any form's validation), renders inert on every public page that
shows the field, and readers see it as the text it is.

One case per field. A field with a length limit gets the corpus packed into values that fit it,
spread over several pages or rows where the model has them, one after another where it does not.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import wagtail_factories
from wagtail.models import Page, Site
from wagtail_footnotes.models import Footnote

from threatpress.conftest import build_edition
from threatpress.core.models import InformationPage, SiteIdentity
from threatpress.core.tests.inert import css_rules, css_strings, inspect
from threatpress.core.tests.xss_payloads import PAYLOADS, chunks
from threatpress.reports.blocks import table_value
from threatpress.reports.models import (
    AssessmentPage,
    ChapterPage,
    EditionPage,
    ProbabilityTerm,
    TimeHorizon,
)
from threatpress.reports.tests.factories import (
    AssessmentPageFactory,
    ChapterPageFactory,
    RegionFactory,
)

pytestmark = pytest.mark.django_db

HOME = "/en/"
ARCHIVE = "/en/reports/"
EDITION = "/en/reports/2026/"
SUMMARY, FOREWORD, SCALE, PRINT = (
    f"{EDITION}{r}/" for r in ("summary", "foreword", "scale", "print")
)
CHAPTER = f"{EDITION}chapter-1/"
ASSESSMENT = f"{CHAPTER}judgment-1-1/"
INFO = "/en/about/"
# Put first in every rich-text value: a payload may swallow what follows it, never what precedes.
MARKER = "Rich text still shown."


@dataclass
class World:
    home: Page
    reports: Page
    edition: EditionPage
    chapter: ChapterPage
    assessment: AssessmentPage
    info: InformationPage
    identity: SiteIdentity


@pytest.fixture
def world(site_tree) -> World:
    edition = build_edition(site_tree.reports, 2026, chapters=1, per_chapter=2)
    info = InformationPage(title="About", slug="about")
    site_tree.home.add_child(instance=info)
    identity = SiteIdentity.for_site(Site.objects.get())
    identity.about_page = info
    identity.save()
    return World(
        home=site_tree.home.specific,
        reports=site_tree.reports.specific,
        edition=edition,
        chapter=ChapterPage.objects.get(slug="chapter-1"),
        assessment=AssessmentPage.objects.get(slug="judgment-1-1"),
        info=info,
        identity=identity,
    )


@dataclass(frozen=True)
class Round:
    """Pages to fetch after one value was stored, and what the first of them must show."""

    urls: tuple[str, ...]
    shown: tuple[str, ...] = ()


Store = Callable[[World, list[str]], Iterator[Round]]


@dataclass(frozen=True)
class Field:
    name: str
    limit: int | None  # characters the field holds (PostgreSQL enforces it)
    store: Store
    each: bool = False  # one block or row per payload, rather than the corpus packed to fit
    stylesheet: bool = False  # the edition title also goes into the print stylesheet

    def values(self) -> list[str]:
        if self.each:
            return [p.text for p in PAYLOADS if self.limit is None or len(p.text) <= self.limit]
        return chunks(self.limit)


def write(instance, **values) -> None:
    """Store values as they are: no form, no model validation."""
    for name, value in values.items():
        setattr(instance, name, value)
    if isinstance(instance, Page):
        instance.save(clean=False)
    else:
        instance.save()


def rich(values: list[str]) -> str:
    return f"<p>{MARKER}</p>" + "".join(values)


# How each kind of field is stored -----------------------------------------------------------


def one_after_another(target: Callable[[World], object], attr: str, *urls: str) -> Store:
    """A field of a page or setting that exists once: each value in turn."""

    def store(world: World, values: list[str]) -> Iterator[Round]:
        for value in values:
            write(target(world), **{attr: value})
            yield Round(urls, (value,))

    return store


def rich_field(target: Callable[[World], object], attr: str, *urls: str) -> Store:
    def store(world: World, values: list[str]) -> Iterator[Round]:
        write(target(world), **{attr: rich(values)})
        yield Round(urls, (MARKER,))

    return store


def chapter_titles(world: World, values: list[str]) -> Iterator[Round]:
    chapters = [
        ChapterPageFactory(parent=world.edition, slug=f"c{i}", title=value)
        for i, value in enumerate(values)
    ]
    yield Round((SUMMARY, EDITION, HOME, chapters[0].url), tuple(values))


def chapter_slug(world: World, values: list[str]) -> Iterator[Round]:
    for value in values:
        write(world.chapter, slug=value, url_path=f"{world.edition.url_path}{value}/")
        yield Round((SUMMARY, EDITION, HOME))


def assessment_titles(world: World, values: list[str]) -> Iterator[Round]:
    pages = [
        AssessmentPageFactory(parent=world.chapter, slug=f"a{i}", title=value)
        for i, value in enumerate(values)
    ]
    yield Round((SUMMARY, CHAPTER, HOME, EDITION, pages[0].url), tuple(values))


def body_blocks(kind: str, make: Callable[[str], object], target="assessment", url=ASSESSMENT):
    def store(world: World, values: list[str]) -> Iterator[Round]:
        page = getattr(world, target)
        first = {"type": "paragraph", "value": f"<p>{MARKER}</p>"}
        write(page, body=[first, *({"type": kind, "value": make(v)} for v in values)])
        shown = (MARKER,) if kind == "paragraph" else tuple(values)
        yield Round((url,), shown)

    return store


def figures(part: str) -> Store:
    def store(world: World, values: list[str]) -> Iterator[Round]:
        image = wagtail_factories.ImageFactory(title="Chart")
        blocks = [
            {
                "type": "figure",
                "value": {
                    "image": image.pk,
                    "alt_text": value if part == "alt_text" else "A chart.",
                    "caption": value if part == "caption" else "",
                },
            }
            for value in values
        ]
        write(world.assessment, body=blocks)
        yield Round((ASSESSMENT,), tuple(values))

    return store


def footnotes(world: World, values: list[str]) -> Iterator[Round]:
    page = world.assessment
    notes = [
        Footnote(uuid=uuid.uuid4(), text=text, locale=page.locale)
        for text in [f"<p>{MARKER}</p>", *values]
    ]
    refs = "".join(f'<footnote id="{n.uuid}">[{str(n.uuid)[:6]}]</footnote>' for n in notes)
    write(page, footnotes=notes, body=[{"type": "paragraph", "value": f"<p>Claim{refs}</p>"}])
    yield Round((ASSESSMENT,), (MARKER,))


def regions(world: World, values: list[str]) -> Iterator[Round]:
    write(
        world.assessment,
        regions=[RegionFactory(name=value, slug=f"r{i}") for i, value in enumerate(values)],
    )
    yield Round((ASSESSMENT,), tuple(values))


def scale_rows(model, attr: str) -> Store:
    """Extra probability terms or time horizons, one per value; the assessment uses the first."""

    def store(world: World, values: list[str]) -> Iterator[Round]:
        rows = []
        for i, value in enumerate(values):
            row = {"key": f"x{i}", "label": f"Term {i}", "description": ""}
            row |= {"lower_bound": 0, "upper_bound": 100} if model is ProbabilityTerm else {}
            row |= {"span": "1 year"} if model is TimeHorizon else {}
            row[attr] = value
            rows.append(model(edition=world.edition, sort_order=10 + i, **row))
        model.objects.bulk_create(rows)
        chosen = "probability" if model is ProbabilityTerm else "horizon"
        write(world.assessment, **{chosen: rows[0].key[:40]})
        shown = () if attr == "key" else tuple(values)
        yield Round((SCALE, ASSESSMENT), shown)

    return store


def contact_email(world: World, values: list[str]) -> Iterator[Round]:
    for value in values:
        write(world.identity, contact_email=value)
        yield Round((HOME,), (f"mailto:{value}",))


def page_fields(prefix: str, target: Callable[[World], Page], url: str) -> list[Field]:
    """Title, SEO title and search description of a page that exists once."""
    return [
        Field(f"{prefix}.title", 255, one_after_another(target, "title", url)),
        Field(f"{prefix}.seo_title", 255, one_after_another(target, "seo_title", url)),
        Field(
            f"{prefix}.search_description",
            None,
            one_after_another(target, "search_description", url),
        ),
    ]


def quote(part: str) -> Callable[[str], dict]:
    return lambda v: {"text": v if part == "text" else "Quoted.", "attribution": v}


def table(part: str) -> Callable[[str], dict]:
    """The value in a column header, a row header and a data cell; or as the caption (which is
    also the scrolling region's aria-label)."""
    if part == "caption":
        return lambda v: table_value([["Year", "Ships"], ["2030", "14"]], caption=v)
    return lambda v: table_value([[v, "Ships"], [v, v]], header_column=True)


FIELDS = [
    # Home and archive.
    *page_fields("home", lambda w: w.home, HOME),
    Field("home.intro", None, one_after_another(lambda w: w.home, "intro", HOME)),
    *page_fields("reports", lambda w: w.reports, ARCHIVE),
    Field("reports.intro", None, one_after_another(lambda w: w.reports, "intro", ARCHIVE)),
    # Edition and its routes.
    Field(
        "edition.title",
        255,
        one_after_another(
            lambda w: w.edition, "title", EDITION, HOME, ARCHIVE, SUMMARY, FOREWORD, SCALE
        ),
        stylesheet=True,
    ),
    *page_fields("edition", lambda w: w.edition, EDITION)[1:],
    Field("edition.foreword", None, rich_field(lambda w: w.edition, "foreword", FOREWORD)),
    Field(
        "edition.foreword_signed_by",
        200,
        one_after_another(lambda w: w.edition, "foreword_signed_by", FOREWORD),
    ),
    Field("probability_term.label", 60, scale_rows(ProbabilityTerm, "label")),
    Field("probability_term.description", 255, scale_rows(ProbabilityTerm, "description")),
    Field("probability_term.key", 40, scale_rows(ProbabilityTerm, "key")),
    Field("time_horizon.label", 60, scale_rows(TimeHorizon, "label")),
    Field("time_horizon.span", 60, scale_rows(TimeHorizon, "span")),
    Field("time_horizon.description", 255, scale_rows(TimeHorizon, "description")),
    Field("time_horizon.key", 40, scale_rows(TimeHorizon, "key")),
    # Chapter.
    Field("chapter.title", 255, chapter_titles),
    *page_fields("chapter", lambda w: w.chapter, CHAPTER)[1:],
    Field("chapter.introduction", None, rich_field(lambda w: w.chapter, "introduction", CHAPTER)),
    Field("chapter.slug", 255, chapter_slug),
    # Assessment.
    Field("assessment.title", 255, assessment_titles),
    *page_fields("assessment", lambda w: w.assessment, ASSESSMENT)[1:],
    Field(
        "assessment.summary",
        1200,
        one_after_another(lambda w: w.assessment, "summary", ASSESSMENT, SUMMARY, CHAPTER),
    ),
    Field("assessment.body.paragraph", None, body_blocks("paragraph", rich), each=True),
    Field("assessment.body.heading", 160, body_blocks("heading", str), each=True),
    Field("assessment.body.quote.text", None, body_blocks("quote", quote("text")), each=True),
    Field(
        "assessment.body.quote.attribution",
        250,
        body_blocks("quote", quote("attribution")),
        each=True,
    ),
    Field("assessment.body.figure.caption", 500, figures("caption"), each=True),
    Field("assessment.body.table.cell", None, body_blocks("table", table("cell")), each=True),
    Field("assessment.body.table.caption", None, body_blocks("table", table("caption")), each=True),
    Field("assessment.body.figure.alt_text", 500, figures("alt_text"), each=True),
    Field("assessment.footnotes.text", None, footnotes, each=True),
    Field("assessment.regions.name", 120, regions),
    # Standing information page.
    *page_fields("information", lambda w: w.info, INFO),
    Field("information.intro", None, one_after_another(lambda w: w.info, "intro", INFO)),
    Field("information.body.heading", 160, body_blocks("heading", str, "info", INFO), each=True),
    Field(
        "information.body.paragraph", None, body_blocks("paragraph", rich, "info", INFO), each=True
    ),
    Field(
        "information.body.quote", None, body_blocks("quote", quote("text"), "info", INFO), each=True
    ),
    # Site settings, shown on every page.
    Field("site.organisation", 200, one_after_another(lambda w: w.identity, "organisation", HOME)),
    Field("site.tagline", 200, one_after_another(lambda w: w.identity, "tagline", HOME)),
    Field("site.contact_email", 254, contact_email),
    Field("site.footer_note", None, rich_field(lambda w: w.identity, "footer_note", HOME)),
]


def fetch(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.name)
def test_stored_payloads_render_inert(client, world, field):
    plain_stylesheet = fetch(client, PRINT) if field.stylesheet else None
    rounds = 0
    for round_ in field.store(world, field.values()):
        rounds += 1
        for position, url in enumerate(round_.urls):
            page = inspect(fetch(client, url))
            assert page.findings == [], (url, page.findings)
            if position == 0:
                hidden = [text for text in round_.shown if not page.shows(text)]
                assert hidden == [], (url, hidden)
        if plain_stylesheet is not None:
            stylesheet = fetch(client, PRINT)
            assert css_rules(stylesheet) == css_rules(plain_stylesheet)
            assert round_.shown[0] in css_strings(stylesheet)
    assert rounds
