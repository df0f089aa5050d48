"""The language switcher and hreflang links lead to the same page in the other language, or,
when it has no public translation, to the edition's front page, saying so."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Locale

from threatpress.conftest import publish_all, translate_tree
from threatpress.reports.models import AssessmentPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual(edition):
    publish_all(edition.get_parent().get_parent())
    translate_tree(edition, "lt")
    return edition


def switcher(client, url: str) -> dict[str, dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    soup = BeautifulSoup(response.content, "html.parser")
    links = {}
    for item in soup.select(".language-switcher li > *"):
        links[item.get("lang")] = {
            "href": item.get("href"),
            "text": " ".join(item.get_text().split()),
            "current": item.get("aria-current") == "true",
        }
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in soup.select('head link[rel="alternate"][hreflang]')
    }
    return {"links": links, "alternates": alternates, "lang": soup.html.get("lang")}


@pytest.mark.parametrize(
    "path",
    [
        "",
        "reports/",
        "reports/2026/",
        ("reports/2026/summary/", "reports/2026/santrauka/"),
        "reports/2026/chapter-1/",
        "reports/2026/chapter-1/judgment-1-2/",
    ],
)
def test_each_language_links_to_the_same_page_in_the_other(client, bilingual, path):
    # An edition's summary has each language's word (reports/route_words.py).
    path, lt_path = path if isinstance(path, tuple) else (path, path)
    english = switcher(client, f"/en/{path}")
    assert english["lang"] == "en"
    assert english["links"]["en"]["current"]
    assert english["links"]["lt"]["href"] == f"/lt/{lt_path}"
    assert english["links"]["lt"]["text"] == "Lietuvių"
    assert english["alternates"] == {
        "en": f"http://testserver/en/{path}",
        "lt": f"http://testserver/lt/{lt_path}",
    }
    lithuanian = switcher(client, f"/lt/{lt_path}")
    assert lithuanian["lang"] == "lt"
    assert lithuanian["links"]["en"]["href"] == f"/en/{path}"
    assert lithuanian["links"]["lt"]["current"]


def test_a_page_without_translation_leads_to_the_editions_front_page_and_says_so(client, edition):
    publish_all(edition.get_parent().get_parent())
    translate_tree(edition, "lt", descendants=False)  # the edition only
    url = "/en/reports/2026/chapter-1/judgment-1-2/"
    english = switcher(client, url)
    link = english["links"]["lt"]
    assert link["href"] == "/lt/reports/2026/"
    assert "neišverstas" in link["text"]
    assert "lt" not in english["alternates"]  # another page is no alternate


def test_an_unpublished_translation_is_not_offered(client, bilingual):
    lithuanian = Locale.objects.get(language_code="lt")
    copy = AssessmentPage.objects.get(slug="judgment-1-2", locale=lithuanian)
    copy.unpublish()
    english = switcher(client, "/en/reports/2026/chapter-1/judgment-1-2/")
    assert english["links"]["lt"]["href"] == "/lt/reports/2026/"
    assert "lt" not in english["alternates"]


def test_pages_outside_the_tree_switch_by_address(client, bilingual):
    english = switcher(client, "/en/consent/")
    assert english["links"]["lt"]["href"] == "/lt/slapukai/"


def test_a_third_language_is_a_settings_change(client, bilingual, settings):
    languages = [("en", "English"), ("lt", "Lietuvių"), ("de", "Deutsch")]
    settings.LANGUAGES = languages
    settings.WAGTAIL_CONTENT_LANGUAGES = languages
    Locale.objects.get_or_create(language_code="de")
    # Before any German page is public the switcher offers German nowhere.
    assert "de" not in switcher(client, "/en/reports/2026/")["links"]
    translate_tree(bilingual, "de", marker="DE")
    english = switcher(client, "/en/reports/2026/chapter-1/")
    assert english["links"]["de"]["href"] == "/de/reports/2026/chapter-1/"
    assert english["links"]["de"]["text"] == "Deutsch"
    german = switcher(client, "/de/reports/2026/chapter-1/")
    assert german["lang"] == "de"
    assert set(german["alternates"]) == {"en", "lt", "de"}
