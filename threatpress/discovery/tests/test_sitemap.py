"""The sitemap, validated against the Sitemaps protocol's schema, and robots.txt."""

from __future__ import annotations

import datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest
import time_machine
import xmlschema
from django.urls import reverse
from wagtail.models import Page

from threatpress.discovery.views import PREVIEW_PREFIXES
from threatpress.publishing import scheduler

from .conftest import assessment, public_urls

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).parent / "schemas"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
ROUTES = {"en": ("summary/", "foreword/", "scale/"), "lt": ("santrauka/", "pratarme/", "skale/")}


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(
        SCHEMAS / "sitemap.xsd",
        locations={"http://www.w3.org/1999/xhtml": str(SCHEMAS / "xhtml-link.xsd")},
    )


def read_sitemap(client, schema) -> dict[str, dict]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    schema.validate(response.content.decode())  # raises with the line at fault
    root = ElementTree.fromstring(response.content)
    urls = {}
    for url in root.findall("s:url", NS):
        loc = url.findtext("s:loc", namespaces=NS)
        assert loc not in urls, f"{loc} listed twice"
        urls[loc] = {
            "lastmod": url.findtext("s:lastmod", namespaces=NS),
            "alternates": {
                link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)
            },
        }
    return urls


def test_the_schema_refuses_what_the_protocol_refuses(schema):
    good = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml"><url><loc>https://example.org/</loc>'
        "<lastmod>2026-03-10T10:00:00+02:00</lastmod>"
        '<xhtml:link rel="alternate" hreflang="lt" href="https://example.org/lt/"/></url></urlset>'
    )
    schema.validate(good)
    for bad in (
        good.replace("<lastmod>2026-03-10T10:00:00+02:00", "<lastmod>10 March 2026"),
        good.replace('hreflang="lt" ', ""),
        good.replace("<url><loc>https://example.org/</loc>", "<url>"),
        good.replace("xhtml:link", "xhtml:meta"),
        good.replace("</loc>", "</loc><priority>2</priority>"),
    ):
        assert not schema.is_valid(bad), bad


def test_every_public_page_in_every_language_and_nothing_else(client, bilingual, schema):
    urls = read_sitemap(client, schema)
    expected = set()
    for language in ("en", "lt"):
        for path in public_urls(language):
            expected.add(f"http://testserver{path}")
            if path.rstrip("/").endswith("/2026"):
                expected.update(f"http://testserver{path}{route}" for route in ROUTES[language])
    assert set(urls) == expected
    listed = " ".join(urls) + " ".join(h for u in urls.values() for h in u["alternates"].values())
    for why, path in bilingual.hidden.items():
        assert f"http://testserver{path}" not in listed, why
    # Every page says when it last changed.
    assert all(url["lastmod"] for url in urls.values())


def test_alternates_are_real_translations_only(client, bilingual, schema):
    urls = read_sitemap(client, schema)
    both = "http://testserver/en/reports/2026/chapter-1/judgment-1-2/"
    assert urls[both]["alternates"] == {
        "en": both,
        "lt": "http://testserver/lt/reports/2026/chapter-1/judgment-1-2/",
    }
    # Each language version lists the same set, itself included.
    lithuanian = urls["http://testserver/lt/reports/2026/chapter-1/judgment-1-2/"]
    assert lithuanian["alternates"] == urls[both]["alternates"]
    assert urls["http://testserver/lt/reports/2026/santrauka/"]["alternates"]["en"] == (
        "http://testserver/en/reports/2026/summary/"
    )
    # judgment-1-1's Lithuanian copy is not translated yet: the English page stands alone.
    alone = urls["http://testserver/en/reports/2026/chapter-1/judgment-1-1/"]
    assert alone["alternates"] == {}


def test_lastmod_follows_changes(client, bilingual, schema):
    page = assessment(bilingual, "judgment-2-2")
    later = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    with time_machine.travel(later, tick=False):
        page.summary = "A corrected summary."
        page.save_revision().publish()
    urls = read_sitemap(client, schema)
    assert urls[page.get_full_url()]["lastmod"] == "2030-01-02T05:04:05+02:00"
    # The pages that list it changed with it; its neighbours did not.
    assert urls["http://testserver/en/reports/2026/summary/"]["lastmod"].startswith("2030-01-02")
    assert urls["http://testserver/en/"]["lastmod"].startswith("2030-01-02")
    neighbour = assessment(bilingual, "judgment-2-1").get_full_url()
    assert not urls[neighbour]["lastmod"].startswith("2030")
    assert not urls["http://testserver/en/reports/2026/scale/"]["lastmod"].startswith("2030")


def test_an_embargoed_edition_is_listed_from_its_release_instant(client, bilingual, schema):
    with time_machine.travel(bilingual.release_at - datetime.timedelta(seconds=1), tick=False):
        scheduler.tick()
        before = read_sitemap(client, schema)
    assert not [url for url in before if "/2027/" in url]
    with time_machine.travel(bilingual.release_at + datetime.timedelta(seconds=1), tick=False):
        scheduler.tick()
        after = read_sitemap(client, schema)
    released = sorted(url for url in after if "/2027/" in url)
    assert released == [
        "http://testserver/en/reports/2027/",
        "http://testserver/en/reports/2027/chapter-1/",
        "http://testserver/en/reports/2027/chapter-1/judgment-1-1/",
        "http://testserver/en/reports/2027/chapter-1/judgment-1-2/",
        "http://testserver/en/reports/2027/foreword/",
        "http://testserver/en/reports/2027/scale/",
        "http://testserver/en/reports/2027/summary/",
    ]
    lastmod = datetime.datetime.fromisoformat(
        after["http://testserver/en/reports/2027/"]["lastmod"]
    )
    assert bilingual.release_at <= lastmod <= bilingual.release_at + datetime.timedelta(seconds=1)


def test_addresses_start_from_the_sites_root(client, bilingual, schema):
    site = Page.objects.get(depth=2, locale__language_code="en").get_site()
    site.hostname, site.port = "threats.example.org", 443
    site.save()
    # A request by another name (a proxy's, an IP address) still lists the site's addresses.
    response = client.get("/sitemap.xml")
    assert "<loc>https://threats.example.org/en/</loc>" in response.content.decode()
    schema.validate(response.content.decode())
    assert "testserver" not in response.content.decode()


def test_bad_page_numbers_are_not_found(client, bilingual):
    for page in ("0", "2", "x", "-1"):
        assert client.get(f"/sitemap.xml?p={page}").status_code == 404


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_admin_and_previews(
    client, bilingual
):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "User-agent: *" in lines
    for prefix in ("/admin/", "/preview/", "/preview-files/"):
        assert f"Disallow: {prefix}" in lines
    # The prefixes are the addresses the site really uses.
    assert reverse("preview_link", args=["t" * 32, ""]).startswith(PREVIEW_PREFIXES[0])
    assert reverse("preview_link_file", args=["t" * 32, "a.png"]).startswith(PREVIEW_PREFIXES[1])
    assert reverse("wagtailadmin_home") == "/admin/"
    assert client.post("/robots.txt").status_code == 405
    head = client.head("/robots.txt")  # what link checkers and some crawlers ask first
    assert head.status_code == 200 and head.content == b""


def test_queries_do_not_grow_with_the_site(client, bilingual):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from threatpress.conftest import build_edition, publish_all

    def queries() -> dict[str, int]:
        counts = {}
        for path in ("/sitemap.xml", "/en/feed/", "/en/reports/2026/chapter-1/judgment-1-2/"):
            client.get(path)  # warm Wagtail's and Django's per-process caches
            with CaptureQueriesContext(connection) as context:
                assert client.get(path).status_code == 200
            counts[path] = len(context.captured_queries)
        return counts

    before = queries()
    reports = bilingual.edition.get_parent()
    publish_all(build_edition(reports, 2025, chapters=3, per_chapter=3))
    after = queries()
    assert after == before


def test_country_pages_are_listed_in_each_language_with_their_translation(
    client, bilingual, schema
):
    from wagtail.models import Locale

    from threatpress.reports.tests.factories import RegionFactory

    armenia = RegionFactory(name="Armenia", slug="armenia")
    armenija = armenia.copy_for_translation(Locale.objects.get(language_code="lt"))
    armenija.name, armenija.slug = "Armėnija", "armenija"
    armenija.save()
    for language, region in (("en", armenia), ("lt", armenija)):
        page = assessment(bilingual, "judgment-1-2", language)
        page.regions = [region]
        page.save_revision().publish()
    # Iceland is named only by a judgment that is then withdrawn: it has no page.
    withdrawn = assessment(bilingual, "judgment-2-1")
    withdrawn.regions = [RegionFactory(name="Iceland", slug="iceland")]
    withdrawn.save_revision().publish()
    withdrawn.unpublish()

    urls = read_sitemap(client, schema)
    listed = {url.removeprefix("http://testserver") for url in urls if "/regions/" in url}
    listed |= {url.removeprefix("http://testserver") for url in urls if "/regionai/" in url}
    assert listed == {
        "/en/regions/",
        "/en/regions/armenia/",
        "/lt/regionai/",
        "/lt/regionai/armenija/",
    }
    for path in listed:  # each is a page the site serves
        assert client.get(path).status_code == 200, path
    assert urls["http://testserver/en/regions/armenia/"]["alternates"] == {
        "en": "http://testserver/en/regions/armenia/",
        "lt": "http://testserver/lt/regionai/armenija/",
    }
    assert urls["http://testserver/lt/regionai/"]["alternates"]["en"] == (
        "http://testserver/en/regions/"
    )
    # A country's page changed when its judgment last did.
    published = assessment(bilingual, "judgment-1-2").last_published_at
    lastmod = datetime.datetime.fromisoformat(
        urls["http://testserver/en/regions/armenia/"]["lastmod"]
    )
    assert lastmod == published.replace(microsecond=0)
