"""An edition's own pages and the search have addresses in the page's language: a Lithuanian
reader cites `/lt/…/2026/santrauka/`, not an English word in a Lithuanian address. Another
language's word redirects to the page's own, so that an address cited before still works."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from threatpress.caching import policy
from threatpress.caching.affected import affected_paths
from threatpress.conftest import build_edition, publish_all, translate_tree
from threatpress.reports.models import ChapterPage

pytestmark = pytest.mark.django_db

EN, LT = "/en/reports/2026/", "/lt/reports/2026/"
WORDS = [("summary", "santrauka"), ("foreword", "pratarme"), ("scale", "skale")]


@pytest.fixture
def editions(site_tree):
    edition = build_edition(site_tree.reports, 2026, chapters=1, per_chapter=1)
    edition.foreword = "<p>Why this edition matters.</p>"
    edition.save_revision().publish()
    publish_all(edition)
    return edition, translate_tree(edition)


@pytest.mark.parametrize(("english", "lithuanian"), WORDS)
def test_each_language_answers_in_its_own_words(client, editions, english, lithuanian):
    assert client.get(f"{EN}{english}/").status_code == 200
    assert client.get(f"{LT}{lithuanian}/").status_code == 200


@pytest.mark.parametrize(("english", "lithuanian"), WORDS)
def test_the_other_languages_word_redirects_for_good_with_the_query(
    client, editions, english, lithuanian
):
    moved = client.get(f"{LT}{english}/?utm_source=mail")
    assert moved.status_code == 301
    assert moved["Location"] == f"{LT}{lithuanian}/?utm_source=mail"
    moved = client.get(f"{EN}{lithuanian}/")
    assert (moved.status_code, moved["Location"]) == (301, f"{EN}{english}/")
    # A client that sends the query unencoded gets it back percent-encoded, not garbled.
    moved = client.get(f"{LT}{english}/", QUERY_STRING="q=grėsmė".encode().decode("latin-1"))
    assert moved["Location"] == f"{LT}{lithuanian}/?q=gr%C4%97sm%C4%97"


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_lithuanian_pages_link_the_lithuanian_words(client, editions):
    edition_lt = client.get(LT).content.decode()
    assert {f"{LT}santrauka/", f"{LT}pratarme/", f"{LT}skale/"} <= _links(edition_lt)
    home = client.get("/lt/").content.decode()
    assert f"{LT}santrauka/" in _links(home)
    assessment = client.get(f"{LT}chapter-1/judgment-1-1/").content.decode()
    assert any(link.startswith(f"{LT}skale/#probability-") for link in _links(assessment))
    assert [
        link for link in _links(edition_lt) if re.search(r"/(summary|foreword|scale)/", link)
    ] == []


def test_the_switcher_canonical_and_hreflang_use_each_languages_words(client, editions):
    html = client.get(f"{LT}santrauka/").content.decode()
    assert f'<link rel="canonical" href="http://testserver{LT}santrauka/">' in html
    assert f'hreflang="en" href="http://testserver{EN}summary/"' in html
    assert f'hreflang="lt" href="http://testserver{LT}santrauka/"' in html
    html = client.get(f"{EN}scale/").content.decode()
    assert f'hreflang="lt" href="http://testserver{LT}skale/"' in html
    assert f'href="{LT}skale/"' in html  # the language switcher


def test_the_sitemap_lists_each_page_once_in_its_own_words(client, editions):
    xml = client.get("/sitemap.xml").content.decode()
    addresses = re.findall(r"<loc>http://testserver([^<]+)</loc>", xml)
    assert f"{LT}santrauka/" in addresses and f"{EN}summary/" in addresses
    assert f"{LT}summary/" not in addresses and f"{EN}santrauka/" not in addresses


def test_the_api_gives_each_edition_its_own_words(client, editions):
    found = client.get("/api/v2/editions/?language=lt").json()["items"]
    assert [item["urls"]["summary"] for item in found] == [f"http://testserver{LT}santrauka/"]


def test_a_purge_of_the_edition_covers_both_words_in_both_languages(editions):
    paths = affected_paths(editions[0])
    assert {f"{LT}santrauka/", f"{LT}summary/", f"{EN}summary/", f"{EN}santrauka/"} <= paths


@pytest.mark.parametrize("slug", ["santrauka", "pratarme", "skale", "summary", "print"])
def test_no_chapter_may_take_a_routes_word(editions, slug):
    chapter = ChapterPage.objects.filter(locale__language_code="lt").first()
    chapter.slug = slug
    with pytest.raises(ValidationError, match="reserved"):
        chapter.full_clean()


def test_the_search_has_the_languages_word_and_the_english_one_redirects(client, editions):
    assert client.get("/lt/paieska/?q=judgment").status_code == 200
    moved = client.get("/lt/search/?q=judgment")
    assert (moved.status_code, moved["Location"]) == (301, "/lt/paieska/?q=judgment")
    moved = client.get("/lt/search/", QUERY_STRING="q=grėsmė".encode().decode("latin-1"))
    assert moved["Location"] == "/lt/paieska/?q=gr%C4%97sm%C4%97"
    assert client.get("/en/search/?q=judgment").status_code == 200
    assert 'action="/lt/paieska/"' in client.get("/lt/").content.decode()
    # Never kept by a cache, in either word (results depend on what is public this second).
    assert policy.is_search("/lt/paieska/") and not policy.cacheable_path("/lt/paieska/")
    assert not policy.cacheable_path("/lt/search/")


def test_a_read_is_counted_under_the_routes_one_name_in_either_language(client, editions):
    from threatpress.readership import counting
    from threatpress.readership.models import PageViewDay
    from threatpress.readership.tests.conftest import BROWSER

    client.defaults["HTTP_USER_AGENT"] = BROWSER
    assert client.get(f"{LT}santrauka/").status_code == 200
    assert client.get(f"{EN}summary/").status_code == 200
    assert client.get(f"{LT}summary/").status_code == 301  # a redirect is not a read
    counting.flush()
    rows = PageViewDay.objects.filter(date=counting.today())
    assert sorted((row.page.locale.language_code, row.route, row.views) for row in rows) == [
        ("en", "summary", 1),
        ("lt", "summary", 1),
    ]
