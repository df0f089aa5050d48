"""The payload corpus typed into the admin's forms (an assessment, an edition, a region, the site
settings) is saved as text and renders inert; rich text arrives as Draftail's JSON with hostile
link targets, as a browser would send it."""

from __future__ import annotations

import json
import uuid

import pytest
import wagtail_factories
from django.test import Client
from django.urls import reverse
from wagtail.models import Site
from wagtail.test.utils.form_data import inline_formset, streamfield

from threatpress.core.tests.admin_forms import publish_through_admin
from threatpress.core.tests.inert import inspect
from threatpress.core.tests.xss_payloads import HOSTILE_URLS, chunks, packed
from threatpress.regions.models import Region
from threatpress.reports.models import AssessmentPage, EditionPage

pytestmark = pytest.mark.django_db

EDITION = "/en/reports/2026/"
ASSESSMENT = f"{EDITION}chapter-1/judgment-1-1/"
HOSTILE_FOOTNOTE_ID = '"><script>alert(60)</script>'


def contentstate(text: str, footnote: str | None = None) -> str:
    """Draftail's JSON: the text once for each hostile link target, its first characters linked
    to it; optionally a footnote reference."""
    entities, blocks = {}, []
    for i, url in enumerate(HOSTILE_URLS):
        entities[str(i)] = {"type": "LINK", "mutability": "MUTABLE", "data": {"url": url}}
        ranges = [{"offset": 0, "length": min(4, len(text)), "key": i}]
        blocks.append({"key": f"k{i}", "type": "unstyled", "depth": 0, "text": text, "data": {}})
        blocks[-1] |= {"inlineStyleRanges": [], "entityRanges": ranges}
    for ref, note in enumerate([footnote, HOSTILE_FOOTNOTE_ID] if footnote else []):
        key = str(len(entities))
        entities[key] = {"type": "FOOTNOTES", "mutability": "IMMUTABLE", "data": {"footnote": note}}
        ranges = [{"offset": 0, "length": 3, "key": int(key)}]
        blocks.append({"key": f"f{ref}", "type": "unstyled", "depth": 0, "text": "[1]", "data": {}})
        blocks[-1] |= {"inlineStyleRanges": [], "entityRanges": ranges}
    return json.dumps({"blocks": blocks, "entityMap": entities})


def inert_page(url: str, *shown: str) -> None:
    """As a reader sees it (an editor also gets Wagtail's user bar, which has inline script)."""
    response = Client().get(url)
    assert response.status_code == 200, url
    page = inspect(response.content.decode())
    assert page.findings == [], (url, page.findings)
    assert [text for text in shown if not page.shows(text)] == [], url


# Quote attributions hold 250 characters, the tightest limit of the fields posted together;
# headings (160) get one block per payload.
@pytest.mark.parametrize("group", packed(250), ids=lambda group: group[0].text[:24])
def test_assessment_form(editor, group):
    value = " ".join(p.text for p in group)
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    image = wagtail_factories.ImageFactory(title="Chart")
    note = str(uuid.uuid4())
    body = [
        ("paragraph", contentstate(value, footnote=note)),
        *(("heading", p.text) for p in group),
        ("quote", {"text": value, "attribution": value}),
        ("figure", {"image": image.pk, "alt_text": value, "caption": value}),
    ]
    response = publish_through_admin(
        editor,
        page,
        {
            "title": value,
            "seo_title": value,
            "search_description": value,
            "summary": value,
            "body": streamfield(body),
            "probability": "likely",
            "horizon": "near",
            "regions": [],
            "footnotes": inline_formset([{"uuid": note, "text": contentstate(value)}]),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    inert_page(ASSESSMENT, value, *(p.text for p in group))
    inert_page(f"{EDITION}summary/", value)


def test_edition_form(editor):
    edition = EditionPage.objects.get(year=2026)
    labels, descriptions = chunks(60), chunks(255)
    terms = [
        {"key": f"t{i}", "label": label, "lower_bound": 0, "upper_bound": 100, "description": d}
        for i, (label, d) in enumerate(zip(labels, descriptions * 4, strict=False))
    ]
    horizons = [
        {"key": f"h{i}", "label": label, "span": label, "description": d}
        for i, (label, d) in enumerate(zip(labels, descriptions * 4, strict=False))
    ]
    response = publish_through_admin(
        editor,
        edition,
        {
            "year": 2026,
            "published_at": "2026-03-10 10:00",
            "cutoff_date": "2026-01-15",
            "foreword": contentstate(descriptions[0]),
            "foreword_signed_by": chunks(200)[0],
            "probability_terms": inline_formset(terms),
            "time_horizons": inline_formset(horizons),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert set(labels) <= {term.label for term in edition.probability_terms.all()}
    inert_page(f"{EDITION}scale/", *labels, *descriptions)
    inert_page(f"{EDITION}foreword/", descriptions[0], chunks(200)[0])


def test_region_form(editor):
    add = reverse("wagtailsnippets_regions_region:add") + "?locale=en"
    names = chunks(120)
    for i, name in enumerate(names):
        response = editor.post(add, {"name": name, "slug": f"region-{i}", "kind": "country"})
        assert response.status_code == 302, name
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    page.regions = list(Region.objects.all())
    page.save_revision().publish()
    inert_page(ASSESSMENT, *names)


@pytest.mark.parametrize("slug", ['"><script>alert(1)</script>', "javascript:alert(1)", "a b"])
def test_region_form_refuses_a_slug_that_is_not_one(editor, slug):
    add = reverse("wagtailsnippets_regions_region:add") + "?locale=en"
    response = editor.post(add, {"name": "Somewhere", "slug": slug, "kind": "country"})
    assert response.status_code == 200
    assert "slug" in response.context["form"].errors
    assert not Region.objects.exists()


def test_site_settings_form(editor):
    site = Site.objects.get()
    url = reverse("wagtailsettings:edit", args=["core", "siteidentity", site.pk])
    for value in chunks(200):
        response = editor.post(
            url,
            {
                "organisation": value,
                "tagline": value,
                "contact_email": "office@example.org",
                "footer_note": contentstate(value),
            },
        )
        assert response.status_code == 302, value
        inert_page("/en/", value)


def test_site_settings_form_refuses_an_address_that_is_not_one(editor):
    site = Site.objects.get()
    url = reverse("wagtailsettings:edit", args=["core", "siteidentity", site.pk])
    response = editor.post(url, {"contact_email": "x@example.org?body=<script>", "footer_note": ""})
    assert response.status_code == 200
    assert "contact_email" in response.context["form"].errors
