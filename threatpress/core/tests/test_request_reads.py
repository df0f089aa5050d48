"""What a page request reads once and reuses: the pages routing walked (as breadcrumbs) and the
site's languages. Reused within one request only, so an edit shows on the next request."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.utils import translation
from wagtail.models import Locale

from threatpress.conftest import build_edition
from threatpress.core.request_locales import active_locale_id, locale_codes
from threatpress.reports.models import AssessmentPage

URL = "/en/reports/2026/chapter-1/judgment-1-2/"


@pytest.fixture
def assessment(site_tree) -> AssessmentPage:
    build_edition(site_tree.reports, 2026, chapters=1, per_chapter=2)
    return AssessmentPage.objects.get(slug="judgment-1-2")


def crumb_texts(html: str) -> list[str]:
    nav = html.split('class="breadcrumbs__list"', 1)[1].split("</ol>", 1)[0]
    return [part.split("</a>", 1)[0] for part in nav.split('">')[1:] if "</a>" in part]


def test_breadcrumbs_of_a_routed_page_are_its_ancestors(client, assessment):
    response = client.get(URL)
    assert response.status_code == 200
    expected = list(assessment.get_ancestors().filter(depth__gt=1))
    assert [p.pk for p in response.context["breadcrumbs"]] == [p.pk for p in expected]
    assert response.context["edition"].pk == expected[-2].pk
    assert crumb_texts(response.content.decode()) == ["Home", "Reports", "2026", "Chapter 1"]


def test_a_renamed_chapter_shows_in_the_next_requests_breadcrumbs(client, assessment):
    client.get(URL)
    chapter = assessment.get_parent().specific
    chapter.title = "Renamed chapter"
    chapter.save_revision().publish()
    assert "Renamed chapter" in crumb_texts(client.get(URL).content.decode())


def test_without_routing_the_ancestors_are_read_from_the_tree(assessment, site_tree):
    request = RequestFactory().get(URL)
    assert assessment.routed_ancestors(request) is None  # a preview is not routed
    site_tree.home.specific.route(request, ["reports", "2026", "chapter-1", "judgment-1-2"])
    routed = assessment.routed_ancestors(request)
    assert [p.pk for p in routed] == [p.pk for p in assessment.ancestors_for_breadcrumbs]


@pytest.mark.parametrize("language", ["en", "lt", "de"])
def test_active_locale_is_wagtails(site_tree, language):
    request = RequestFactory().get("/")
    with translation.override(language):
        assert active_locale_id(request) == Locale.get_active().pk


def test_languages_are_read_once_a_request_and_afresh_for_the_next(
    site_tree, django_assert_num_queries
):
    request = RequestFactory().get("/")
    with django_assert_num_queries(1):
        first = locale_codes(request)
        assert locale_codes(request) is first
    added = Locale.objects.create(language_code="fr")
    assert added.pk not in first
    assert locale_codes(RequestFactory().get("/"))[added.pk] == "fr"
