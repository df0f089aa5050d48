"""A region page and the index cost the same number of queries whatever the archive's size
(on a site of its own: the other region tests share one archive per module)."""

from __future__ import annotations

import pytest

from threatpress.conftest import build_edition, publish_all
from threatpress.regions.models import Region
from threatpress.reports.tests.factories import RegionFactory

from .test_region_pages import tag

pytestmark = pytest.mark.django_db


def _queries(client, django_assert_max_num_queries, url: str, limit: int) -> int:
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_archive(
    client, site_tree, django_assert_max_num_queries
):
    region = RegionFactory(name="Armenia", slug="armenia")
    editions = [build_edition(site_tree.reports, 2020, chapters=1, per_chapter=1)]
    publish_all(site_tree.home)
    tag(editions[0], "judgment-1-1", region)
    client.get("/en/")  # the first request of a site creates its settings row
    small = _queries(client, django_assert_max_num_queries, "/en/regions/armenia/", 25)
    small_index = _queries(client, django_assert_max_num_queries, "/en/regions/", 25)
    for year in range(2021, 2024):
        edition = build_edition(site_tree.reports, year, chapters=3, per_chapter=3)
        publish_all(edition)
        for slug in ("judgment-1-1", "judgment-2-3", "judgment-3-2"):
            tag(edition, slug, region, RegionFactory())
    large = _queries(client, django_assert_max_num_queries, "/en/regions/armenia/", 25)
    large_index = _queries(client, django_assert_max_num_queries, "/en/regions/", 25)
    assert large == small
    assert large_index == small_index
    assert Region.objects.count() == 1 + 3 * 3
