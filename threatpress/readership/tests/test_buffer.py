"""The in-process buffer: exact under concurrency, bounded, and safe across fork and failures."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter

import pytest
from django.db import OperationalError

from threatpress.readership import counting
from threatpress.readership.buffer import CountBuffer, Flusher
from threatpress.readership.models import PageViewDay
from threatpress.reports.models import AssessmentPage

THREADS, PER_THREAD, KEYS = 8, 20_000, 37


def test_concurrent_increments_and_drains_lose_and_invent_nothing():
    buffer = CountBuffer()
    drained: Counter = Counter()
    done = threading.Event()

    def count(offset: int) -> None:
        for n in range(PER_THREAD):
            buffer.add(("view", (n + offset) % KEYS))

    def drain() -> None:  # a flusher emptying the buffer while readers keep counting
        while not done.is_set():
            drained.update(buffer.drain())
            time.sleep(0.0005)

    drainer = threading.Thread(target=drain)
    drainer.start()
    workers = [threading.Thread(target=count, args=(i,)) for i in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    done.set()
    drainer.join()
    drained.update(buffer.drain())

    assert sum(drained.values()) == THREADS * PER_THREAD
    expected: Counter = Counter()
    for offset in range(THREADS):
        expected.update(("view", (n + offset) % KEYS) for n in range(PER_THREAD))
    assert drained == expected


def test_the_buffer_is_bounded_and_says_what_it_dropped():
    buffer = CountBuffer(max_keys=3)
    for key in "abcde":
        buffer.add(key)
    buffer.add("a", 5)  # a key already there is still counted
    assert buffer.drain() == {"a": 6, "b": 1, "c": 1}
    assert buffer.dropped == 2


def make_flusher(write, **options) -> Flusher:
    return Flusher(
        CountBuffer(),
        write,
        interval=lambda: options.get("interval", 60.0),
        threshold=lambda: options.get("threshold", 1000),
        background=lambda: options.get("background", False),
    )


def test_a_database_that_is_away_keeps_the_counts_for_the_next_flush():
    attempts = []

    def write(counts):
        attempts.append(dict(counts))
        if len(attempts) == 1:
            raise OperationalError("database is locked")

    flusher = make_flusher(write)
    flusher.buffer.add("k", 2)
    assert flusher.flush() == 0
    flusher.buffer.add("k", 1)
    assert flusher.flush() == 3
    assert attempts == [{"k": 2}, {"k": 3}]


def test_counts_the_database_refuses_are_dropped_not_retried_forever():
    def write(counts):
        raise ValueError("bad data")

    flusher = make_flusher(write)
    flusher.buffer.add("k")
    assert flusher.flush() == 0
    assert flusher.buffer.pending() == 0 and flusher.failures == 1


def test_a_forked_child_starts_empty_and_leaves_the_parents_counts_alone():
    flusher = make_flusher(lambda counts: None)
    flusher.buffer.add("parent", 4)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report what it inherited, then leave without running atexit
        os.close(read)
        os.write(write, str(flusher.buffer.pending()).encode())
        os._exit(0)
    os.close(write)
    inherited = os.read(read, 16).decode()
    os.close(read)
    os.waitpid(pid, 0)
    assert inherited == "0"
    assert flusher.buffer.drain() == {"parent": 4}


def test_the_threshold_wakes_the_background_thread_early():
    written = []
    wrote = threading.Event()

    def write(counts):
        written.append(dict(counts))
        wrote.set()

    flusher = make_flusher(write, interval=60.0, threshold=3, background=True)
    for _ in range(3):
        flusher.counted(flusher.buffer.add("k"))
    assert wrote.wait(5), "the thread did not flush within 5 s of reaching the threshold"
    assert written == [{"k": 3}]


@pytest.mark.django_db(transaction=True)
def test_the_background_thread_writes_within_the_interval(edition):
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    flusher = Flusher(
        CountBuffer(),
        counting.write_counts,
        interval=lambda: 0.2,
        threshold=lambda: 1000,
        background=lambda: True,
    )
    flusher.counted(flusher.buffer.add(("view", counting.today(), page.pk, "")))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not PageViewDay.objects.exists():
        time.sleep(0.05)
    assert PageViewDay.objects.get().views == 1
