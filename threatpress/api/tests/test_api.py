"""The public JSON API: what each endpoint says, its filters, its errors (400 JSON, never 500),
its headers, its cost, and that nothing unpublished ever appears in it."""

from __future__ import annotations

import datetime
import json
import re

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Locale, Page, PageViewRestriction

from threatpress.conftest import (
    Tree,
    as_drafts,
    build_edition,
    build_site,
    kept_for_the_module,
    publish_all,
    translate_tree,
)
from threatpress.publishing import scheduler
from threatpress.publishing.release import schedule_release
from threatpress.regions.models import Region
from threatpress.reports.models import AssessmentPage, EditionPage
from threatpress.reports.tests.factories import RegionFactory

pytestmark = pytest.mark.django_db
ENDPOINTS = ["editions", "assessments", "regions", "pages"]


def get(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def build_api_site(site_tree) -> dict:
    """2025 and 2026 in English, 2026 also in Lithuanian; Armenia named in both years."""
    armenia = RegionFactory(name="Armenia", slug="armenia")
    editions = {
        y: build_edition(site_tree.reports, y, chapters=2, per_chapter=2) for y in (2025, 2026)
    }
    publish_all(site_tree.home)
    for year, slug in ((2025, "judgment-1-1"), (2026, "judgment-2-2")):
        page = AssessmentPage.objects.descendant_of(editions[year]).get(slug=slug)
        page.regions = [armenia]
        page.body = [
            {"type": "paragraph", "value": f"<p>Body of {year} &amp; more.</p>"},
            {"type": "heading", "value": "Why"},
        ]
        page.save_revision().publish()
    translate_tree(editions[2026], "lt")
    lithuanian = armenia.copy_for_translation(Locale.objects.get(language_code="lt"))
    lithuanian.name, lithuanian.slug = "Armėnija", "armenija"
    lithuanian.save()
    return {"editions": editions, "armenia": armenia, "lt_armenia": lithuanian}


@pytest.fixture(scope="module")
def _site_once(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        tree = build_site()
        yield tree, build_api_site(tree)


@pytest.fixture
def site_tree(_site_once, db) -> Tree:
    """The module's site (built once; what a test changes is undone after it)."""
    cache.clear()
    built = _site_once[0]
    return Tree(
        home=Page.objects.get(pk=built.home.pk).specific,
        reports=Page.objects.get(pk=built.reports.pk).specific,
    )


@pytest.fixture
def site(site_tree, _site_once) -> dict:
    built = _site_once[1]
    return {
        "editions": {
            year: EditionPage.objects.get(pk=edition.pk)
            for year, edition in built["editions"].items()
        },
        "armenia": Region.objects.get(pk=built["armenia"].pk),
        "lt_armenia": Region.objects.get(pk=built["lt_armenia"].pk),
    }


def test_editions_newest_first_with_scale_urls_and_translations(client, site):
    data = get(client, "/api/v2/editions/")
    assert data["meta"]["total_count"] == 3
    items = data["items"]
    assert [(e["year"], e["language"]) for e in items] == [(2026, "en"), (2026, "lt"), (2025, "en")]
    first = items[0]
    assert first["title"] == "National Threat Assessment 2026"
    assert first["cutoff_date"] == "2026-01-15"
    assert first["published_at"].startswith("2026-03-10T10:00:00")
    assert first["meta"]["html_url"] == "http://testserver/en/reports/2026/"
    assert first["meta"]["detail_url"] == f"http://testserver/api/v2/editions/{first['id']}/"
    assert first["urls"]["summary"] == "http://testserver/en/reports/2026/summary/"
    assert [t["key"] for t in first["probability_scale"]] == [
        "unlikely",
        "possible",
        "likely",
        "highly-likely",
    ]
    assert first["probability_scale"][1]["band"] == "25–50%"
    assert first["time_horizons"][0] == {
        "key": "short",
        "label": "Short term",
        "span": "0–6 months",
        "description": "Within the next half year.",
    }
    assert [t["language"] for t in first["translations"]] == ["lt"]
    assert first["translations"][0]["html_url"] == "http://testserver/lt/reports/2026/"
    assert "foreword" not in first and "downloads" not in first  # detail only
    detail = get(client, f"/api/v2/editions/{first['id']}/")
    assert detail["foreword"] == "<p>This edition assesses the threats of the coming year.</p>"
    assert detail["downloads"] == []  # no file is ready in this test


def test_labels_are_in_the_content_language_whatever_the_browser_asks(client, site):
    data = get(client, "/api/v2/editions/?language=lt")
    assert data["items"][0]["probability_scale"][1]["band"] == "25–50\u00a0%"
    data = client.get("/api/v2/editions/?language=en", HTTP_ACCEPT_LANGUAGE="lt")
    assert json.loads(data.content)["items"][0]["probability_scale"][1]["band"] == "25–50%"


def test_editions_filter_by_language_and_year(client, site):
    assert [e["year"] for e in get(client, "/api/v2/editions/?year=2025")["items"]] == [2025]
    lt = get(client, "/api/v2/editions/?language=lt")["items"]
    assert [(e["year"], e["language"]) for e in lt] == [(2026, "lt")]
    assert get(client, "/api/v2/editions/?year=1999")["items"] == []


def test_assessments_carry_judgment_scale_edition_chapter_and_regions(client, site):
    data = get(client, "/api/v2/assessments/?language=en&year=2026&region=armenia")
    assert data["meta"]["total_count"] == 1
    item = data["items"][0]
    assert item["key_judgment"] == "Judgment 2.2 of 2026 is a full sentence."
    assert item["summary"]
    assert item["language"] == "en"
    assert item["probability"]["key"] == "likely" and item["probability"]["band"] == "50–75%"
    assert item["horizon"]["label"] == "Near term"
    assert item["edition"]["year"] == 2026
    assert item["edition"]["detail_url"].startswith("http://testserver/api/v2/editions/")
    assert item["chapter"] == {
        "title": "Chapter 2",
        "html_url": "http://testserver/en/reports/2026/chapter-2/",
    }
    assert [(r["name"], r["html_url"]) for r in item["regions"]] == [
        ("Armenia", "http://testserver/en/regions/armenia/")
    ]
    assert item["translations"][0]["language"] == "lt"
    assert "body" not in item
    detail = get(client, item["meta"]["detail_url"].removeprefix("http://testserver"))
    assert "<p>Body of 2026 &amp; more.</p>" in detail["body"]
    assert detail["body_text"] == "Body of 2026 & more.\n\nWhy"


def test_assessments_newest_edition_first_and_region_across_languages(client, site):
    years = [a["edition"]["year"] for a in get(client, "/api/v2/assessments/?language=en")["items"]]
    assert years == [2026] * 4 + [2025] * 4
    # The Lithuanian copy still carries the English tag; it is about Armėnija all the same.
    lt = get(client, "/api/v2/assessments/?region=armenija&language=lt")["items"]
    assert [a["key_judgment"] for a in lt] == ["LT Judgment 2.2 of 2026 is a full sentence."]
    assert [r["name"] for r in lt[0]["regions"]] == ["Armėnija"]
    both = get(client, "/api/v2/assessments/?region=armenia")["meta"]["total_count"]
    assert both == 3


def test_regions_list_only_those_public_judgments_name(client, site):
    RegionFactory(name="Iceland", slug="iceland")
    data = get(client, "/api/v2/regions/")
    found = {(r["language"], r["slug"]): r for r in data["items"]}
    assert set(found) == {("en", "armenia"), ("lt", "armenija")}
    armenia = found[("en", "armenia")]
    assert armenia["judgments"] == 2
    assert armenia["kind"] == "country"
    assert armenia["html_url"] == "http://testserver/en/regions/armenia/"
    assert armenia["assessments_url"] == (
        "http://testserver/api/v2/assessments/?region=armenia&language=en"
    )
    assert [(t["language"], t["html_url"]) for t in armenia["translations"]] == [
        ("lt", "http://testserver/lt/regionai/armenija/")
    ]
    assert get(client, f"/api/v2/regions/{site['armenia'].pk}/")["name"] == "Armenia"
    iceland = RegionFactory(name="Greenland", slug="greenland")
    get(client, f"/api/v2/regions/{iceland.pk}/", status=404)


def test_regions_list_is_empty_not_an_error_when_no_judgment_is_public(client, site):
    from wagtail.models import Page

    for home in Page.objects.filter(depth=2):
        home.unpublish()
    assert get(client, "/api/v2/regions/") == {"meta": {"total_count": 0}, "items": []}
    get(client, f"/api/v2/regions/{site['armenia'].pk}/", status=404)


def test_pages_endpoint_lists_public_pages_by_type(client, site):
    data = get(client, "/api/v2/pages/?type=reports.ChapterPage&language=en")
    assert data["meta"]["total_count"] == 4
    assert data["items"][0]["meta"]["type"] == "reports.ChapterPage"
    assert "parent" not in data["items"][0]["meta"] and "alias_of" not in data["items"][0]["meta"]
    root = get(client, "/api/v2/pages/?limit=1")["items"][0]
    assert root["meta"]["type"] == "reports.HomePage"  # not the tree's root


@pytest.mark.parametrize(
    "query",
    [
        "/api/v2/editions/?year=abc",
        "/api/v2/editions/?year=20266",
        "/api/v2/editions/?year=-1",
        "/api/v2/editions/?language=xx",
        "/api/v2/editions/?language=",
        "/api/v2/editions/?limit=-1",
        "/api/v2/editions/?limit=101",
        "/api/v2/editions/?limit=1e3",
        "/api/v2/editions/?offset=99999999999999999999999999",
        "/api/v2/editions/?offset=%E2%91%A0",  # a digit to str.isdigit, not to int()
        "/api/v2/editions/?search=x",
        "/api/v2/editions/?order=-year",
        "/api/v2/editions/?child_of=1",
        "/api/v2/editions/?title=x",
        "/api/v2/editions/?fields=nope",
        "/api/v2/editions/?fields=(((",
        "/api/v2/editions/?fields=title(year)",
        "/api/v2/assessments/?fields=body",  # detail only
        "/api/v2/assessments/?region=%00",
        "/api/v2/assessments/?region=" + "a" * 500,
        "/api/v2/assessments/?region=../../etc",
        "/api/v2/pages/?type=wagtailcore.Page",
        "/api/v2/pages/?type=auth.User",
        "/api/v2/pages/?type=%00",
        "/api/v2/regions/?year=2026",
        "/api/v2/editions/1/?search=x",
    ],
)
def test_bad_parameters_are_a_400_with_a_message(client, site, query):
    if "%00" in query:  # refused before any view, for the whole site (core/middleware.py)
        assert client.get(query).status_code == 400
        return
    data = get(client, query, status=400)
    assert data["message"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/editions/999999/",
        "/api/v2/editions/99999999999999999999999999999/",
        "/api/v2/editions/abc/",
        "/api/v2/images/",
        "/api/v2/documents/",
        "/api/v2/pages/find/?html_path=/en/",
        "/api/v2/nothing",
    ],
)
def test_unknown_addresses_are_a_json_404(client, site, url):
    assert get(client, url, status=404)["message"] == "not found"


def test_only_get_and_head(client, site):
    assert client.head("/api/v2/editions/").status_code == 200
    for method in (client.post, client.put, client.delete, client.options):
        assert method("/api/v2/editions/").status_code == 405


ABSURD = [
    "",
    " ",
    "0",
    "-0",
    "00000000000000000000000000000000000000001",
    "9" * 40,
    "1.5",
    "1e9",
    "NaN",
    "inf",
    "٣",  # an Arabic-Indic digit
    "²",
    "null",
    "true",
    "[]",
    "{}",
    "*",
    "_",
    "-",
    ",,,",
    "%",
    "%00",
    "\x00",
    "\n",
    "' OR 1=1 --",
    "<script>",
    "../../",
    "é" * 200,
    "🙂",
    "a" * 5000,
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "name", ["year", "language", "region", "limit", "offset", "fields", "type"]
)
def test_any_parameter_value_is_an_answer_never_a_500(client, site_tree, endpoint, name):
    for value in ABSURD:
        response = client.get(f"/api/v2/{endpoint}/", {name: value})
        assert response.status_code in (200, 400), (name, value, response.status_code)
        if "\x00" not in value:  # a NUL is refused before any view (core/middleware.py)
            assert response["Content-Type"] == "application/json", (name, value)


def test_headers_allow_public_caching_and_reading_from_any_site(client, site):
    response = client.get("/api/v2/assessments/")
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies
    again = client.get("/api/v2/assessments/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    error = client.get("/api/v2/assessments/?year=x")
    assert "no-cache" in error["Cache-Control"] and "max-age=0" in error["Cache-Control"]


@pytest.mark.parametrize("path", ["/api/v2/assessments/", "/api/v2/regions/?language=lt"])
def test_an_answer_is_the_same_whatever_language_the_browser_asks_for(client, site, path):
    """So no cache keeps a copy for each browser's language header: the answer says nothing of
    one (each record names its own language)."""
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    lithuanian = client.get(path, HTTP_ACCEPT_LANGUAGE="lt")
    assert english.content == lithuanian.content
    for response in (english, lithuanian):
        assert "Content-Language" not in response
        assert "accept-language" not in response.get("Vary", "").lower()
        assert response["Last-Modified"] and response["ETag"]
    # An error may be worded in the caller's language by Django REST framework: it says so.
    error = client.post(path, HTTP_ACCEPT_LANGUAGE="lt")
    assert error.status_code == 405 and "Accept-Language" in error["Vary"]


def test_a_logged_in_editor_gets_the_same_public_answer(client, site, admin_user):
    restricted = AssessmentPage.objects.get(
        slug="judgment-1-1",
        locale__language_code="en",
        path__startswith=site["editions"][2026].path,
    )
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    anonymous = client.get("/api/v2/assessments/?language=en").content
    client.force_login(admin_user)
    assert client.get("/api/v2/assessments/?language=en").content == anonymous
    assert b"Judgment 1.1 of 2026" not in anonymous
    get(client, f"/api/v2/assessments/{restricted.pk}/", status=404)


def _everything(client) -> bytes:
    """Every listing and every detail the listings name."""
    bodies = []
    for endpoint in ENDPOINTS:
        offset = 0
        while True:
            data = get(client, f"/api/v2/{endpoint}/?limit=100&offset={offset}")
            bodies.append(json.dumps(data, ensure_ascii=False))
            for item in data["items"]:
                path = item["meta"]["detail_url"].removeprefix("http://testserver")
                bodies.append(client.get(path).content.decode())
            offset += 100
            if offset >= data["meta"]["total_count"]:
                break
    return "\n".join(bodies).encode()


def test_embargoed_edition_and_drafts_never_appear_until_release(client, site, people):
    # A draft of a live page: new wording and a new region, saved but not published.
    live = AssessmentPage.objects.descendant_of(site["editions"][2026]).get(slug="judgment-1-2")
    live.title = "Draft wording of a live judgment."
    live.summary = "Draft summary."
    live.regions = [RegionFactory(name="Draftland", slug="draftland")]
    live.save_revision()
    # An edition written and scheduled, not yet released.
    embargoed = build_edition(site["editions"][2026].get_parent(), 2027, chapters=1)
    page = AssessmentPage.objects.descendant_of(embargoed).first()
    page.title = "Embargoed judgment of 2027."
    page.regions = [site["armenia"], RegionFactory(name="Secretland", slug="secretland")]
    page.save()
    as_drafts(embargoed)
    when = timezone.now() + datetime.timedelta(hours=1)
    schedule_release(EditionPage.objects.get(pk=embargoed.pk), when, people["publisher"])
    scheduler.tick()

    before = _everything(client)
    for secret in (b"Draft wording", b"Draft summary", b"Draftland", b"Secretland"):
        assert secret not in before, secret
    # The year, in an address, a title or a field; not inside a number (a timestamp's
    # microseconds, ".302027", once failed this test).
    assert re.search(rb"(?<![0-9.])2027(?![0-9])", before) is None
    get(client, f"/api/v2/assessments/{page.pk}/", status=404)
    get(client, f"/api/v2/editions/{embargoed.pk}/", status=404)
    get(client, f"/api/v2/pages/{embargoed.pk}/", status=404)
    assert get(client, "/api/v2/editions/?year=2027")["items"] == []

    with time_machine.travel(when + datetime.timedelta(seconds=1), tick=False):
        assert scheduler.tick() > 0
    after = _everything(client)
    assert b"Embargoed judgment of 2027." in after and b"Secretland" in after
    assert get(client, "/api/v2/editions/?year=2027")["items"][0]["year"] == 2027
    assert (
        get(client, "/api/v2/assessments/?region=armenia&language=en")["items"][0]["key_judgment"]
        == "Embargoed judgment of 2027."
    )
    assert b"Draft wording" not in after  # still a draft
