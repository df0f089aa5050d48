"""On PostgreSQL the search index keeps each entry's body in its own row (migration 0002): a
search ranks every entry that holds a word, and reading their bodies out of TOAST cost most of
the query (docs/search.md)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from threatpress.conftest import build_edition, build_site, publish_all

pytestmark = [pytest.mark.search_index, pytest.mark.django_db]


def storage_of(column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'wagtailsearch_indexentry'::regclass AND attname = %s",
            [column],
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's storage only")
def test_index_bodies_stay_in_their_rows_even_after_a_rebuild():
    # "m" (main): compressed, kept in the row; PostgreSQL's default for a tsvector is "x"
    # (extended), which moves a body of a few kilobytes out to the TOAST table.
    assert storage_of("body") == "m"
    site = build_site()
    publish_all(build_edition(site.reports, 2026, chapters=1, per_chapter=2))
    call_command("update_index", verbosity=0)
    assert storage_of("body") == "m"
