"""Writing totals: adds on SQLite and PostgreSQL alike, also when writers race; no personal data."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, models

from threatpress.readership.models import DownloadDay, PageViewDay, SearchTermDay
from threatpress.readership.store import (
    download_key,
    search_key,
    view_key,
    write_counts,
)
from threatpress.reports.models import AssessmentPage

DAY = datetime.date(2026, 11, 20)


def ids(*slugs: str) -> list[int]:
    return [AssessmentPage.objects.get(slug=slug).pk for slug in slugs]


@pytest.mark.django_db
def test_each_write_adds_to_the_stored_total(edition):
    first, second = ids("judgment-1-1", "judgment-1-2")
    write_counts({view_key(DAY, first, ""): 2, view_key(DAY, second, ""): 5})
    write_counts({view_key(DAY, first, ""): 3, view_key(DAY + datetime.timedelta(1), first, ""): 1})
    totals = {(r.page_id, r.date): r.views for r in PageViewDay.objects.all()}
    assert totals == {(first, DAY): 5, (second, DAY): 5, (first, DAY + datetime.timedelta(1)): 1}


@pytest.mark.django_db
def test_downloads_and_searches_are_added_per_key(edition):
    (page,) = ids("judgment-1-1")
    write_counts(
        {
            download_key(DAY, page, "pdf", "screen", "en"): 2,
            download_key(DAY, page, "pdf", "print", "en"): 1,
            search_key(DAY, "belarus", "en", False): 3,
            search_key(DAY, "belarus", "en", True): 1,
        }
    )
    write_counts(
        {
            download_key(DAY, page, "pdf", "screen", "en"): 1,
            search_key(DAY, "belarus", "en", True): 2,
        }
    )
    assert {(d.format, d.downloads) for d in DownloadDay.objects.all()} == {
        ("screen", 3),
        ("print", 1),
    }
    search = SearchTermDay.objects.get()
    assert (search.searches, search.zero_results) == (6, 3)


@pytest.mark.django_db(transaction=True)
def test_writers_racing_on_the_same_rows_add_up_exactly(edition):
    """Two gunicorn workers flushing at the same moment: on PostgreSQL ON CONFLICT serialises
    the row, on SQLite the write lock does; neither may lose or double an increment."""
    pages = ids("judgment-1-1", "judgment-1-2", "judgment-2-1")
    rounds, writers = 15, 4
    errors = []

    def write() -> None:
        try:
            for _ in range(rounds):
                write_counts({view_key(DAY, page, ""): 1 for page in pages})
        except Exception as error:  # reported below; a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(PageViewDay.objects.values_list("views", flat=True)) == [rounds * writers] * 3


PERSONAL = ("ip", "addr", "agent", "user", "session", "cookie", "referer", "referrer", "visitor")


@pytest.mark.parametrize("model", [PageViewDay, DownloadDay, SearchTermDay])
def test_no_column_can_hold_personal_data(model):
    """Every column, listed: changing one should make someone think about this test."""
    columns = {field.column: type(field) for field in model._meta.concrete_fields}
    expected = {
        PageViewDay: {"id", "page_id", "route", "date", "views"},
        DownloadDay: {"id", "page_id", "kind", "format", "language", "date", "downloads"},
        SearchTermDay: {"id", "query", "language", "date", "searches", "zero_results"},
    }[model]
    assert set(columns) == expected
    assert not any(word in column for column in columns for word in PERSONAL)
    assert models.GenericIPAddressField not in columns.values()
    user_model = get_user_model()
    assert not any(
        field.related_model is user_model for field in model._meta.get_fields() if field.is_relation
    )
