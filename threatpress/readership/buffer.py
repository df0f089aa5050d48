"""Counting on the reader's path: an in-process dictionary behind a lock, written out in bulk.

A reader's request does one dictionary increment under a lock (about a microsecond); nothing
touches the database. A daemon thread, started in the process that counts on its first
increment, writes the totals every `interval` seconds, sooner when `threshold` increments are
waiting, and once more when the process exits normally. gunicorn's workers each keep their own
buffer and thread; a forked child starts with an empty buffer and starts its own thread, so
nothing is counted twice with `--preload` and no thread is inherited half-alive.

What can be lost: the increments of the last `interval` seconds of a process that is killed
(SIGKILL, a worker timeout, a power cut). A normal stop (SIGTERM, SIGINT, SIGQUIT, a reload)
writes them.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Callable, Hashable

from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)

Counts = dict[Hashable, int]


class CountBuffer:
    """Thread-safe counters. `max_keys` bounds memory: search queries are free text, and a
    database that stays down must not make a worker grow without end."""

    def __init__(self, max_keys: int = 10_000):
        self.max_keys = max_keys
        self._lock = threading.Lock()
        self._counts: Counts = {}
        self._pending = 0
        self.dropped = 0  # increments refused because the buffer was full

    def add(self, key: Hashable, amount: int = 1) -> int:
        """Count `amount` for `key`; return the increments now waiting to be written."""
        with self._lock:
            if key in self._counts:
                self._counts[key] += amount
            elif len(self._counts) < self.max_keys:
                self._counts[key] = amount
            else:
                self.dropped += amount
                return self._pending
            self._pending += amount
            return self._pending

    def drain(self) -> Counts:
        """Take every counter out at once; increments after this go into a fresh dictionary."""
        with self._lock:
            counts, self._counts, self._pending = self._counts, {}, 0
            return counts

    def merge(self, counts: Counts) -> None:
        """Put counts back (after a failed write), within the same bound."""
        for key, amount in counts.items():
            self.add(key, amount)

    def pending(self) -> int:
        with self._lock:
            return self._pending

    def clear(self) -> None:
        with self._lock:
            self._counts, self._pending, self.dropped = {}, 0, 0

    def reset_after_fork(self) -> None:
        """Empty, with a new lock: another thread of the parent may have held the old one."""
        self._lock = threading.Lock()
        self._counts, self._pending, self.dropped = {}, 0, 0


class Flusher:
    """Writes a buffer with `write(counts)`: on demand, and from a daemon thread if enabled."""

    def __init__(
        self,
        buffer: CountBuffer,
        write: Callable[[Counts], None],
        interval: Callable[[], float],
        threshold: Callable[[], int],
        background: Callable[[], bool],
    ):
        self.buffer = buffer
        self.write = write
        self.interval = interval
        self.threshold = threshold
        self.background = background
        self._start_lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._atexit_registered = False
        self.flushes = 0
        self.failures = 0
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._after_fork)

    def counted(self, pending: int) -> None:
        """Called after each increment: start the thread if needed, wake it when it is time."""
        if self._thread is None:
            if not self.background():
                return
            self._start()
        if pending >= self.threshold():
            self._wake.set()

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is not None:
                return
            thread = threading.Thread(target=self._run, name="readership-flush", daemon=True)
            thread.start()
            self._thread = thread
            if not self._atexit_registered:
                atexit.register(self.flush)
                self._atexit_registered = True

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval())
            self._wake.clear()
            try:
                self.flush()
            except Exception:  # never let the thread die: the next round tries again
                logger.exception("Writing readership counts failed")
            finally:
                connection.close()  # this thread's own connection; reopened next time

    def flush(self) -> int:
        """Write what is buffered now; return the number of increments written."""
        with self._flush_lock:
            counts = self.buffer.drain()
            dropped, self.buffer.dropped = self.buffer.dropped, 0
            if dropped:
                logger.warning("Readership buffer was full: %d increments were dropped", dropped)
            if not counts:
                return 0
            try:
                self.write(counts)
            except (OperationalError, InterfaceError):
                # The database is away or locked: keep the counts for the next round.
                self.failures += 1
                self.buffer.merge(counts)
                logger.warning("Readership counts kept for the next flush", exc_info=True)
                return 0
            except Exception:
                # Anything else would fail again with the same data: drop it and say so.
                self.failures += 1
                logger.exception("Readership counts dropped: %d increments", sum(counts.values()))
                return 0
            self.flushes += 1
            return sum(counts.values())

    def _after_fork(self) -> None:
        """In a forked child: the parent's counts are the parent's to write, its thread is gone."""
        self.buffer.reset_after_fork()
        self._thread = None
        self._wake = threading.Event()
        self._start_lock = threading.Lock()
        self._flush_lock = threading.Lock()
