"""Hostile and absurd searches get a normal page, never a server error.

A property-based test (Hypothesis) throws any text at the query and every filter; explicit
cases name the classics. A NUL anywhere in an address is refused with the site's own 400 page
before any view runs (core/middleware.py, docs/security.md); the search itself would have
answered it normally too, as the last test shows by calling the view directly.
"""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from threatpress.conftest import build_edition, build_site, publish_all
from threatpress.search.views import search_view

pytestmark = pytest.mark.search_index

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
PARAMETERS = ("q", "year", "chapter", "region", "probability", "sort", "page")


def assert_normal_page(response, language: str = "en") -> None:
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    assert f'<html lang="{language}"' in body
    assert '<form class="search-form"' in body
    assert "</html>" in body


HOSTILE = [
    "",
    " ",
    "x" * 10_000,
    "threat " * 2_000,
    '"',
    '"""',
    '"unmatched quote',
    "NEAR(",
    "NEAR(a b, 2)",
    "* AND OR",
    "AND",
    "OR OR OR",
    "NOT",
    "-",
    "a*",
    "^title",
    "{title body}: x",
    "title:x",
    "'",
    "\\",
    "%",
    "_",
    "\x01\x02\x1b[31m",
    "\u202eevil\u202c",
    "\u200b\u200b",
    "\ufeff",
    "🙂🔥💣",
    "👨‍👩‍👧‍👦",
    "שלום עולם",
    "مرحبا بالعالم",
    "漢字かな交じり文",
    "'; DROP TABLE wagtailcore_page; --",
    "1' OR '1'='1",
    "1; SELECT pg_sleep(10)",
    "UNION SELECT password FROM auth_user",
    "<script>alert(1)</script>",
    "{{ 7*7 }} {% debug %}",
    "&amp; &#0; &#x0;",
    "a & b | c ! d",
    ":*",
    "'a':* & !'b'",
]


HOSTILE_FILTERS = [
    {"year": "99999999999999999999999"},
    {"year": "-1"},
    {"year": "2026.5"},
    {"year": "1e3"},
    {"chapter": "../../etc/passwd"},
    {"region": "x" * 10_000},
    {"probability": "' OR 1=1 --"},
    {"sort": "newest; DROP TABLE x"},
    {"page": "-1"},
    {"page": "0"},
    {"page": "99999999999999999999"},
    {"page": "last"},
    {"page": "1e9"},
    {"page": "999"},
]
values = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40),
    st.sampled_from(['"', "NEAR(", "* AND OR", "'", "\\", "--", "2026", "chapter-1", "likely"]),
    st.integers().map(str),
)


class HostileSearchTests(TestCase):
    """One public edition, built once; Hypothesis runs each example in its own transaction."""

    @classmethod
    def setUpTestData(cls):
        publish_all(build_edition(build_site().reports, 2026, chapters=1, per_chapter=2))

    def get(self, language: str = "en", **params):
        word = {"lt": "paieska"}.get(language, "search")
        return self.client.get(f"/{language}/{word}/", params, HTTP_USER_AGENT=BROWSER)

    def test_hostile_queries_get_a_normal_page(self):
        for query in HOSTILE:
            with self.subTest(query=query[:40]):
                response = self.get(q=query)
                assert_normal_page(response)
                assert "<script>alert(1)" not in response.content.decode()

    def test_hostile_lithuanian_queries_get_a_normal_lithuanian_page(self):
        for query in ["grėsmės", '"Rusija', "NEAR(", "x" * 10_000, "🙂"]:
            with self.subTest(query=query[:40]):
                assert_normal_page(self.get("lt", q=query), "lt")

    def test_hostile_filters_and_pages_get_a_normal_page(self):
        for params in HOSTILE_FILTERS:
            with self.subTest(params={k: v[:40] for k, v in params.items()}):
                assert_normal_page(self.get(q="judgment", **params))

    def test_a_repeated_parameter_gets_a_normal_page(self):
        url = "/en/search/?q=judgment&q=threat&year=2026&year=abc&page=1&page=2"
        assert_normal_page(self.client.get(url))

    def test_a_nul_is_refused_by_the_site_with_its_400_page(self):
        for query in ["%00", "a%00b", "%00%00%00"]:
            with self.subTest(query=query):
                response = self.client.get(f"/en/search/?q={query}")
                assert response.status_code == 400
                assert "Bad request" in response.content.decode()

    def test_the_search_itself_answers_a_nul_with_a_normal_page(self):
        request = RequestFactory().get("/en/search/", {"q": "judg\x00ment", "year": "\x00"})
        with translation.override("en"):
            response = search_view(request)
            response.render()
        assert_normal_page(response)
        assert response.context_data["query"].terms == ["judg", "ment"]

    @settings(max_examples=60, deadline=None)
    @given(params=st.dictionaries(st.sampled_from(PARAMETERS), values, max_size=4))
    def test_any_query_and_filters_get_a_normal_page_or_the_sites_400(self, params):
        response = self.get(**params)
        if any("\x00" in value for value in params.values()):
            assert response.status_code == 400  # the site refuses a NUL in any address
        else:
            assert_normal_page(response)
