"""Country and region pages: the index by kind, one region's judgments across editions with
their probability by year, nothing that is not public, both languages, and a constant cost."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction

from threatpress.conftest import (
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


def tag(edition, slug: str, *regions, probability: str | None = None) -> AssessmentPage:
    """Tag one assessment of `edition` (and publish that, as an editor would)."""
    page = AssessmentPage.objects.descendant_of(edition).get(slug=slug)
    page.regions = list(regions)
    if probability is not None:
        page.probability = probability
    page.save_revision().publish()
    return page


def soup_of(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture(scope="module")
def _archive_once(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        yield build_archive(build_site())


@pytest.fixture
def archive(_archive_once, db) -> dict:
    """Three public editions; Armenia is named in 2024, 2025 (twice) and 2026. Built once per
    module; each test gets fresh copies of the editions and regions."""
    cache.clear()
    return {
        "editions": {
            year: EditionPage.objects.get(pk=edition.pk)
            for year, edition in _archive_once["editions"].items()
        },
        **{name: Region.objects.get(pk=_archive_once[name].pk) for name in REGIONS},
    }


REGIONS = ("armenia", "caucasus", "nato")


def build_archive(site_tree) -> dict:
    armenia = RegionFactory(name="Armenia", slug="armenia")
    caucasus = RegionFactory(name="South Caucasus", slug="south-caucasus", kind="region")
    nato = RegionFactory(name="NATO", slug="nato", kind="organisation")
    editions = {}
    for year in (2024, 2025, 2026):
        editions[year] = build_edition(site_tree.reports, year, chapters=2, per_chapter=2)
    publish_all(site_tree.home)
    tag(editions[2024], "judgment-2-1", armenia, caucasus, probability="possible")
    tag(editions[2025], "judgment-1-2", armenia, probability="likely")
    tag(editions[2025], "judgment-2-2", armenia, nato, probability="highly-likely")
    tag(editions[2026], "judgment-2-1", armenia, caucasus, probability="likely")
    return {"editions": editions, "armenia": armenia, "caucasus": caucasus, "nato": nato}


def test_index_groups_regions_by_kind_with_their_number_of_judgments(client, archive):
    RegionFactory(name="Iceland", slug="iceland")  # named by no judgment: not listed
    soup = soup_of(client, "/en/regions/")
    assert soup.find("h1").get_text(strip=True) == "Countries and regions"
    groups = {
        section.find("h2").get_text(strip=True): [
            " ".join(li.get_text().split()) for li in section.select("li")
        ]
        for section in soup.select("section.region-kind")
    }
    assert groups == {
        "Countries": ["Armenia 4 key judgments"],
        "Regions": ["South Caucasus 2 key judgments"],
        "Organisations": ["NATO 1 key judgment"],
    }
    assert soup.select_one(".region-index a")["href"] == "/en/regions/armenia/"


def test_region_page_lists_every_judgment_newest_edition_first(client, archive):
    soup = soup_of(client, "/en/regions/armenia/")
    assert soup.find("h1").get_text(strip=True) == "Armenia"
    years = [h.contents[0].strip() for h in soup.select("h2.region-year__title")]
    assert years == ["2026", "2025", "2024"]
    first = soup.select("section.region-year")[1].select("li.region-judgment")
    assert [li.find("h3").get_text(strip=True) for li in first] == [
        "Judgment 1.2 of 2025 is a full sentence.",
        "Judgment 2.2 of 2025 is a full sentence.",
    ]
    item = first[0]
    assert item.find("h3").a["href"] == "/en/reports/2025/chapter-1/judgment-1-2/"
    assert item.select_one(".region-judgment__chapter a")["href"] == "/en/reports/2025/chapter-1/"
    assert item.select_one(".region-judgment__summary").get_text(strip=True)
    badges = [b.get_text(" ", strip=True) for b in item.select(".judgment-meta a")]
    assert badges == ["Likely (50–75%)", "Near term (6 months–2 years)"]
    assert (
        item.select_one(".judgment-meta a")["href"] == "/en/reports/2025/scale/#probability-likely"
    )


def test_timeline_is_a_table_of_probability_by_year(client, archive):
    table = soup_of(client, "/en/regions/armenia/").select_one("table.timeline__table")
    assert table.caption.get_text(strip=True) == (
        "Armenia: probability of each key judgment, by year"
    )
    heads = [" ".join(th.get_text().split()) for th in table.select("thead th")]
    assert heads == [
        "Year",
        "Unlikely <25%",
        "Possible 25–50%",
        "Likely 50–75%",
        "Highly likely >75%",
    ]
    rows = {}
    for tr in table.select("tbody tr"):
        year = tr.th.get_text(strip=True)
        rows[year] = [[a["href"] for a in td.select("a")] for td in tr.select("td")]
    assert list(rows) == ["2026", "2025", "2024"]
    ids = {
        (a.get_parent().get_parent().slug, a.slug): a.pk
        for a in AssessmentPage.objects.filter(regions=archive["armenia"])
    }
    assert rows["2025"] == [
        [],
        [],
        [f"#judgment-{ids[('2025', 'judgment-1-2')]}"],
        [f"#judgment-{ids[('2025', 'judgment-2-2')]}"],
    ]
    assert rows["2024"][1] == [f"#judgment-{ids[('2024', 'judgment-2-1')]}"]
    # The numbers are the judgments' places in their year's list; the text says which one.
    mark = table.select_one("tbody tr:nth-of-type(2) td:nth-of-type(4) a")
    assert " ".join(mark.get_text().split()) == (
        "Judgment 2: Judgment 2.2 of 2025 is a full sentence."
    )


def test_a_region_without_public_judgments_and_an_unknown_slug_are_404(client, archive):
    RegionFactory(name="Iceland", slug="iceland")
    assert client.get("/en/regions/iceland/").status_code == 404
    assert client.get("/en/regions/no-such-place/").status_code == 404
    assert client.get("/en/regions/%C5%A1/").status_code == 404
    assert client.get("/lt/regionai/armenia/").status_code == 404  # not a Lithuanian region


def test_an_embargoed_edition_is_absent_until_its_release(client, archive, people):
    edition = build_edition(archive["editions"][2026].get_parent(), 2027, chapters=1)
    secret = RegionFactory(name="Greenland", slug="greenland")
    page = AssessmentPage.objects.descendant_of(edition).first()
    page.title = "Embargoed judgment about Armenia."
    page.regions = [archive["armenia"], secret]
    page.save()
    as_drafts(edition)
    when = timezone.now() + datetime.timedelta(hours=1)
    schedule_release(EditionPage.objects.get(pk=edition.pk), when, people["publisher"])
    scheduler.tick()

    assert client.get("/en/regions/greenland/").status_code == 404
    assert b"Embargoed judgment" not in client.get("/en/regions/armenia/").content
    assert b"Greenland" not in client.get("/en/regions/").content

    with time_machine.travel(when + datetime.timedelta(seconds=1), tick=False):
        assert scheduler.tick() > 0
    assert b"Embargoed judgment" in client.get("/en/regions/greenland/").content
    armenia = soup_of(client, "/en/regions/armenia/")
    assert armenia.select("h2.region-year__title")[0].contents[0].strip() == "2027"


def test_a_draft_of_a_live_page_changes_nothing_until_published(client, archive):
    page = AssessmentPage.objects.descendant_of(archive["editions"][2026]).get(slug="judgment-2-1")
    page.title = "Draft wording of the judgment."
    page.regions = [archive["nato"]]  # the draft drops Armenia and names NATO
    page.save_revision()
    armenia = client.get("/en/regions/armenia/").content
    assert b"Draft wording" not in armenia
    assert b"Judgment 2.1 of 2026" in armenia
    assert b"Judgment 2.1 of 2026" not in client.get("/en/regions/nato/").content


def test_view_restricted_and_unpublished_pages_are_left_out(client, archive):
    restricted = AssessmentPage.objects.descendant_of(archive["editions"][2025]).get(
        slug="judgment-2-2"
    )
    PageViewRestriction.objects.create(
        page=restricted.get_parent(), restriction_type="password", password="x" * 12
    )
    archive["editions"][2024].unpublish()
    soup = soup_of(client, "/en/regions/armenia/")
    text = soup.get_text()
    assert "Judgment 2.2 of 2025" not in text and "2024" not in text
    assert client.get("/en/regions/nato/").status_code == 404


def test_region_names_on_an_assessment_link_to_their_page(client, archive):
    soup = soup_of(client, "/en/reports/2026/chapter-2/judgment-2-1/")
    links = [(a.get_text(), a["href"]) for a in soup.select(".regions a")]
    assert links == [
        ("Armenia", "/en/regions/armenia/"),
        ("South Caucasus", "/en/regions/south-caucasus/"),
    ]


def test_the_header_links_to_the_index(client, archive):
    nav = soup_of(client, "/en/").select_one("nav.site-nav")
    assert ("Countries and regions", "/en/regions/") in [
        (a.get_text(strip=True), a["href"]) for a in nav.select("a")
    ]


@pytest.fixture
def bilingual(archive):
    lithuanian = Locale.objects.get(language_code="lt")
    armenia = archive["armenia"].copy_for_translation(lithuanian)
    armenia.name, armenia.slug = "Armėnija", "armenija"
    armenia.save()
    translate_tree(archive["editions"][2026], "lt")
    return armenia


def switcher(client, url: str) -> tuple[dict, dict]:
    soup = soup_of(client, url)
    links = {
        item.get("lang"): (item.get("href"), " ".join(item.get_text().split()))
        for item in soup.select(".language-switcher li > *")
    }
    alternates = {
        link["hreflang"]: link["href"]
        for link in soup.select('head link[rel="alternate"][hreflang]')
    }
    return links, alternates


def test_lithuanian_region_page_lists_the_translated_judgments(client, bilingual):
    # The copies still carry the English tags: they count for the Lithuanian region.
    soup = soup_of(client, "/lt/regionai/armenija/")
    assert soup.html["lang"] == "lt"
    assert soup.find("h1").get_text(strip=True) == "Armėnija"
    titles = [h.get_text(strip=True) for h in soup.select("h3.region-judgment__title")]
    assert titles == ["LT Judgment 2.1 of 2026 is a full sentence."]
    assert soup.select_one("h3 a")["href"].startswith("/lt/")
    assert soup.select_one(".timeline__table caption").get_text(strip=True) == (
        "Armėnija: kiekvienos pagrindinės išvados tikimybė pagal metus"
    )


def test_switcher_leads_to_the_same_region_in_the_other_language(client, bilingual):
    links, alternates = switcher(client, "/en/regions/armenia/")
    assert links["lt"] == ("/lt/regionai/armenija/", "Lietuvių")
    assert alternates == {
        "en": "http://testserver/en/regions/armenia/",
        "lt": "http://testserver/lt/regionai/armenija/",
    }
    links, alternates = switcher(client, "/lt/regionai/armenija/")
    assert links["en"] == ("/en/regions/armenia/", "English")


def test_switcher_of_an_untranslated_region_leads_to_the_other_index(client, bilingual):
    links, alternates = switcher(client, "/en/regions/south-caucasus/")
    href, text = links["lt"]
    assert href == "/lt/regionai/"
    assert "visos šalys ir regionai" in text
    assert "lt" not in alternates  # another page: no hreflang
    links, alternates = switcher(client, "/en/regions/")
    assert links["lt"][0] == "/lt/regionai/"
    assert alternates["lt"] == "http://testserver/lt/regionai/"


def test_assessment_page_names_regions_in_its_language(client, bilingual):
    soup = soup_of(client, "/lt/reports/2026/chapter-2/judgment-2-1/")
    links = [(a.get_text(), a["href"]) for a in soup.select(".regions a")]
    # Armenia has a Lithuanian name and page; South Caucasus is not translated: named, no link.
    assert links == [("Armėnija", "/lt/regionai/armenija/")]
    assert "South Caucasus" in soup.select_one(".regions").get_text()


def test_a_language_without_a_home_page_has_no_index(client, archive):
    assert client.get("/lt/regionai/").status_code == 404
