"""How long the scheduler, and the database process serving it, waited for a core.

A release's commit is a few milliseconds of work. When it shows hundreds of milliseconds late on
a busy machine, either the database held it (the disk, a lock) or a process was runnable and
not running. Linux keeps, for every thread, the time it has spent waiting on a run queue
(`/proc/<pid>/task/<tid>/schedstat`, second field, in nanoseconds): two readings around the
commit say which. Elsewhere, or for a database on another machine, there is nothing to read and
the functions return None.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


def waited(schedstat: Path) -> float | None:
    """Seconds the task behind `schedstat` has spent runnable but not running, so far."""
    try:
        return int(schedstat.read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def this_thread() -> Path:
    return Path(f"/proc/self/task/{threading.get_native_id()}/schedstat")


def database_process() -> Path | None:
    """The statistics of the PostgreSQL process serving this connection, if it runs here.

    A process id from a database on another machine could name an unrelated local process, so
    the host must be this one and the process must be PostgreSQL's."""
    if connection.vendor != "postgresql":
        return None  # SQLite runs inside this thread
    host = connection.settings_dict.get("HOST") or ""
    if host not in LOCAL_HOSTS and not host.startswith("/"):
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    process = Path(f"/proc/{pid}")
    try:
        if (process / "comm").read_text().strip() != "postgres":
            return None
    except OSError:
        return None
    return process / "schedstat"


@dataclass
class CoreWait:
    """Run-queue time of this thread and of the database's process between `start()` and
    `stop()`, for the log."""

    database: Path | None = None
    thread_waited: float | None = None
    database_waited: float | None = None
    _from: tuple[float | None, float | None] = (None, None)

    def find_database(self) -> None:
        """One query: call it before the moment that is timed."""
        self.database = database_process()

    def _now(self) -> tuple[float | None, float | None]:
        return waited(this_thread()), waited(self.database) if self.database else None

    def start(self) -> None:
        self._from = self._now()

    def stop(self) -> None:
        (thread, database), (thread_from, database_from) = self._now(), self._from
        if thread is not None and thread_from is not None:
            self.thread_waited = thread - thread_from
        if database is not None and database_from is not None:
            self.database_waited = database - database_from

    def describe(self) -> str:
        """'; waiting for a core: the scheduler 0.01 s, the database 0.30 s', or ''."""
        parts = [
            f"{who} {seconds:.2f} s"
            for who, seconds in (
                ("the scheduler", self.thread_waited),
                ("the database", self.database_waited),
            )
            if seconds is not None
        ]
        return f"; waiting for a core: {', '.join(parts)}" if parts else ""
