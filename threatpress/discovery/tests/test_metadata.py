"""Canonical links, Open Graph and JSON-LD in the page head, read as machines read them."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import msgspec_schemaorg.models as schemaorg
import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory
from pyld import jsonld

from threatpress.discovery import metadata
from threatpress.reports.models import EditionPage

from .conftest import ORGANISATION, ORGANISATION_LT, assessment

pytestmark = pytest.mark.django_db
CONTEXT = json.loads((Path(__file__).parent / "schemas/schemaorg-context.jsonld").read_text())
SCHEMA = "http://schema.org/"
JUDGMENT = "http://testserver/en/reports/2026/chapter-1/judgment-1-2/"


def head(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def og(soup: BeautifulSoup) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tag in soup.select("head meta[property]"):
        found.setdefault(tag["property"], []).append(tag["content"])
    return found


def structured_data(soup: BeautifulSoup) -> list[dict]:
    return [json.loads(s.string) for s in soup.select('script[type="application/ld+json"]')]


def offline_loader(url: str, options=None) -> dict:
    """pyld's document loader: schema.org's context from the file, anything else refused."""
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise AssertionError(f"the test would have fetched {url}")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": CONTEXT}  # fmt: skip


def expand(data: dict) -> list[dict]:
    return jsonld.expand(data, {"documentLoader": offline_loader})


def check_terms(compact: dict, expanded: dict) -> None:
    """Every property of `compact` survived expansion (so the context knows it), and
    schema.org gives that property to that type; recursively for nested nodes."""
    (type_iri,) = expanded["@type"]
    assert type_iri.startswith(SCHEMA), type_iri
    type_name = type_iri.removeprefix(SCHEMA)
    model = getattr(schemaorg, type_name, None)
    assert model is not None, f"schema.org has no type {type_name}"
    properties = {key for key in compact if not key.startswith("@")}
    expanded_properties = {key.removeprefix(SCHEMA) for key in expanded if not key.startswith("@")}
    assert expanded_properties == properties, f"dropped: {properties - expanded_properties}"
    for name in properties:
        assert name in model.__struct_encode_fields__, f"{type_name} has no property {name}"
        values = compact[name] if isinstance(compact[name], list) else [compact[name]]
        for value, node in zip(values, expanded[SCHEMA + name], strict=True):
            if isinstance(value, dict):
                check_terms(value, node)


def test_canonical_links_are_absolute_and_name_the_route(client, bilingual):
    for path in (
        "/en/",
        "/en/reports/",
        "/en/reports/2026/",
        "/en/reports/2026/summary/",
        "/en/reports/2026/foreword/",
        "/en/reports/2026/scale/",
        "/en/reports/2026/chapter-1/",
        "/en/reports/2026/chapter-1/judgment-1-2/",
        "/lt/reports/2026/santrauka/",
    ):
        soup = head(client, f"{path}?utm_source=newsletter")
        links = soup.select('head link[rel="canonical"]')
        assert [link["href"] for link in links] == [f"http://testserver{path}"]
        assert og(soup)["og:url"] == [f"http://testserver{path}"]


def test_open_graph_describes_the_page_in_its_language(client, bilingual):
    tags = og(head(client, "/en/reports/2026/chapter-1/judgment-1-2/"))
    page = assessment(bilingual, "judgment-1-2")
    assert tags["og:type"] == ["article"]
    assert tags["og:title"] == [page.title]
    assert tags["og:description"] == [page.summary]
    assert tags["og:site_name"] == [ORGANISATION]
    assert tags["og:locale"] == ["en_GB"]
    assert tags["og:locale:alternate"] == ["lt_LT"]
    assert tags["article:section"] == ["Chapter 1"]
    assert datetime.datetime.fromisoformat(tags["article:published_time"][0]) == (
        bilingual.edition.published_at
    )
    assert "og:image" not in tags  # there is no picture that stands for a page
    lithuanian = og(head(client, "/lt/reports/2026/chapter-1/judgment-1-2/"))
    assert lithuanian["og:locale"] == ["lt_LT"]
    assert lithuanian["og:locale:alternate"] == ["en_GB"]
    assert lithuanian["og:site_name"] == [ORGANISATION_LT]
    # A page whose translation is not public announces no other language.
    alone = og(head(client, "/en/reports/2026/chapter-1/judgment-1-1/"))
    assert "og:locale:alternate" not in alone
    home = og(head(client, "/en/"))
    assert home["og:type"] == ["website"]
    assert "article:published_time" not in home


def test_an_assessment_is_an_article_that_is_part_of_its_edition(client, bilingual):
    (data,) = structured_data(head(client, "/en/reports/2026/chapter-1/judgment-1-2/"))
    page = assessment(bilingual, "judgment-1-2")
    edition = bilingual.edition
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Article"
    assert data["url"] == data["@id"] == JUDGMENT
    assert data["headline"] == page.title
    assert data["description"] == page.summary
    assert data["inLanguage"] == "en"
    assert datetime.datetime.fromisoformat(data["datePublished"]) == edition.published_at
    assert datetime.datetime.fromisoformat(data["dateModified"]) >= edition.published_at
    assert data["publisher"] == {
        "@type": "GovernmentOrganization",
        "name": ORGANISATION,
        "url": "http://testserver/en/",
    }
    assert data["author"] == data["publisher"]
    assert data["isPartOf"] == {
        "@type": "Report",
        "@id": "http://testserver/en/reports/2026/",
        "name": edition.title,
        "url": "http://testserver/en/reports/2026/",
    }
    assert data["articleSection"] == "Chapter 1"
    check_terms(data, expand(data)[0])


def test_regions_are_what_an_assessment_is_about(client, bilingual):
    from threatpress.regions.models import Region

    page = assessment(bilingual, "judgment-1-2")
    page.regions = [
        Region.objects.create(name="Belarus", slug="belarus", kind="country"),
        Region.objects.create(name="Sahel", slug="sahel", kind="region"),
        Region.objects.create(name="NATO", slug="nato", kind="organisation"),
    ]
    page.save_revision().publish()
    (data,) = structured_data(head(client, "/en/reports/2026/chapter-1/judgment-1-2/"))
    assert data["about"] == [
        {"@type": "Country", "name": "Belarus"},
        {"@type": "Organization", "name": "NATO"},
        {"@type": "Place", "name": "Sahel"},
    ]
    check_terms(data, expand(data)[0])


def test_an_edition_is_a_report_by_the_organisation_in_its_language(client, bilingual):
    (data,) = structured_data(head(client, "/en/reports/2026/"))
    assert data["@type"] == "Report"
    assert data["headline"] == "National Threat Assessment 2026"
    assert data["url"] == "http://testserver/en/reports/2026/"
    assert data["description"] == "Published 10 March 2026. Information up to 15 January 2026."
    assert "isPartOf" not in data
    check_terms(data, expand(data)[0])
    (lithuanian,) = structured_data(head(client, "/lt/reports/2026/"))
    assert lithuanian["inLanguage"] == "lt"
    assert lithuanian["publisher"]["name"] == ORGANISATION_LT
    assert lithuanian["publisher"]["url"] == "http://testserver/lt/"
    check_terms(lithuanian, expand(lithuanian)[0])


def test_the_pdf_and_the_recording_are_named_when_they_exist(client, bilingual, engines):
    from threatpress.exports import builder

    builder.build_due()
    (data,) = structured_data(head(client, "/en/reports/2026/chapter-1/judgment-1-2/"))
    assert data["encoding"] == {
        "@type": "MediaObject",
        "contentUrl": f"{JUDGMENT}judgment-1-2-2026.pdf",
        "encodingFormat": "application/pdf",
    }
    assert data["audio"]["contentUrl"] == f"{JUDGMENT}judgment-1-2-2026.mp3"
    check_terms(data, expand(data)[0])
    assert client.get(data["encoding"]["contentUrl"]).status_code == 200


def test_pages_that_are_not_reports_have_no_structured_data(client, bilingual):
    for path in (
        "/en/",
        "/en/reports/",
        "/en/reports/2026/summary/",
        "/en/reports/2026/chapter-1/",
    ):
        assert structured_data(head(client, path)) == [], path


HOSTILE = '</script><script>alert("x")</script><!-- & </SCRIPT > “quoted” ąčęėįšųūž'


def test_a_hostile_title_stays_inside_its_json(client, bilingual):
    page = assessment(bilingual, "judgment-1-2")
    page.title = HOSTILE
    page.summary = "<!--<script>"
    page.save_revision().publish()
    response = client.get("/en/reports/2026/chapter-1/judgment-1-2/")
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    # One data block, no script element but the site's own files.
    inline = [s for s in soup.find_all("script") if not s.get("src")]
    assert [s["type"] for s in inline] == ["application/ld+json"]
    (data,) = structured_data(soup)
    assert data["headline"] == HOSTILE
    assert data["description"] == "<!--<script>"
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block
    # The readers' policy still allows no inline script: the data block needs no exception,
    # because a browser never runs a script whose type is not JavaScript.
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert og(soup)["og:title"] == [HOSTILE]


def test_previews_and_pages_outside_the_tree_describe_nothing(client, bilingual):
    request = RequestFactory().get("/en/reports/2026/")
    request.is_preview = True
    page = EditionPage.objects.get(pk=bilingual.edition.pk)
    assert metadata.describe({"request": request, "page": page, "edition": page}) is None
    assert metadata.describe({"request": request}) is None
    soup = BeautifulSoup(client.get("/en/nothing-here/").content, "html.parser")
    assert not og(soup)
    assert not structured_data(soup)


def test_og_locale_names_the_territory():
    assert metadata.og_locale("en") == "en_GB"
    assert metadata.og_locale("lt") == "lt_LT"
    assert metadata.og_locale("de") == "de_DE"
    assert metadata.og_locale("pt-br") == "pt_BR"
