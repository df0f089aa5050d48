"""What a page says about itself to machines: its canonical address, a description, Open Graph
for link previews and JSON-LD (schema.org) for search engines. Citation tags build on the same
description (citation/highwire.py), so every copy of a title, date or address agrees.

Everything here is computed from the page as served, which is public: a preview gets none of it
but its canonical link (it is not for machines; it also says `noindex`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext
from wagtail.models import Page

from threatpress.core.identity import site_identity
from threatpress.reports import route_words
from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage

from .addresses import absolute, canonical, route_suffix
from .dates import from_loaded

DESCRIPTION_LENGTH = 300  # characters: what link previews show, about two sentences
# Open Graph wants a territory; the site's English is British ("organisation").
OG_LOCALES = {"en": "en_GB", "lt": "lt_LT"}
# schema.org types for the kinds of region an assessment concerns.
REGION_TYPES = {"country": "Country", "region": "Place", "organisation": "Organization"}


def organisation(request: HttpRequest, locale_id: int | None) -> str:
    """Who publishes, in the page's language (core/identity.py); the header's fallback when
    the site has no name at all."""
    name = site_identity(request=request, locale_id=locale_id)["organisation"]
    return name or settings.WAGTAIL_SITE_NAME


def og_locale(language: str) -> str:
    language = language.lower().replace("-", "_")
    if "_" in language:
        code, territory = language.split("_", 1)
        return f"{code}_{territory.upper()}"
    return OG_LOCALES.get(language, f"{language}_{language.upper()}")


@dataclass
class Description:
    """One public page, described for machines. `kind` is "edition" (an edition's front page),
    "assessment", or "page" (anything else)."""

    kind: str
    title: str
    description: str
    url: str
    language: str
    organisation: str
    home_url: str
    og_type: str = "website"
    published: datetime | None = None  # the edition's publication date (editions, assessments)
    modified: datetime | None = None
    edition_title: str = ""
    edition_url: str = ""
    section: str = ""  # an assessment's chapter
    regions: list = field(default_factory=list)
    pdf_url: str = ""
    audio_url: str = ""
    translations: list[str] = field(default_factory=list)  # languages with a real translation

    @property
    def published_date(self) -> date | None:
        return timezone.localdate(self.published) if self.published else None


def _from_rich_text(value: object) -> str:
    """Rich text as a description: its words, up to about two sentences."""
    text = " ".join(strip_tags(str(value or "")).split())
    return Truncator(text).chars(DESCRIPTION_LENGTH)


def _description(page: Page, route: str) -> str:
    """Plain-text fields as the editor wrote them (the template escapes them); rich text as
    its words."""
    if page.search_description and not route:
        return page.search_description
    if isinstance(page, AssessmentPage):
        return page.summary
    if isinstance(page, EditionPage):
        name = route_words.name_of_suffix(route)
        if name == "summary":
            return gettext("Every judgment on one page")
        if name == "foreword":
            return _from_rich_text(page.foreword)
        if name == "scale":
            return gettext("Probability scale and time horizons")
        return gettext("Published %(date)s. Information up to %(cutoff)s.") % {
            "date": date_format(timezone.localtime(page.published_at), "DATE_FORMAT"),
            "cutoff": date_format(page.cutoff_date, "DATE_FORMAT"),
        }
    if isinstance(page, ChapterPage):
        return _from_rich_text(page.introduction)
    return getattr(page, "intro", "") or ""


def _language(page: Page, alternates) -> str:
    """The page's language: the switcher knows it already (no query), else the page's locale."""
    current = next((a.code for a in alternates or [] if a.current), None)
    return current or page.locale.language_code


def describe(context) -> Description | None:
    """Describe the page of a template context (None outside the page tree and in previews)."""
    request: HttpRequest | None = context.get("request")
    page = context.get("page")
    if request is None or not isinstance(page, Page) or getattr(request, "is_preview", False):
        return None
    route = route_suffix(request, page)
    edition = context.get("edition")
    title = page.seo_title or page.title
    if context.get("route_title"):
        title = f"{context['route_title']} · {page.title}"
    is_edition = isinstance(page, EditionPage) and not route
    is_assessment = isinstance(page, AssessmentPage)
    found = Description(
        kind="edition" if is_edition else "assessment" if is_assessment else "page",
        title=title,
        description=_description(page, route),
        url=canonical(request, page),
        language=_language(page, context.get("alternates")),
        organisation=organisation(request, page.locale_id),
        home_url=absolute(request, (context.get("site_links") or {}).get("home") or "/"),
        og_type="article"
        if isinstance(page, EditionPage | ChapterPage | AssessmentPage)
        else "website",
        translations=[
            alternate.code
            for alternate in context.get("alternates") or []
            if alternate.same_page and not alternate.current
        ],
    )
    if isinstance(edition, EditionPage) and (is_edition or is_assessment):
        dates = from_loaded(page, context.get("breadcrumbs") or [])
        found.published = edition.published_at
        found.modified = max(
            moment for moment in (edition.published_at, dates.last_changed) if moment
        )
        found.edition_title = edition.title
        found.edition_url = edition.get_full_url(request)
        downloads = context.get("downloads") or {}
        pdf, audio = downloads.get("pdf"), downloads.get("audio")
        found.pdf_url = absolute(request, pdf.url) if pdf and pdf.ready else ""
        found.audio_url = absolute(request, audio.url) if audio and audio.ready else ""
    if is_assessment:
        chapter = context.get("chapter")
        found.section = chapter.title if chapter is not None else ""
        found.regions = list(context.get("region_list") or [])
    return found


def open_graph(found: Description) -> list[tuple[str, str]]:
    """Open Graph properties (ogp.me), in order. No og:image: the site has no picture that
    stands for a page (a chart cropped to a thumbnail would mislead)."""
    tags = [
        ("og:type", found.og_type),
        ("og:title", found.title),
        ("og:url", found.url),
        ("og:site_name", found.organisation),
        ("og:locale", og_locale(found.language)),
        *[("og:locale:alternate", og_locale(code)) for code in found.translations],
    ]
    if found.description:
        tags.insert(2, ("og:description", found.description))
    if found.og_type == "article" and found.published:
        tags.append(("article:published_time", timezone.localtime(found.published).isoformat()))
        if found.modified:
            tags.append(("article:modified_time", timezone.localtime(found.modified).isoformat()))
        if found.section:
            tags.append(("article:section", found.section))
        tags += [("article:tag", region.name) for region in found.regions]
    return tags


def _organisation(found: Description) -> dict:
    return {"@type": "GovernmentOrganization", "name": found.organisation, "url": found.home_url}


def json_ld(found: Description) -> dict | None:
    """schema.org: a `Report` for an edition, an `Article` that is part of it for an assessment."""
    if found.kind not in ("edition", "assessment"):
        return None
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Report" if found.kind == "edition" else "Article",
        "@id": found.url,
        "url": found.url,
        "headline": found.title,
        "name": found.title,
        "inLanguage": found.language,
        "datePublished": timezone.localtime(found.published).isoformat(),
        "dateModified": timezone.localtime(found.modified).isoformat(),
        "author": _organisation(found),
        "publisher": _organisation(found),
        "isAccessibleForFree": True,
    }
    if found.description:
        data["description"] = found.description
    if found.kind == "assessment":
        data["isPartOf"] = {
            "@type": "Report",
            "@id": found.edition_url,
            "name": found.edition_title,
            "url": found.edition_url,
        }
        if found.section:
            data["articleSection"] = found.section
        if found.regions:
            data["about"] = [
                {"@type": REGION_TYPES.get(region.kind, "Place"), "name": region.name}
                for region in found.regions
            ]
    if found.pdf_url:
        data["encoding"] = {
            "@type": "MediaObject",
            "contentUrl": found.pdf_url,
            "encodingFormat": "application/pdf",
        }
    if found.audio_url:
        data["audio"] = {
            "@type": "AudioObject",
            "contentUrl": found.audio_url,
            "encodingFormat": "audio/mpeg",
        }
    return data


# Inside <script>, "</script>" or "<!--" in a title would end the element or change how the
# browser reads it: JSON allows writing <, > and & as \u escapes, which browsers leave alone.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld_script(data: dict) -> SafeString:
    """The JSON for a `<script type="application/ld+json">` element, safe to place in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 (escaped above)
