"""The database goes away under a running site and comes back: a real gunicorn, a real database.

PostgreSQL: a cluster of our own is stopped (a fast shutdown, which cuts the workers' persistent
connections) and started again, without touching gunicorn. SQLite: the database file is taken
away, then replaced by a file that is not a database, then put back. Each time readers get the
503 page in their language (except a page the page cache holds, which is still served), and
the real page again once the database is back, with no restart.
These need no browser; PostgreSQL's server binaries (and runuser, as root) for the first.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from threatpress.core.tests.live_site import (
    build,
    get,
    gunicorn,
    postgres,
    site_env,
    warm_every_worker,
)

pytestmark = pytest.mark.live_services

PAGE = "/en/reports/2026/chapter-1/judgment-1-1/"
# Addresses that need the database: pages in both languages, a 404, the API, a document, search.
ADDRESSES = [
    ("/en/", "en"),
    ("/lt/", "lt"),
    (PAGE, "en"),
    ("/lt/no-such-page/", "lt"),
    ("/en/search/?q=threat", "en"),
    ("/documents/1/assessment.pdf", "en"),
]


def assert_503_everywhere(base: str, cached: tuple[str, ...] = ()) -> None:
    """Every address but `cached` (pages the page cache holds) answers the 503 page."""
    # Twice round, so that both workers (each with its own broken connection) answer.
    for _ in range(2):
        for path, language in ADDRESSES:
            if path in cached:
                continue
            answer = get(base + path, **{"Accept-Language": "en"})
            assert answer.status == 503, (path, answer.status, answer.body[:300])
            assert answer.headers["Retry-After"] == "30"
            assert answer.headers["Cache-Control"] == "no-store"
            assert f'<html lang="{language}"' in answer.body
            assert "Traceback" not in answer.body
        api = get(base + "/api/v2/pages/")
        assert (api.status, api.headers["Cache-Control"]) == (503, "no-store")
        assert api.headers["Content-Type"] == "application/json"
        assert get(base + "/healthz").status == 503


def wait_for_page(base: str, seconds: float = 20) -> float:
    """Seconds until the page answers 200 again, on every worker; fails after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if all(get(base + PAGE).status == 200 for _ in range(4)):
            return time.monotonic() - started
        time.sleep(0.2)
    pytest.fail(f"the site did not recover within {seconds} s of the database's return")


def test_postgresql_stopped_and_started_under_a_running_site(tmp_path):
    with postgres() as cluster:
        env = site_env(tmp_path / "var", cluster.url)
        build(env)
        with gunicorn(env) as (base, server):
            warm_every_worker(base, PAGE, tmp_path / "var" / "gunicorn.log")
            before = get(base + PAGE)
            assert before.status == 200 and "Judgment 1.1 of 2026" in before.body

            cluster.stop()
            # The page readers had is still served from the page cache; the rest is the 503.
            for _ in range(4):
                kept = get(base + PAGE)
                assert kept.status == 200 and kept.body == before.body
            assert_503_everywhere(base, cached=(PAGE,))

            cluster.start()
            print(f"PostgreSQL: the page was back {wait_for_page(base):.2f} s after pg_ctl start")
            assert "Judgment 1.1 of 2026" in get(base + PAGE).body
            # The small site has no Lithuanian home page: a real 404, read from the database.
            assert get(base + "/lt/").status == 404
            assert server.poll() is None, "gunicorn was restarted"
        log = (tmp_path / "var" / "gunicorn.log").read_text()
        assert "Service Unavailable: " in log  # the operator sees why in the log


def _move(source: Path, target: Path) -> None:
    """Move a SQLite database with its write-ahead log and shared-memory index."""
    for extra in ("", "-wal", "-shm"):
        if Path(f"{source}{extra}").exists():
            os.replace(f"{source}{extra}", f"{target}{extra}")


def _remove(database: Path) -> None:
    for extra in ("", "-wal", "-shm"):
        Path(f"{database}{extra}").unlink(missing_ok=True)


def test_sqlite_file_missing_then_not_a_database_then_restored(tmp_path):
    """A worker keeps reading a file it already has open even after the file is moved (its
    connection lives up to DATABASE_CONN_MAX_AGE), so the site starts with the file gone: the
    workers' first connections find the empty file SQLite makes in its place."""
    database = tmp_path / "var" / "db.sqlite3"
    kept = tmp_path / "kept.sqlite3"
    env = site_env(tmp_path / "var", f"sqlite:///{database}")
    build(env)
    _move(database, kept)  # deleted or moved by mistake
    with gunicorn(env) as (base, server):
        assert_503_everywhere(base)

        _remove(database)
        database.write_bytes(b"\0not a database\0" * 512)  # overwritten: unreadable
        assert_503_everywhere(base)

        _remove(database)
        _move(kept, database)  # restored from the copy
        # Far less than the connections' 60 s lifetime.
        print(f"SQLite: the page was back {wait_for_page(base, seconds=5):.2f} s after the restore")
        assert "Judgment 1.1 of 2026" in get(base + PAGE).body
        assert server.poll() is None, "gunicorn was restarted"
