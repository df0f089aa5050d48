"""Build the demo site from the TOML files in content/: idempotent, never overwrites an editor's
work (an edition that already exists for a year is left alone unless `refresh` is asked for)."""

from __future__ import annotations

import html
import io
import re
import secrets
import tomllib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.utils import translation
from django.utils.text import slugify
from wagtail.images.models import Image
from wagtail.models import Locale, Page, Site
from wagtail_footnotes.models import Footnote

from threatpress.core.locales import ensure_locales
from threatpress.core.models import InformationPage, SiteIdentity
from threatpress.publishing.roles import AUTHORS, PUBLISHERS, REVIEWERS, ensure_editorial_roles
from threatpress.regions.models import Region
from threatpress.reports.blocks import table_value
from threatpress.reports.models import (
    AssessmentPage,
    ChapterPage,
    EditionPage,
    HomePage,
    ReportsIndexPage,
)
from threatpress.translations.state import mark_translated

from .charts import bar_chart_png

CONTENT_DIR = Path(__file__).parent / "content"
FOOTNOTE_MARKER = re.compile(r"\[\^([A-Za-z0-9_-]+)\]")


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    # New demo accounts and their one-time passwords, to show the operator once.
    credentials: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, created: bool, what: str) -> None:
        (self.created if created else self.kept).append(what)


def read_toml(name: str) -> dict:
    with (CONTENT_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


def edition_files() -> list[Path]:
    """The editions in the default language: `edition_<year>.toml` (translations carry the
    language before the suffix: `edition_<year>.lt.toml`)."""
    return sorted(path for path in CONTENT_DIR.glob("edition_*.toml") if path.suffixes == [".toml"])


def translation_file(name: str, language: str) -> Path | None:
    """`edition_2026.toml` in `language`: `edition_2026.lt.toml`, if the demo has one."""
    path = CONTENT_DIR / name.replace(".toml", f".{language}.toml")
    return path if path.exists() else None


def other_languages() -> list[str]:
    return [
        code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES if code != settings.LANGUAGE_CODE
    ]


def publish(page: Page, when: datetime | None = None) -> None:
    page.save_revision().publish()
    if when is not None:
        Page.objects.filter(pk=page.pk).update(
            first_published_at=when, last_published_at=when, latest_revision_created_at=when
        )


def ensure_home(locale: Locale, report: LoadReport) -> HomePage:
    home = HomePage.objects.filter(locale=locale, depth=2).first()
    created = home is None
    if created:
        root = Page.get_first_root_node()
        # Wagtail's first migration leaves a placeholder "Welcome" page at the top; replace it.
        for placeholder in Page.objects.filter(depth=2, content_type__model="page"):
            placeholder.delete()
        home = HomePage(
            title="National Threat Assessment",
            slug="home",
            locale=locale,
            intro=(
                "Each year the State Assessment Office tells the public which threats to the "
                "country it judges most serious, how likely they are, and over what period."
            ),
        )
        root.add_child(instance=home)
        publish(home)
    report.add(created, "home page")
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    # The address the demo is served at (`make run` sets it from HOST and PORT), so that canonical
    # links, printed link targets and the "read online" line of a PDF point where it really is.
    served_at = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    site.hostname = served_at.hostname or "localhost"
    site.port = served_at.port or (443 if served_at.scheme == "https" else 80)
    site.root_page = home
    site.site_name = "National Threat Assessment"
    site.save()
    return home


def ensure_reports_index(home: HomePage, report: LoadReport) -> ReportsIndexPage:
    index = ReportsIndexPage.objects.child_of(home).first()
    created = index is None
    if created:
        index = ReportsIndexPage(
            title="Reports",
            slug="reports",
            intro="Every edition of the National Threat Assessment, newest first.",
        )
        home.add_child(instance=index)
        publish(index)
    report.add(created, "reports archive")
    return index


def ensure_regions(locale: Locale, report: LoadReport) -> dict[str, Region]:
    regions = {}
    for item in read_toml("regions.toml")["regions"]:
        region, created = Region.objects.get_or_create(
            locale=locale,
            slug=slugify(item["name"]),
            defaults={"name": item["name"], "kind": item.get("kind", "country")},
        )
        regions[item["name"]] = region
        if created:
            report.add(True, f"region {item['name']}")
    return regions


H2 = re.compile(r"<h2>(.*?)</h2>", re.S)


def information_blocks(body: str) -> list[dict]:
    """The page text as heading and paragraph blocks (paragraphs take no headings)."""
    blocks = []
    for number, part in enumerate(H2.split(body)):
        part = part.strip()
        if part:
            kind = "heading" if number % 2 else "paragraph"
            blocks.append({"type": kind, "value": html.unescape(part) if number % 2 else part})
    return blocks


def ensure_information_pages(home: HomePage, report: LoadReport) -> dict[str, InformationPage]:
    pages = {}
    for item in read_toml("pages.toml")["pages"]:
        page = InformationPage.objects.child_of(home).filter(slug=item["slug"]).first()
        created = page is None
        if created:
            page = InformationPage(
                title=item["title"],
                slug=item["slug"],
                intro=item.get("intro", ""),
                body=information_blocks(item["body"]),
            )
            home.add_child(instance=page)
            publish(page)
        pages[item["slug"]] = page
        report.add(created, f"page {item['slug']}")
    site = Site.objects.get(is_default_site=True)
    identity = SiteIdentity.for_site(site)
    identity.organisation = identity.organisation or "State Assessment Office"
    identity.tagline = "National Threat Assessment"
    identity.contact_email = identity.contact_email or "press@assessment.example"
    identity.accessibility_page = identity.accessibility_page or pages.get("accessibility")
    identity.cookies_page = identity.cookies_page or pages.get("cookies")
    identity.about_page = identity.about_page or pages.get("about")
    identity.footer_note = identity.footer_note or (
        "<p>Demonstration content written for the ThreatPress project. The State Assessment "
        "Office is fictional; the events it describes are real.</p>"
    )
    identity.save()
    return pages


def chart_image(block: dict, year: int) -> Image:
    title = f"{block['title']} ({year})"
    image = Image.objects.filter(title=title).first()
    if image is None:
        data = [(str(label), float(value)) for label, value in block["data"]]
        png = bar_chart_png(block["title"], data, block.get("unit", ""))
        image = Image(title=title)
        image.file = ImageFile(io.BytesIO(png), name=f"{slugify(title)}.png")
        image.save()
    return image


def body_blocks(blocks: list[dict], year: int, footnote_tag: Callable[[str], str]) -> list[dict]:
    stream = []
    for block in blocks:
        kind = block["type"]
        if kind == "paragraph":
            text = FOOTNOTE_MARKER.sub(lambda m: footnote_tag(m.group(1)), block["text"])
            stream.append({"type": "paragraph", "value": text})
        elif kind == "list":
            items = "".join(f"<li>{html.escape(item)}</li>" for item in block["items"])
            stream.append({"type": "paragraph", "value": f"<ul>{items}</ul>"})
        elif kind == "heading":
            stream.append({"type": "heading", "value": block["text"]})
        elif kind == "quote":
            value = {"text": block["text"], "attribution": block.get("attribution", "")}
            stream.append({"type": "quote", "value": value})
        elif kind == "figure":
            value = {
                "image": chart_image(block, year).pk,
                "alt_text": block["alt"],
                "caption": block.get("caption", ""),
            }
            stream.append({"type": "figure", "value": value})
        elif kind == "table":
            value = table_value(
                block["rows"],
                header_row=block.get("header_row", True),
                header_column=block.get("header_column", False),
                caption=block.get("caption", ""),
            )
            stream.append({"type": "table", "value": value})
        else:
            raise ValueError(f"Unknown block type {kind!r}")
    return stream


def build_assessment(item: dict, year: int, locale: Locale, regions: dict[str, Region]):
    notes = {key: str(uuid.uuid4()) for key in item.get("footnotes", {})}

    def footnote_tag(key: str) -> str:
        return f'<footnote id="{notes[key]}">[{notes[key][:6]}]</footnote>'

    page = AssessmentPage(
        title=item["title"],
        slug=item["slug"],
        locale=locale,
        summary=item["summary"],
        probability=item.get("probability", ""),
        horizon=item.get("horizon", ""),
        body=body_blocks(item.get("body", []), year, footnote_tag),
    )
    page.footnotes = [
        Footnote(uuid=notes[key], text=f"<p>{text}</p>", locale=locale)
        for key, text in item.get("footnotes", {}).items()
    ]
    page.regions = [regions[name] for name in item.get("regions", [])]
    return page


def load_edition(
    path: Path,
    index: ReportsIndexPage,
    locale: Locale,
    regions: dict[str, Region],
    report: LoadReport,
    refresh: bool,
) -> EditionPage:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    year = int(data["year"])
    existing = EditionPage.objects.child_of(index).filter(year=year).first()
    if existing is not None and not refresh:
        report.add(False, f"edition {year}")
        return existing
    if existing is not None:
        for translated in existing.get_translations():
            translated.delete()
        existing.delete()
    published_at = datetime.fromisoformat(data["published_at"])
    # A draft edition (the one still being written) is saved as revisions and never published:
    # releasing it is the publisher's job, from the admin.
    draft = data.get("status", "published") == "draft"

    def save(page: Page) -> None:
        if draft:
            page.save_revision()
        else:
            publish(page, published_at)

    edition = EditionPage(
        title=data["title"],
        year=year,
        locale=locale,
        published_at=published_at,
        cutoff_date=date.fromisoformat(data["cutoff_date"]),
        foreword=data.get("foreword", "").strip(),
        foreword_signed_by=data.get("foreword_signed_by", ""),
        search_description=data.get("search_description", ""),
        live=not draft,
    )
    edition.add_default_scale()
    index.add_child(instance=edition)
    save(edition)
    for chapter_data in data["chapters"]:
        chapter = ChapterPage(
            title=chapter_data["title"],
            slug=chapter_data["slug"],
            locale=locale,
            introduction=chapter_data.get("introduction", "").strip(),
            live=not draft,
        )
        edition.add_child(instance=chapter)
        save(chapter)
        for item in chapter_data["assessments"]:
            assessment = build_assessment(item, year, locale, regions)
            assessment.live = not draft
            chapter.add_child(instance=assessment)
            save(assessment)
    report.add(True, f"edition {year}" + (" (draft, not released)" if draft else ""))
    return edition


DEMO_USERS = (("author", AUTHORS), ("reviewer", REVIEWERS), ("publisher", PUBLISHERS))


def ensure_demo_users(report: LoadReport) -> None:
    """One user of each editorial role, with a random password shown once."""
    groups = ensure_editorial_roles(Page.get_first_root_node())
    User = get_user_model()
    for username, role in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            report.add(False, f"user {username}")
            continue
        password = secrets.token_urlsafe(12)
        # A whole name and an address: Wagtail's account settings (where an editor picks the
        # admin's language) require both, and its lists name people by them.
        user = User.objects.create_user(
            username=username,
            password=password,
            first_name="Demo",
            last_name=username.capitalize(),
            email=f"{username}@assessment.example",
        )
        user.groups.add(groups[role])
        report.add(True, f"user {username}")
        report.credentials.append((username, role, password))


def ensure_readership_demo(report: LoadReport) -> None:
    """Made-up readership totals, so the admin's Readership screen has something to show."""
    from threatpress.readership.demo import DAYS, load_synthetic_counts

    report.add(load_synthetic_counts(), f"synthetic readership totals ({DAYS} days)")


def load_demo(refresh: bool = False, readership: bool = True) -> LoadReport:
    report = LoadReport()
    locale = ensure_locales()
    ensure_demo_users(report)
    home = ensure_home(locale, report)
    index = ensure_reports_index(home, report)
    regions = ensure_regions(locale, report)
    ensure_information_pages(home, report)
    editions = [
        load_edition(path, index, locale, regions, report, refresh) for path in edition_files()
    ]
    for code in other_languages():
        other = Locale.objects.get(language_code=code)
        ensure_translated_standing_pages(home, index, other, report)
        translated_regions = ensure_translated_regions(regions, other, report)
        for path, edition in zip(edition_files(), editions, strict=True):
            source = translation_file(path.name, code)
            if source is not None:
                load_edition_translation(edition, source, other, translated_regions, report)
    if readership:
        ensure_readership_demo(report)
    return report


# --- Translations -------------------------------------------------------------------------------
# The demo's translated pages are made as an editor makes them: Wagtail's "Translate" copies the
# original into the other language, the translator's text replaces the original's, and the copy
# is marked as translated from the original's current revision (translations/state.py).

# The pages the loader writes itself (no TOML file): home and archive, by language.
STANDING_TEXT = {
    "lt": {
        "home": {
            "title": "Nacionalinis grėsmių vertinimas",
            "intro": (
                "Kasmet Valstybinė vertinimų tarnyba visuomenei paaiškina, kurias grėsmes mūsų "
                "šaliai laiko rimčiausiomis, kiek jos tikėtinos ir kokiu laikotarpiu."
            ),
            "organisation": "Valstybinė vertinimų tarnyba",
            "tagline": "Nacionalinis grėsmių vertinimas",
            "footer_note": (
                "<p>Demonstracinis turinys, parašytas ThreatPress projektui. Valstybinė "
                "vertinimų tarnyba yra išgalvota; jos aprašomi įvykiai – tikri.</p>"
            ),
        },
        "reports": {
            "title": "Ataskaitos",
            "slug": "ataskaitos",
            "intro": "Visi Nacionalinio grėsmių vertinimo leidimai, naujausi – pirmi.",
        },
    }
}


def _translate(original: Page, locale: Locale, fields: dict, when=None, draft=False) -> Page:
    """The translation of `original` in `locale` with `fields` set, published (or, for an edition
    not yet released, saved as a draft) and marked as translated. An existing translation is
    left as it is: it may hold an editor's work."""
    existing = original.get_translations().filter(locale=locale).first()
    if existing is not None:
        return existing.specific
    copy = original.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(copy, name, value)
    if draft:
        copy.save_revision()
    else:
        copy.save()
        publish(copy, when)
    mark_translated(copy, None)
    return copy


def ensure_translated_standing_pages(
    home: HomePage, index: ReportsIndexPage, locale: Locale, report: LoadReport
) -> tuple[HomePage, ReportsIndexPage]:
    code = locale.language_code
    text = STANDING_TEXT.get(code, {})
    created = not home.has_translation(locale)
    home_lt = _translate(home, locale, text.get("home", {}))
    report.add(created, f"home page ({code})")
    created = not index.has_translation(locale)
    index_lt = _translate(index, locale, text.get("reports", {}))
    report.add(created, f"reports archive ({code})")
    path = translation_file("pages.toml", code)
    if path is not None:
        originals = {page.slug: page for page in InformationPage.objects.child_of(home)}
        for item in tomllib.loads(path.read_text(encoding="utf-8"))["pages"]:
            original = originals.get(item["key"])
            if original is None:
                continue
            created = not original.has_translation(locale)
            fields = {
                "title": item["title"],
                "slug": item["slug"],
                "intro": item.get("intro", ""),
                "body": information_blocks(item["body"]),
            }
            _translate(original, locale, fields)
            report.add(created, f"page {item['slug']} ({code})")
    return home_lt, index_lt


def ensure_translated_regions(
    regions: dict[str, Region], locale: Locale, report: LoadReport
) -> dict[str, Region]:
    """The regions in `locale`, keyed by their name in the default language."""
    path = translation_file("regions.toml", locale.language_code)
    names = {}
    if path is not None:
        names = {item["key"]: item["name"] for item in read_toml(path.name)["regions"]}
    translated = {}
    for name, region in regions.items():
        existing = region.get_translations().filter(locale=locale).first()
        if existing is None:
            existing = region.copy_for_translation(locale)
            existing.name = names.get(name, region.name)
            existing.slug = slugify(existing.name) or region.slug
            existing.save()
            report.add(True, f"region {existing.name} ({locale.language_code})")
        translated[name] = existing
    return translated


def load_edition_translation(
    edition: EditionPage, path: Path, locale: Locale, regions: dict[str, Region], report: LoadReport
) -> None:
    if edition.has_translation(locale):
        report.add(False, f"edition {edition.year} ({locale.language_code})")
        return
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    draft = not edition.live
    when = edition.first_published_at
    # The scale's words in this language (the copy would bring the original's).
    scale = EditionPage()
    with translation.override(locale.language_code):
        scale.add_default_scale()
    fields = {
        "title": data["title"],
        "search_description": data.get("search_description", ""),
        "foreword": data.get("foreword", "").strip(),
        "foreword_signed_by": data.get("foreword_signed_by", ""),
        "probability_terms": list(scale.probability_terms.all()),
        "time_horizons": list(scale.time_horizons.all()),
    }
    _translate(edition, locale, fields, when, draft)
    chapters = {page.slug: page.specific for page in edition.get_children()}
    for chapter_data in data["chapters"]:
        chapter = chapters[chapter_data["key"]]
        fields = {
            "title": chapter_data["title"],
            "slug": chapter_data["slug"],
            "introduction": chapter_data.get("introduction", "").strip(),
        }
        _translate(chapter, locale, fields, when, draft)
        assessments = {page.slug: page.specific for page in chapter.get_children()}
        for item in chapter_data["assessments"]:
            original = assessments[item["key"]]
            translated = build_assessment(
                {**item, "regions": [r.name for r in original.regions.all()]},
                edition.year,
                locale,
                {name: regions[name] for name in regions},
            )
            fields = {
                "title": translated.title,
                "slug": translated.slug,
                "summary": translated.summary,
                "body": translated.body,
                "footnotes": translated.footnotes.all(),
                "regions": translated.regions.all(),
            }
            _translate(original, locale, fields, when, draft)
    report.add(True, f"edition {edition.year} ({locale.language_code})")
