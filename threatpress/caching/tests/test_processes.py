"""Several processes: a purge recorded by one process (the scheduler, an editor's worker)
reaches the local cache of every gunicorn worker within 2 seconds, without the database."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from threatpress.caching import invalidation
from threatpress.conftest import build_edition, publish_all
from threatpress.reports.models import AssessmentPage

ROOT = Path(__file__).resolve().parents[3]
PAGE = "/en/reports/2026/chapter-1/judgment-1-1/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def database_url() -> str:
    """The test database, for the gunicorn the test starts (SQLite's file or PostgreSQL's)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def served(site_tree, tmp_path, settings):
    """Gunicorn with two workers on the test database (committed: transaction=True)."""
    settings.THREATPRESS_CACHE_PURGE_LOG = tmp_path / "purges.log"
    edition = build_edition(site_tree.reports, 2026, chapters=1, per_chapter=2)
    publish_all(edition)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "threatpress.settings.test",
        "DATABASE_URL": database_url(),
        "THREATPRESS_CACHE_PURGE_LOG": str(settings.THREATPRESS_CACHE_PURGE_LOG),
    }
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    # --preload, as in production: both workers fork from a loaded app at once. Without it
    # the second could still be importing Django after the first answered /healthz, serve none
    # of the requests that fill both caches, and then render the changed page fresh (seen once
    # in CI under load).
    process = subprocess.Popen(
        [gunicorn, "threatpress.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--preload", "--no-control-socket"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_a_purge_from_another_process_reaches_every_worker_within_two_seconds(served):
    # Both workers store the page: requests four at a time keep both busy (one after the other,
    # the kernel may hand every request to the same worker).
    for _ in range(2):  # twice, a second apart: a worker late to start stores it too
        with ThreadPoolExecutor(max_workers=4) as pool:
            pages = list(pool.map(lambda _: fetch(f"{served}{PAGE}"), range(40)))
        assert all("Judgment 1.1 of 2026" in page for page in pages)
        time.sleep(1)
    # A change that sends no signal: the workers keep serving what they stored.
    AssessmentPage.objects.filter(url_path__endswith="/judgment-1-1/").update(
        title="Rewritten in place is a full sentence."
    )
    assert all("Judgment 1.1 of 2026" in fetch(f"{served}{PAGE}") for _ in range(20))
    invalidation.purge_now({PAGE})  # this process is not a worker, like the scheduler
    started = time.monotonic()
    deadline = started + 2
    while time.monotonic() < deadline:
        pages = [fetch(f"{served}{PAGE}") for _ in range(10)]
        if all("Rewritten in place" in page for page in pages):
            break
        time.sleep(0.05)
    else:
        pytest.fail("a worker still served the purged page 2 s after the purge")
