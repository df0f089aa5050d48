"""The Atom feeds, read with feedparser as a feed reader would."""

from __future__ import annotations

import datetime

import feedparser
import pytest
import time_machine
from bs4 import BeautifulSoup

from threatpress.conftest import publish_all
from threatpress.discovery.feeds import FEED_LENGTH
from threatpress.publishing import scheduler
from threatpress.reports.models import EditionPage, HomePage

from .conftest import ORGANISATION, ORGANISATION_LT, assessment

pytestmark = pytest.mark.django_db


def read_feed(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_each_language_has_its_own_feed_of_editions_and_assessments(client, bilingual):
    english = read_feed(client, "/en/feed/")
    assert english.feed.language == "en"
    assert english.feed.title == f"{ORGANISATION}: new editions and assessments"
    assert english.feed.author == ORGANISATION
    assert english.feed.link == "http://testserver/en/"
    assert english.feed.id == "http://testserver/en/feed/"
    assert {link.rel: link.href for link in english.feed.links}["self"] == english.feed.id
    links = [entry.link for entry in english.entries]
    # The edition and its four public assessments; nothing from another language.
    assert len(links) == 5
    assert "http://testserver/en/reports/2026/" in links
    assert all(link.startswith("http://testserver/en/reports/2026/") for link in links)
    lithuanian = read_feed(client, "/lt/feed/")
    assert lithuanian.feed.language == "lt"
    assert lithuanian.feed.author == ORGANISATION_LT
    lt_links = [entry.link for entry in lithuanian.entries]
    assert all(link.startswith("http://testserver/lt/") for link in lt_links)
    assert all(entry.title.startswith("LT ") for entry in lithuanian.entries)
    # The copy still waiting for its translator is not there: three of the four assessments.
    assert len(lt_links) == 4


def test_entries_carry_what_a_reader_needs(client, bilingual):
    parsed = read_feed(client, "/en/feed/")
    by_link = {entry.link: entry for entry in parsed.entries}
    edition = by_link["http://testserver/en/reports/2026/"]
    assert edition.title == "National Threat Assessment 2026"
    assert edition.summary == "Published 10 March 2026. Information up to 15 January 2026."
    entry = by_link["http://testserver/en/reports/2026/chapter-1/judgment-1-2/"]
    page = assessment(bilingual, "judgment-1-2")
    assert entry.title == page.title
    assert entry.summary == page.summary
    assert entry.author == ORGANISATION
    # Ids are tag URIs from the page's translation key: they survive a changed slug.
    assert entry.id.startswith("tag:testserver,")
    assert entry.id.endswith(f":{page.translation_key}/en")
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)
    page.slug = "renamed"
    page.save_revision().publish()
    again = {e.title: e.id for e in read_feed(client, "/en/feed/").entries}
    assert again[page.title] == entry.id
    # The same page in Lithuanian is another entry of another feed.
    lt_ids = {e.id for e in read_feed(client, "/lt/feed/").entries}
    assert entry.id.replace("/en", "/lt") not in {e.id for e in parsed.entries}
    assert any(entry_id.endswith(f":{page.translation_key}/lt") for entry_id in lt_ids)


def test_an_assessment_is_filed_under_its_regions_in_name_order(client, bilingual):
    from threatpress.regions.models import Region

    page = assessment(bilingual, "judgment-1-2")
    for name in ("Ukraine", "Armenia"):
        page.regions.add(Region.objects.create(name=name, slug=name.lower(), locale=page.locale))
    page.save_revision().publish()
    by_link = {entry.link: entry for entry in read_feed(client, "/en/feed/").entries}
    entry = by_link["http://testserver/en/reports/2026/chapter-1/judgment-1-2/"]
    assert [tag.term for tag in entry.tags] == ["Armenia", "Ukraine"]
    edition = by_link["http://testserver/en/reports/2026/"]
    assert "tags" not in edition


def test_an_entry_is_dated_when_it_became_public(client, bilingual):
    edition = bilingual.edition
    parsed = read_feed(client, "/en/feed/")
    edition_entry = next(e for e in parsed.entries if e.link.endswith("/reports/2026/"))
    published = datetime.datetime(*edition_entry.published_parsed[:6], tzinfo=datetime.UTC)
    # The date the edition shows (or when it became public, if that was earlier).
    assert published == min(edition.published_at, edition.first_published_at.replace(microsecond=0))
    updated = datetime.datetime(*edition_entry.updated_parsed[:6], tzinfo=datetime.UTC)
    assert updated == edition.first_published_at.replace(microsecond=0)
    # Newest first; the feed itself is as new as its newest entry.
    dates = [entry.updated_parsed for entry in parsed.entries]
    assert dates == sorted(dates, reverse=True)
    assert parsed.feed.updated_parsed == dates[0]


def test_an_embargoed_edition_appears_at_its_release_instant_and_not_before(client, bilingual):
    release_at = bilingual.release_at
    with time_machine.travel(release_at - datetime.timedelta(seconds=1), tick=False):
        scheduler.tick()
        before = read_feed(client, "/en/feed/")
    assert not [e for e in before.entries if "/2027/" in e.link]
    with time_machine.travel(release_at + datetime.timedelta(seconds=1), tick=False):
        assert scheduler.tick() > 0
        after = read_feed(client, "/en/feed/")
    released = [e for e in after.entries if "/2027/" in e.link]
    assert [e.link for e in released] == [
        "http://testserver/en/reports/2027/",
        "http://testserver/en/reports/2027/chapter-1/judgment-1-1/",
        "http://testserver/en/reports/2027/chapter-1/judgment-1-2/",
    ]
    assert after.entries[:3] == released  # the newest, in reading order
    for entry in released:
        # The scheduler published them at its tick, one second after the instant.
        updated = datetime.datetime(*entry.updated_parsed[:6], tzinfo=datetime.UTC)
        assert release_at <= updated <= release_at + datetime.timedelta(seconds=1)


def test_a_language_without_a_public_home_has_no_feed(client, bilingual):
    home_lt = HomePage.objects.get(locale__language_code="lt")
    home_lt.unpublish()
    assert client.get("/lt/feed/").status_code == 404
    assert client.get("/en/feed/").status_code == 200


def test_a_site_with_nothing_published_yet_has_an_empty_feed(client, site_tree):
    publish_all(site_tree.home)
    parsed = read_feed(client, "/en/feed/")
    assert parsed.entries == []


def test_titles_and_summaries_are_text_not_markup(client, bilingual):
    page = assessment(bilingual, "judgment-2-1")
    page.title = "Sabotage & <script>alert(1)</script> “quoted” ąčęėįšųūž."
    page.summary = "Less <b>than</b> & more."
    page.save_revision().publish()
    parsed = read_feed(client, "/en/feed/")
    entry = next(e for e in parsed.entries if e.link.endswith("/judgment-2-1/"))
    assert entry.title == page.title
    # An HTML summary holding the text: the markup-looking words stay words.
    assert entry.summary_detail.type == "text/html"
    assert BeautifulSoup(entry.summary, "html.parser").get_text() == page.summary


def test_the_feed_is_announced_in_every_page_head(client, bilingual):
    for url, feed_url in (("/en/reports/2026/", "/en/feed/"), ("/lt/", "/lt/feed/")):
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        link = soup.select_one('head link[rel="alternate"][type="application/atom+xml"]')
        assert link is not None, url
        assert link["href"] == feed_url
        words = "nauji leidimai ir vertinimai" if url.startswith("/lt/") else "new editions"
        assert words in link["title"]


def test_the_feed_keeps_to_its_length(client, bilingual, monkeypatch):
    monkeypatch.setattr("threatpress.discovery.feeds.FEED_LENGTH", 3)
    assert len(read_feed(client, "/en/feed/").entries) == 3
    assert FEED_LENGTH >= 30  # a whole edition's release fits


def test_only_public_pages_are_entries(client, bilingual):
    text = client.get("/en/feed/").content.decode() + client.get("/lt/feed/").content.decode()
    for why, url in bilingual.hidden.items():
        assert url not in text, why
    assert "Draft judgment" not in text
    assert "Restricted" not in text
    # An edition whose release is cancelled and whose pages are unpublished: gone at once.
    EditionPage.objects.get(pk=bilingual.edition.pk).unpublish()
    assert read_feed(client, "/en/feed/").entries == []
