"""The API's answers cost the same number of queries whatever the archive's size (on a site of
its own: the other API tests share one site per module)."""

from __future__ import annotations

import pytest

from threatpress.conftest import build_edition, publish_all
from threatpress.reports.models import AssessmentPage
from threatpress.reports.tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def _count(client, django_assert_max_num_queries, url: str) -> int:
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_archive(
    client, site_tree, django_assert_max_num_queries
):
    region = RegionFactory(name="Armenia", slug="armenia")
    urls = [
        "/api/v2/editions/",
        "/api/v2/assessments/?limit=100",
        "/api/v2/assessments/?region=armenia",
        "/api/v2/regions/",
        "/api/v2/pages/?limit=100",
    ]

    def grow(years):
        for year in years:
            edition = build_edition(site_tree.reports, year, chapters=2, per_chapter=3)
            publish_all(edition)
            for page in AssessmentPage.objects.descendant_of(edition):
                page.regions = [region, RegionFactory()]
                page.save_revision().publish()

    grow([2020])
    publish_all(site_tree.home)
    for url in urls:  # the first request fills the cache of the site's root paths
        client.get(url)
    small = {url: _count(client, django_assert_max_num_queries, url) for url in urls}
    grow(range(2021, 2026))
    large = {url: _count(client, django_assert_max_num_queries, url) for url in urls}
    assert large == small
    detail = AssessmentPage.objects.last().pk
    _count(client, django_assert_max_num_queries, f"/api/v2/assessments/{detail}/")
