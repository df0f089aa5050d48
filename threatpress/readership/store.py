"""Writing buffered counts: one statement per table that adds to the day's row or creates it.

`INSERT ... ON CONFLICT (key) DO UPDATE SET n = table.n + excluded.n` is the same SQL on SQLite
(3.24 and later) and PostgreSQL (9.5 and later), and it adds atomically even when several gunicorn
workers write the same day's row at once. Django's `bulk_create(update_conflicts=True)` would
overwrite the stored total with the increment instead of adding to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.db import connection, models, transaction
from wagtail.models import Page

from threatpress.publishing.visibility import public_pages

from .buffer import Counts
from .models import DownloadDay, PageViewDay, SearchTermDay

VIEW, DOWNLOAD, SEARCH, SEARCH_EMPTY = "view", "download", "search", "search-empty"


def view_key(day: date, page_id: int, route: str) -> tuple:
    return (VIEW, day, page_id, route)


def download_key(day: date, page_id: int, kind: str, fmt: str, language: str) -> tuple:
    return (DOWNLOAD, day, page_id, kind, fmt, language)


def search_key(day: date, query: str, language: str, found_nothing: bool) -> tuple:
    return (SEARCH_EMPTY if found_nothing else SEARCH, day, query, language)


def upsert_add(
    model: type[models.Model],
    key_fields: Sequence[str],
    add_fields: Sequence[str],
    rows: Iterable[Sequence],
) -> None:
    """Add each row's numbers to the row with the same key, creating it when there is none."""
    rows = list(rows)
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    key_columns = [qn(model._meta.get_field(name).column) for name in key_fields]
    add_columns = [qn(model._meta.get_field(name).column) for name in add_fields]
    columns = ", ".join(key_columns + add_columns)
    placeholders = ", ".join(["%s"] * (len(key_columns) + len(add_columns)))
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in add_columns)
    # Only quoted table and column names from the models go into the text; values are parameters.
    target = ", ".join(key_columns)
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({target}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def write_counts(counts: Counts) -> None:
    """Write one buffer's worth of counts in one transaction.

    Pages are counted only if they are public now (the one visibility rule): this also drops
    pages deleted since the read, and pages a visitor could see only with a password.
    """
    views: dict[tuple, int] = {}
    downloads: dict[tuple, int] = {}
    searches: dict[tuple, list[int]] = {}
    for key, amount in counts.items():
        tag, *rest = key
        if tag == VIEW:
            views[tuple(rest)] = amount
        elif tag == DOWNLOAD:
            downloads[tuple(rest)] = amount
        elif tag in (SEARCH, SEARCH_EMPTY):
            totals = searches.setdefault(tuple(rest), [0, 0])
            totals[0] += amount
            if tag == SEARCH_EMPTY:
                totals[1] += amount

    with transaction.atomic():
        page_ids = {key[1] for key in views} | {key[1] for key in downloads}
        public = set(
            public_pages(Page.objects.filter(pk__in=page_ids)).values_list("pk", flat=True)
            if page_ids
            else ()
        )
        upsert_add(
            PageViewDay,
            ("page", "route", "date"),
            ("views",),
            (
                (page_id, route, day, amount)
                for (day, page_id, route), amount in sorted(views.items(), key=_order)
                if page_id in public
            ),
        )
        upsert_add(
            DownloadDay,
            ("page", "kind", "format", "language", "date"),
            ("downloads",),
            (
                (page_id, kind, fmt, language, day, amount)
                for (day, page_id, kind, fmt, language), amount in sorted(
                    downloads.items(), key=_order
                )
                if page_id in public
            ),
        )
        upsert_add(
            SearchTermDay,
            ("query", "language", "date"),
            ("searches", "zero_results"),
            (
                (query, language, day, total, empty)
                for (day, query, language), (total, empty) in sorted(searches.items(), key=_order)
            ),
        )


def _order(item: tuple) -> tuple:
    """Write rows in key order, so that two workers writing at once take row locks in the same
    order (PostgreSQL) instead of deadlocking."""
    return tuple(str(part) for part in item[0])
