"""The scheduler's log says how long it, and its database, waited for a core around a commit."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection

from threatpress.publishing import core_wait, scheduler
from threatpress.publishing.tests.test_scheduler import draft_edition_due

linux_only = pytest.mark.skipif(
    not core_wait.this_thread().exists(), reason="no per-thread scheduler statistics here"
)


@linux_only
def test_a_thread_sharing_its_core_with_busy_processes_is_seen_waiting():
    """Three busy processes on this thread's one core: it runs about a quarter of the time, and
    the reading says it waited for most of the rest."""
    cpu = min(os.sched_getaffinity(0))
    everywhere = os.sched_getaffinity(0)
    spin = [sys.executable, "-c", "while True: pass"]
    busy = [subprocess.Popen(spin) for _ in range(3)]
    for process in busy:
        os.sched_setaffinity(process.pid, {cpu})
    os.sched_setaffinity(threading.get_native_id(), {cpu})
    try:
        time.sleep(0.2)  # the busy processes are running
        before, wall = core_wait.waited(core_wait.this_thread()), time.monotonic()
        ran_from = time.thread_time()
        while time.thread_time() - ran_from < 0.1:
            pass
        waited = core_wait.waited(core_wait.this_thread()) - before
        wall = time.monotonic() - wall
    finally:
        os.sched_setaffinity(threading.get_native_id(), everywhere)
        for process in busy:
            process.kill()
            process.wait()
    # 0.1 s of running took about 0.4 s; the rest was spent waiting on the core's queue.
    assert waited >= 0.15
    assert waited <= wall


@linux_only
def test_an_idle_wait_is_not_counted_as_waiting_for_a_core():
    before = core_wait.waited(core_wait.this_thread())
    time.sleep(0.3)  # asleep, not runnable
    assert core_wait.waited(core_wait.this_thread()) - before < 0.1


def test_without_the_statistics_there_is_nothing_to_report(tmp_path):
    assert core_wait.waited(tmp_path / "missing") is None
    (tmp_path / "garbled").write_text("not numbers")
    assert core_wait.waited(tmp_path / "garbled") is None
    assert core_wait.CoreWait().describe() == ""


@linux_only
@pytest.mark.django_db(transaction=True)
def test_the_release_log_says_how_long_the_commit_waited_for_a_core(caplog):
    draft_edition_due(seconds=3)
    with caplog.at_level("WARNING"):
        scheduler.staged_release(scheduler.next_instant())
    line = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("Staged"))
    waits = line.split("waiting for a core: ")[1].split(")")[0]
    assert waits.startswith("the scheduler ")
    if connection.vendor == "postgresql":  # a cluster on 127.0.0.1 in the tests
        assert ", the database " in waits
    else:
        assert "database" not in waits  # SQLite runs inside the scheduler's own thread


@pytest.mark.django_db
def test_a_database_on_another_machine_is_not_looked_for_here(monkeypatch):
    """Its process id would name some unrelated process of this machine."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no database process (the PostgreSQL run checks this)")
    assert core_wait.database_process() is not None  # 127.0.0.1 in the tests: found
    monkeypatch.setitem(connection.settings_dict, "HOST", "db.internal.example")
    assert core_wait.database_process() is None
