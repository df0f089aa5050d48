"""Release-day load (issue 8): 60 s at 80% of capacity through the clustered shape, publishing
in the middle; every affected page must show the change within 2 s, through every cache, and
never the old text again.

`scripts/cluster` starts the shape (PostgreSQL, two gunicorn app servers with the in-app page
cache, the scheduler, the export worker, Varnish in front); this script, with the cluster's own
settings (the `env.sh` it writes), then:
1. lists a reader's mix of addresses: every page of the newest edition in both languages
   (assessments, chapters, the edition, its summary, foreword, scale), the country pages, the
   feeds, the sitemap and the JSON API, weighted towards assessments (MIX);
2. finds the capacity: wrk as fast as it can over that mix through Varnish (CAPACITY_SECONDS);
3. loads the site at 80% of it for 60 s. wrk has no fixed-rate mode: bench/release_load.lua
   gives each thread a timetable and makes each connection wait for its slot with wrk's
   `delay()` (wrk2 and vegeta are not in Debian's archive here; a Python load generator could not
   reach these rates on two cores shared with the servers). wrk runs at nice 10: it stands for
   the readers' own machines, so the servers get the cores first. (At nice 0, with the machine
   saturated, the single-threaded publisher got so little CPU beside Varnish's 64 busy threads
   that a publish asked for at second 30 committed at second 45.) The report shows the rate sent
   in each 10 s and the CPU each kind of process used during the load;
4. at second 30 a Publisher publishes a changed assessment, English and Lithuanian in one
   transaction, through Wagtail's PublishPageRevisionAction (the service the admin's Publish
   button calls, with the user's permissions checked; the generic PublishRevisionAction an
   earlier version used sends no `page_published`, so its change was never purged), from a
   process of its own (Publisher); a second change, scheduled as the load starts, goes live at
   second 45, released by the running scheduler (a scheduled go-live);
5. from a second before each change to the end, watchers fetch every affected address through
   Varnish and from each app server directly, every 0.2 s until it shows the new text and
   every 0.5 s after, each address at a phase of its own (one asyncio loop: Watchers), and note
   when each shows the new text; at the end every address whose fresh render (from an app
   server, bypassing its cache) shows the text must show it within 2 s through every layer, and
   never lose it again.

Results go to docs/benchmarks.md under SECTION. Talks only to 127.0.0.1.
Usage: make bench-load   (bench/release_load.py [--duration 60] [--share 0.8] [--no-write])
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import http.client
import json
import os
import random
import re
import resource
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import render
from bench.render import ROOT, WrkResult

SECTION = "## Release-day load with a publish (issue 8)"
LUA = ROOT / "bench" / "release_load.lua"
CAPACITY_SECONDS = 10
WRK_THREADS = 2
# wrk stands for the readers' own machines: the servers get the cores first.
WRK_NICENESS = 10
CAPACITY_CONNECTIONS = 32
# More connections than needed at 80%: a paced connection waits for its slot, so a slow answer
# on one does not lower the rate while others are free.
LOAD_CONNECTIONS = 64
VISIBLE_WITHIN = 2.0  # seconds, the target
READY_TIMEOUT = 600  # seconds for scripts/cluster to load the demo on PostgreSQL
# A reader's mix: the share of requests per kind of address (kind_of below).
MIX = {
    "assessment": 0.50,
    "summary": 0.10,
    "edition": 0.10,
    "region": 0.10,
    "other": 0.07,  # chapters, foreword, scale, print, home and archive pages
    "feed": 0.05,
    "sitemap": 0.05,
    "api": 0.03,  # its listings and the assessments' records (answers kept 60 s)
}


@dataclass
class Cluster:
    front: str  # Varnish, what readers use
    apps: list[str]  # each app server directly
    folder: Path  # the cluster's logs


@dataclass
class Watch:
    """Observations of one address on one layer: (seconds after the change, shows the text)."""

    layer: str
    path: str
    seen: list[tuple[float, bool]] = field(default_factory=list)  # (epoch seconds, shown)
    bad_status: list[int] = field(default_factory=list)

    def visible_after(self, instant: float) -> float | None:
        """Seconds from the change at `instant` to the first sight after which the text was
        never missing (`seen` holds the looks' times since the epoch)."""
        last_missing = max((t for t, shown in self.seen if not shown), default=None)
        later = [
            t for t, shown in self.seen if shown and (last_missing is None or t > last_missing)
        ]
        return min(later) - instant if later else None


@dataclass
class Change:
    name: str
    marker: str
    instant: float = 0.0  # epoch seconds at which it became true in the database
    watches: list[Watch] = field(default_factory=list)
    expected: set[str] = field(default_factory=set)  # paths whose fresh render shows the marker


# --- The cluster -----------------------------------------------------------------------------


def seaweedfs_ports() -> int:
    """A port p with p..p+3 and their gRPC ports (10000 above) free, for scripts/cluster."""
    import socket

    for _ in range(100):
        base = render.free_port()
        if base + 10003 > 65535:
            continue
        try:
            for port in [*range(base, base + 4), *range(base + 10000, base + 10004)]:
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports for SeaweedFS")


@contextmanager
def cluster(tmp: Path) -> Iterator[Cluster]:
    front, app1, app2, pg = (render.free_port() for _ in range(4))
    ready = tmp / "ready"
    env = {
        **os.environ,
        "CLUSTER_PORT": str(front),
        "CLUSTER_APP_PORTS": f"{app1} {app2}",
        "CLUSTER_PG_PORT": str(pg),
        "CLUSTER_S3_PORT": str(seaweedfs_ports()),
        "CLUSTER_KEEP_LOGS": str(ready),
        # The demo's recordings would keep the export worker busy for most of an hour, each
        # purging the edition when done; on a release day they were built before.
        "CLUSTER_EXPORT_WORKER": "false",
        "VENV": str(render.VENV_BIN.parent),
    }
    log = tmp / "cluster.log"
    print(f"Starting scripts/cluster (log: {log})...", flush=True)
    with log.open("w") as out:
        process = subprocess.Popen(  # our own script, no shell
            [str(ROOT / "scripts" / "cluster")], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while not ready.exists() or not ready.read_text().strip():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"scripts/cluster did not start:\n{render.log_tail(log)}")
            time.sleep(0.5)
        folder = Path(ready.read_text().strip())
        base = "http://127.0.0.1:"
        yield Cluster(f"{base}{front}", [f"{base}{app1}", f"{base}{app2}"], folder)
    finally:
        process.send_signal(signal.SIGTERM)  # scripts/cluster stops everything it started
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()


def cluster_settings(folder: Path) -> dict[str, str]:
    """The settings scripts/cluster gave its processes (its `env.sh`: `declare -x NAME="value"`)."""
    lines = (folder / "env.sh").read_text().splitlines()
    return dict(shlex.split(line)[-1].partition("=")[::2] for line in lines)


def attached(folder: Path) -> Cluster:
    """A cluster already running (`make cluster` prints its folder as "Logs")."""
    settings = cluster_settings(folder)
    base = "http://127.0.0.1:"
    apps = [f"{base}{port}" for port in settings["CLUSTER_APP_PORTS"].split()]
    return Cluster(f"{base}{settings['CLUSTER_PORT']}", apps, folder)


def use_cluster_settings(folder: Path) -> None:
    """Become one more process of the cluster: its database, purge log and Varnish."""
    os.environ.update(cluster_settings(folder))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "threatpress.settings.production")
    import django

    django.setup()


# --- HTTP ------------------------------------------------------------------------------------


class Client:
    """One keep-alive connection per server, for a watcher thread."""

    def __init__(self) -> None:
        self.connections: dict[str, http.client.HTTPConnection] = {}

    def get(self, base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        host = base.removeprefix("http://")
        for attempt in (1, 2):
            connection = self.connections.get(host)
            if connection is None:
                name, port = host.split(":")
                connection = http.client.HTTPConnection(name, int(port), timeout=10)
                self.connections[host] = connection
            try:
                connection.request("GET", path, headers=headers or {})
                response = connection.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                del self.connections[host]
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


# --- The mix ---------------------------------------------------------------------------------


def kind_of(path: str, edition_paths: dict[str, str]) -> str:
    if path.startswith("/api/"):
        # The listings and the assessments' records; each page's generic record is left out.
        return "api" if path.count("/") == 4 or path.startswith("/api/v2/assessments/") else ""
    if path == "/sitemap.xml":
        return "sitemap"
    if path.endswith("/feed/"):
        return "feed"
    if path in edition_paths:
        return edition_paths[path]
    if "/regions/" in path or "/regionai/" in path:
        return "region"
    return "other"


def reader_mix(front: str) -> tuple[list[str], dict[str, list[str]]]:
    """The newest edition's affected addresses that answer 200, grouped by kind and weighted."""
    from threatpress.caching.affected import affected_paths
    from threatpress.reports.models import AssessmentPage, EditionPage

    edition = EditionPage.objects.live().order_by("-year").first()
    kinds: dict[str, str] = {}
    for copy in EditionPage.objects.filter(translation_key=edition.translation_key):
        base = copy.get_url_parts()[2]
        kinds[base] = "edition"
        kinds[base + copy.reverse_subpage("summary")] = "summary"  # santrauka/ in Lithuanian
        for page in AssessmentPage.objects.live().descendant_of(copy):
            kinds[page.get_url_parts()[2]] = "assessment"
    client = Client()
    groups: dict[str, list[str]] = {}
    for path in sorted(affected_paths(edition)):
        status, _ = client.get(front, path)
        if status == 200:
            groups.setdefault(kind_of(path, kinds), []).append(path)
    weighted: list[str] = []
    for kind, share in MIX.items():
        paths = groups.get(kind, [])
        copies = max(1, round(1000 * share / len(paths))) if paths else 0
        weighted += [p for p in paths for _ in range(copies)]
    return weighted, groups


# --- wrk -------------------------------------------------------------------------------------


def wrk_command(
    url: str, paths_file: Path, seconds: int, connections: int, rate: float
) -> list[str]:
    wrk = render.find_binary("wrk", "/usr/bin/wrk")
    return [
        "nice", "-n", str(WRK_NICENESS), wrk, f"-t{WRK_THREADS}", f"-c{connections}",
        f"-d{seconds}s", "--timeout", "10s",
        "--latency", "-s", str(LUA), url, "--", str(paths_file), f"{rate:.0f}", str(WRK_THREADS),
    ]  # fmt: skip


def run_wrk(command: list[str]) -> tuple[WrkResult, str]:
    seconds = int(next(a for a in command if a.startswith("-d"))[2:-1])
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    return render.parse_wrk(output), output


# --- The changes -----------------------------------------------------------------------------


def assessments_with_translations(count: int) -> list[list]:
    """`count` assessments of the newest edition, each with its live translations."""
    from threatpress.reports.models import AssessmentPage, EditionPage

    edition = EditionPage.objects.live().order_by("-year").first()
    found = []
    for page in (
        AssessmentPage.objects.live().descendant_of(edition).filter(locale__language_code="en")
    ):
        others = list(page.get_translations().live().specific())
        if others:
            found.append([page.specific, *others])
        if len(found) == count:
            return found
    raise RuntimeError(f"fewer than {count} translated assessments in the newest edition")


def publisher():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="publisher")


def _save_changed(page, marker: str, user, go_live: datetime.datetime | None = None):
    page = type(page).objects.get(pk=page.pk).get_latest_revision_as_object()
    page.summary = f"{marker} {page.summary.split('] ', 1)[-1]}"
    page.go_live_at = go_live
    return page.save_revision(user=user, log_action=True)


def _publish(pages, marker: str) -> None:
    from wagtail.actions.publish_page_revision import PublishPageRevisionAction

    user = publisher()
    for page in pages:
        PublishPageRevisionAction(_save_changed(page, marker, user), user=user).execute()


class Publisher:
    """The publish-now change, made by a process of its own, as the admin's Publish button runs
    in a gunicorn worker. The benchmark's own process also runs the watcher threads: their
    contention for Python's GIL slowed the publish's PURGE requests to Varnish to a trickle, so
    the figure through Varnish measured the benchmark. The child starts (Django's set-up takes
    seconds) before the load, and publishes when told."""

    def __init__(self, folder: Path, pages, marker: str) -> None:
        command = [sys.executable, __file__, "--publish-child", str(folder), marker]
        self.process = subprocess.Popen(
            [*command, *(str(page.pk) for page in pages)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            # A session of its own, as an app server's worker has (scripts/cluster): the CPU is
            # shared between sessions first, and this one must not share wrk's.
            start_new_session=True,
        )
        ready = self.process.stdout.readline().strip()
        if ready != "ready":
            raise RuntimeError(f"the publishing process did not start: {ready!r}")

    def publish(self) -> tuple[float, str]:
        """Publish now; return the commit's time, as the child saw it, and an account of how
        long the publish took the child and what it spent that time on."""
        asked = time.time()
        self.process.stdin.write("publish\n")
        self.process.stdin.flush()
        report = json.loads(self.process.stdout.readline())
        committed, purged, front = report["committed"], report["purged"], report["front"]
        self.process.wait(timeout=60)
        waits = [
            f"{who} {report[key]:.2f} s"
            for who, key in (("it", "waited"), ("its database process", "database_waited"))
            if report[key] is not None
        ]
        account = (
            f"committed {committed - asked:.2f} s after it was asked for; from the request to "
            f"the end of its purges ({purged - asked:.2f} s) the publishing process ran "
            f"{report['ran']:.2f} s"
            + (f"; waiting for a core: {', '.join(waits)}" if waits else "")
        )
        print(f"  publish now: {account}", flush=True)
        # The purges (purge log, then one PURGE per address to Varnish) run after the commit.
        print(f"  purges sent {purged - committed:.2f} s after the commit", flush=True)
        if len(front) == 2:
            print(
                f"  requests to Varnish from {front[0] - committed:.2f} s"
                f" to {front[1] - committed:.2f} s after the commit",
                flush=True,
            )
        return committed, account


def publish_child(argv: list[str]) -> int:
    """`release_load.py --publish-child FOLDER MARKER PK...`: see Publisher."""
    folder, marker, *pks = argv
    use_cluster_settings(Path(folder))
    from wagtail.models import Page

    from threatpress.caching import invalidation

    pages = [Page.objects.get(pk=int(pk)).specific for pk in pks]
    front: list[float] = []  # when the requests to the front cache began and ended
    to_front = invalidation.purge_front_cache

    def timed_front_purge(paths):
        front.append(time.time())
        try:
            to_front(paths)
        finally:
            front.append(time.time())

    invalidation.purge_front_cache = timed_front_purge
    print("ready", flush=True)
    from threatpress.publishing.core_wait import CoreWait

    # Its database process is found first (one query); both are read while this process is
    # blocked on the request, so that waking up for it is counted too.
    core_wait = CoreWait()
    core_wait.find_database()
    ran = time.process_time()
    core_wait.start()
    if not sys.stdin.readline():  # the benchmark ended without asking: publish nothing
        return 1
    committed = publish_now(pages, marker)  # returns once its on-commit purges have run
    purged = time.time()
    core_wait.stop()
    report = {
        "committed": committed,
        "purged": purged,
        "front": front[:2],
        "ran": time.process_time() - ran,  # to the end of the purges, as are the waits
        "waited": core_wait.thread_waited,  # the thread that published
        "database_waited": core_wait.database_waited,
    }
    print(json.dumps(report), flush=True)
    return 0


def publish_now(pages, marker: str) -> float:
    """Publish a changed summary of `pages` in one transaction; return the commit's time."""
    from django.db import transaction

    committed: list[float] = []
    with transaction.atomic():
        # Registered first, so it runs before the purges the publish registers.
        transaction.on_commit(lambda: committed.append(time.time()))
        _publish(pages, marker)
    return committed[0]


class _RollBack(Exception):
    pass


def pages_showing(pages, marker: str, paths: list[str], host: str) -> set[str]:
    """Which of `paths` would show `marker` once `pages` carry it: published in a transaction
    that is rolled back, rendered in this process (no cache involved) before anyone sees it."""
    from django.db import transaction
    from django.test import Client as DjangoClient

    client, shown = DjangoClient(HTTP_HOST=host), set()
    try:
        with transaction.atomic():
            _publish(pages, marker)
            for path in paths:
                response = client.get(path)
                if response.status_code == 200 and marker.encode() in response.content:
                    shown.add(path)
            raise _RollBack
    except _RollBack:
        pass
    return shown


def schedule(pages, marker: str, instant: float) -> None:
    """Schedule a changed summary of `pages` for `instant` (a whole second), as the admin does."""
    from wagtail.actions.publish_page_revision import PublishPageRevisionAction

    go_live = datetime.datetime.fromtimestamp(instant, tz=datetime.UTC)
    user = publisher()
    for page in pages:
        PublishPageRevisionAction(_save_changed(page, marker, user, go_live), user=user).execute()


# --- Watching --------------------------------------------------------------------------------


LOOK_EVERY = 0.2  # seconds between two looks at an address until it shows the new text
CHECK_EVERY = 0.5  # then, to see that it keeps showing it
LOOK_AHEAD = 1.0  # seconds before the change at which the looks begin


def _drop(streams: list) -> None:
    """Close the kept-alive connection in `streams`, if any: the next look opens another."""
    if streams:
        streams[1].close()
        streams.clear()


async def _fetch(streams: list, host: str, path: str) -> tuple[int, bytes]:
    """GET `path` over the kept-alive connection in `streams` (opened, or opened again, as
    needed): an HTTP/1.1 exchange, the body by Content-Length or chunked."""
    for attempt in (1, 2):
        if not streams:
            name, port = host.split(":")
            streams.extend(await asyncio.open_connection(name, int(port)))
        reader, writer = streams
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            await writer.drain()
            status = int((await reader.readline()).split()[1])
            headers = {}
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            if "content-length" in headers:
                body = await reader.readexactly(int(headers["content-length"]))
            elif headers.get("transfer-encoding", "").lower() == "chunked":
                parts = []
                while size := int((await reader.readline()).split(b";")[0], 16):
                    parts.append(await reader.readexactly(size))
                    await reader.readline()
                await reader.readline()
                body = b"".join(parts)
            else:
                body = await reader.read()
                headers["connection"] = "close"
            if headers.get("connection", "").lower() == "close":
                _drop(streams)
            return status, body
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            _drop(streams)
            if attempt == 2:
                raise OSError(f"no answer for {path}") from None
    raise AssertionError("unreachable")


class Watchers:
    """Every watcher in one thread running an asyncio loop. (A thread per address and layer, as
    before, made 126 threads that queued for Python's GIL: each looked only every 0.55-0.66 s
    under load, which that much coarsened the delays measured, and their process took CPU from
    the servers while they waited for the change: they polled the clock every 5 ms.)"""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def watch(
        self, change: Change, layers: dict[str, str], paths: list[str], start: float, until: float
    ):
        """Fetch each of `paths` on each layer from `start` (before the change) to `until`, each
        address at a phase of its own (readers do not all arrive at once). A look that shows the
        old text counts from when it was asked (an answer begun before the change is not
        stale), one that shows the new text from when it arrived. Returns a future to wait on."""
        change.watches = [Watch(layer, path) for layer in layers for path in paths]
        marker = change.marker.encode()
        phases = random.Random(change.marker)

        async def loop(w: Watch, phase: float) -> None:
            streams: list = []
            host = layers[w.layer].removeprefix("http://")
            await asyncio.sleep(max(0.0, start + phase - time.time()))
            shown = False
            while time.time() < until:
                asked = time.time()
                try:
                    status, body = await asyncio.wait_for(_fetch(streams, host, w.path), 10)
                except OSError:  # TimeoutError among them: the exchange was cut off
                    status, body = 0, b""
                    _drop(streams)
                if status != 200:  # an error (or no answer in 10 s), not a sight of either text
                    w.bad_status.append(status)
                else:
                    shown = marker in body
                    w.seen.append((time.time() if shown else asked, shown))
                await asyncio.sleep(CHECK_EVERY if shown else LOOK_EVERY)

        async def all_watches() -> None:
            await asyncio.gather(*(loop(w, phases.uniform(0, LOOK_EVERY)) for w in change.watches))

        return asyncio.run_coroutine_threadsafe(all_watches(), self.loop)


def quiet_purge_log(seconds: float, limit: float) -> None:
    """Wait until nothing has been purged for `seconds`: after `make cluster` loads the demo, the
    export worker finishes a file a few seconds apart, and each purges its edition."""
    from threatpress.caching import purge_log

    log, deadline = purge_log.log_path(), time.monotonic() + limit
    last, quiet_since = None, time.monotonic()
    while time.monotonic() < deadline:
        state = log.stat().st_size if log.exists() else 0
        if state != last:
            last, quiet_since = state, time.monotonic()
        elif time.monotonic() - quiet_since >= seconds:
            return
        time.sleep(1)
    print(f"  the purge log was still growing after {limit:.0f} s; measuring anyway")


@dataclass
class Verdict:
    change: str
    at: float  # seconds after the load began
    expected: int
    seconds: dict[str, list[float]]  # layer → each address's seconds to visible, sorted
    late: list[str]  # "layer path seconds" beyond VISIBLE_WITHIN or never
    errors: int
    polls: int
    median_round: float  # seconds between two looks at one address while it showed the old text


def judge(change: Change, started: float) -> Verdict:
    seconds: dict[str, list[float]] = {}
    late: list[str] = []
    polls = errors = 0
    rounds = []  # seconds between two looks at an address while it showed the old text
    for w in change.watches:
        polls += sum(t >= change.instant for t, _ in w.seen)
        errors += len(w.bad_status)
        waiting = [t for t, shown in w.seen if not shown]
        if len(waiting) > 1:
            rounds.append((waiting[-1] - waiting[0]) / (len(waiting) - 1))
        if w.path not in change.expected:
            continue
        visible = w.visible_after(change.instant)
        value = float("inf") if visible is None else visible
        seconds.setdefault(w.layer, []).append(value)
        if value > VISIBLE_WITHIN:
            late.append(f"{w.layer} {w.path} {value:.2f} s")
    rounds.sort()
    median = rounds[len(rounds) // 2] if rounds else 0.0
    for values in seconds.values():
        values.sort()
    at = change.instant - started
    return Verdict(change.name, at, len(change.expected), seconds, late, errors, polls, median)


# --- Main ------------------------------------------------------------------------------------


@dataclass
class Results:
    capacity: WrkResult
    load: WrkResult
    target_rate: float
    verdicts: list[Verdict]
    groups: dict[str, list[str]]
    load_average: list[float]
    varnish: dict[str, tuple[int, int]]  # counter: (during the load, since Varnish started)
    sent: list[int] = field(default_factory=list)  # the paced load's requests, each second
    # CPU seconds each kind of process used during the paced load, and the machine's idle time.
    cpu: dict[str, float] = field(default_factory=dict)
    # The share of the load's time in which some (or all) processes waited for a core or for
    # the disk (the kernel's pressure stall information), by "cpu some", "io some", "io full".
    stalled: dict[str, float] = field(default_factory=dict)
    release: str = ""  # the scheduler's account of the scheduled go-live
    publish: str = ""  # how long the publish now took, and how much of it was waiting
    # (milliseconds, statement) PostgreSQL logged as slow from the start of the load on.
    slow_statements: list[tuple[float, str]] = field(default_factory=list)


SLOW_STATEMENT_MS = 200  # scripts/cluster's log_min_duration_statement
# "... LOG:  duration: 1782.816 ms  statement: SELECT ...", or "execute <name>: ..." for a
# prepared statement; the statement may go on over more lines (only its first word is kept).
SLOW_LINE = re.compile(
    r"LOG:  duration: (?P<ms>[\d.]+) ms  (?:statement|execute [^:]*): (?P<sql>[^\n]*(?:\n\t.*)*)"
)


def slow_statements(log: Path, start: int) -> list[tuple[float, str]]:
    """The statements PostgreSQL logged as slower than SLOW_STATEMENT_MS after byte `start` of
    its log, slowest first: a commit or query that stalled shows here with its own duration."""
    if not log.exists():
        return []
    with log.open("rb") as file:
        file.seek(start)
        text = file.read().decode(errors="replace")
    found = []
    for match in SLOW_LINE.finditer(text):
        found.append((float(match["ms"]), (match["sql"].split() or ["?"])[0].upper()))
    return sorted(found, reverse=True)


def slow_statements_line(statements: list[tuple[float, str]]) -> str:
    heading = f"PostgreSQL statements slower than {SLOW_STATEMENT_MS} ms from the load's start"
    if not statements:
        return f"{heading}: none."
    slowest = ", ".join(f"{kind} {ms:,.0f} ms" for ms, kind in statements[:5])
    return f"{heading}: {len(statements)} (slowest: {slowest})."


WINDOW_SECONDS = 10


def sent_each_second(output: str, seconds: int) -> list[int]:
    """The requests wrk sent in each second of the run (bench/release_load.lua's done()),
    without the part-second after the end."""
    for line in output.splitlines():
        if line.startswith("Sent each second:"):
            return [int(count) for count in line.split(":")[1].split()][:seconds]
    return []


def rate_by_window(sent: list[int], target: float) -> str:
    """The rate sent in each window as a share of the target: "0-10 s 97%, 10-20 s 95%"."""
    windows = []
    for start in range(0, len(sent), WINDOW_SECONDS):
        counts = sent[start : start + WINDOW_SECONDS]
        share = sum(counts) / len(counts) / target
        windows.append(f"{start}-{start + len(counts)} s {100 * share:.0f}%")
    return ", ".join(windows)


VARNISH_COUNTERS = {
    "MAIN.backend_unhealthy": "fetches not attempted, every app server marked sick",
    "MAIN.backend_fail": "connections to an app server failed",
    "MAIN.fetch_failed": "fetches failed",
    "MAIN.n_purges": "purges",
}


def varnish_counters(folder: Path) -> dict[str, int]:
    """The Varnish counters that explain errors (varnishstat), for the report."""
    output = subprocess.run(
        ["varnishstat", "-n", str(folder / "varnish"), "-1", "-j"],
        capture_output=True, text=True, timeout=30, check=False,
    ).stdout  # fmt: skip
    try:
        counters = json.loads(output).get("counters", {})
    except ValueError:
        return {}
    return {name: counters[name]["value"] for name in VARNISH_COUNTERS if name in counters}


# How a process is named in the CPU account, by a part of its command line (first match).
PROCESS_KINDS = (
    ("varnishd", "Varnish"),
    ("wrk", "wrk"),
    ("gunicorn", "app servers"),
    ("postgres", "PostgreSQL"),
    ("run_exports", "export worker"),
    ("run_scheduler", "scheduler"),
    ("--publish-child", "publisher"),
    ("weed", "SeaweedFS"),
)


def cpu_by_process() -> dict[int, tuple[str, float]]:
    """Every process's kind and CPU seconds so far (user and system, from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    processes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (
                (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            )
        except OSError:  # it ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after the name, which may hold spaces
        pid = int(entry.name)
        kind = next((label for part, label in PROCESS_KINDS if part in command), "other")
        if pid == os.getpid():
            kind = "the benchmark's watchers"
        processes[pid] = (kind, (int(fields[11]) + int(fields[12])) / tick)  # utime, stime
    return processes


def stalled_seconds() -> dict[str, float]:
    """Seconds so far in which some (or all) runnable processes waited for a core or the disk,
    from /proc/pressure (Linux 4.20+); empty where the kernel does not keep them."""
    totals = {}
    for resource_name in ("cpu", "io"):
        try:
            lines = Path(f"/proc/pressure/{resource_name}").read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            kind, *fields = line.split()
            total = dict(pair.split("=") for pair in fields)["total"]
            if not (resource_name == "cpu" and kind == "full"):  # always 0 for the CPU
                totals[f"{resource_name} {kind}"] = int(total) / 1e6
    return totals


def idle_seconds() -> float:
    """The machine's idle time so far, all CPUs summed (/proc/stat: idle and iowait)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return (int(fields[4]) + int(fields[5])) / os.sysconf("SC_CLK_TCK")


def waited_for_seconds() -> float:
    """CPU seconds of this process's children that ended and were waited for (wrk, the
    publisher), their whole lives."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_account(
    before: dict[int, tuple[str, float]],
    after: dict[int, tuple[str, float]],
    idle: float,
    waited_for: float,
) -> dict[str, float]:
    """CPU seconds used between two snapshots, by kind of process, largest first, then idle.
    wrk and the publisher end between them: `waited_for` is their CPU, counted through
    RUSAGE_CHILDREN, less what the publisher had used before the first snapshot."""
    used: dict[str, float] = {}
    for pid, (kind, seconds) in after.items():
        used[kind] = used.get(kind, 0.0) + seconds - before.get(pid, (kind, 0.0))[1]
    before_publishing = sum(
        seconds
        for pid, (kind, seconds) in before.items()
        if kind == "publisher" and pid not in after
    )
    used["wrk and the publisher"] = waited_for - before_publishing
    ranked = dict(sorted(used.items(), key=lambda item: -item[1]))
    return {**ranked, "idle": idle}


def sample_load(stop: threading.Event, into: list[float]) -> None:
    while not stop.wait(5):
        into.append(os.getloadavg()[0])


@contextmanager
def the_cluster(args: argparse.Namespace, tmp: Path) -> Iterator[Cluster]:
    if args.cluster:
        yield attached(args.cluster)
    else:
        with cluster(tmp) as shape:
            yield shape


def run(args: argparse.Namespace, tmp: Path) -> Results:
    with the_cluster(args, tmp) as shape:
        use_cluster_settings(shape.folder)
        print("Waiting for the export worker's purges to stop...", flush=True)
        quiet_purge_log(10, 300)
        weighted, groups = reader_mix(shape.front)
        groups.pop("", None)
        paths_file = tmp / "paths.txt"
        paths_file.write_text("\n".join(weighted) + "\n")
        print("Mix:", ", ".join(f"{k} {len(v)}" for k, v in groups.items()), flush=True)
        warm = Client()
        for path in set(weighted):  # fill Varnish and both page caches
            for base in [shape.front, *shape.apps]:
                warm.get(base, path)

        command = wrk_command(
            shape.front + "/", paths_file, CAPACITY_SECONDS, CAPACITY_CONNECTIONS, 0
        )
        print("Capacity:", " ".join(command), flush=True)
        capacity, _ = run_wrk(command)
        target = args.share * capacity.requests_per_sec
        print(f"  {capacity.requests_per_sec:,.0f} req/s; loading at {target:,.0f} req/s")

        from threatpress.caching.affected import affected_paths

        # Two assessments, each with its translation: one published at once at second 30, the
        # other scheduled now (as a release is, ahead) for second 45.
        pages, scheduled = assessments_with_translations(2)
        now = Change("publish now", "[LOAD-NOW]")
        later = Change("scheduled go-live", "[LOAD-LATER]")
        host = shape.front.removeprefix("http://")
        for change, its_pages in ((now, pages), (later, scheduled)):
            affected = sorted(affected_paths(its_pages[0]))
            change.expected = pages_showing(its_pages, change.marker, affected, host)
            print(f"  {change.name}: {len(change.expected)} addresses show the change")
        layers = {"Varnish": shape.front, "app 1": shape.apps[0], "app 2": shape.apps[1]}
        publisher_process = Publisher(shape.folder, pages, now.marker)  # set up before the load

        command = wrk_command(
            shape.front + "/", paths_file, args.duration, LOAD_CONNECTIONS, target
        )
        print("Load:", " ".join(command), flush=True)
        averages: list[float] = [os.getloadavg()[0]]
        stop_sampling = threading.Event()
        threading.Thread(target=sample_load, args=(stop_sampling, averages), daemon=True).start()
        # The go-live instant, a whole second as the admin's form gives, at three quarters.
        started = time.time()
        later.instant = float(int(started + args.duration * 3 / 4))
        schedule(scheduled, later.marker, later.instant)
        started, end = time.time(), later.instant + args.duration / 4
        load: dict[str, tuple[WrkResult, str]] = {}
        loader = threading.Thread(target=lambda: load.update(run=run_wrk(command)))
        processes, idle, waited_for = cpu_by_process(), idle_seconds(), waited_for_seconds()
        pressure, pressure_started = stalled_seconds(), time.monotonic()
        database_log = shape.folder / "postgres.log"
        database_log_start = database_log.stat().st_size if database_log.exists() else 0
        # Failed fetches while the cluster started or the caches were filled are not the load's.
        counters_before = varnish_counters(shape.folder)
        loader.start()

        watchers = Watchers()
        publish_at = started + args.duration / 2
        looking = [
            watchers.watch(now, layers, sorted(now.expected), publish_at - LOOK_AHEAD, end),
            watchers.watch(later, layers, sorted(later.expected), later.instant - LOOK_AHEAD, end),
        ]
        time.sleep(max(0.0, publish_at - time.time()))
        now.instant, publish_account = publisher_process.publish()
        print(f"  published at second {now.instant - started:.1f}", flush=True)
        loader.join()
        cpu = cpu_account(
            processes,
            cpu_by_process(),
            idle_seconds() - idle,
            waited_for_seconds() - waited_for,
        )
        stalled = {
            name: (seconds - pressure[name]) / (time.monotonic() - pressure_started)
            for name, seconds in stalled_seconds().items()
            if name in pressure
        }
        for future in looking:
            future.result(timeout=end - time.time() + 30)
        stop_sampling.set()
        averages.append(os.getloadavg()[0])
        result, output = load["run"]
        print(output)
        verdicts = [judge(now, started), judge(later, started)]
        # The scheduler's own account of the go-live, and any error it logged.
        log = (shape.folder / "scheduler.log").read_text(errors="replace").splitlines()
        print("Scheduler's log:", *log[-15:], sep="\n  ")
        counters = varnish_counters(shape.folder)
        counters = {
            name: (value - counters_before.get(name, 0), value) for name, value in counters.items()
        }
        sent = sent_each_second(output, args.duration)
        return Results(
            capacity, result, target, verdicts, groups, averages, counters, sent, cpu,
            stalled=stalled,
            release=next((line for line in log if line.startswith("Staged release")), ""),
            publish=publish_account,
            slow_statements=slow_statements(database_log, database_log_start),
        )  # fmt: skip


def verdict_lines(results: Results) -> list[str]:
    lines = []
    for v in results.verdicts:
        layers = "; ".join(
            f"{layer} median {values[len(values) // 2]:.2f} s, slowest {values[-1]:.2f} s"
            for layer, values in v.seconds.items()
        )
        ok = not v.late and not v.errors
        lines.append(
            f"- {v.change} (second {v.at:.1f}): {v.expected} addresses show the new text; "
            f"seconds until they do: {layers}; {v.polls:,} looks (each address every "
            f"{1000 * v.median_round:.0f} ms until it showed the text), {v.errors} non-200; "
            f"{'PASS' if ok else 'FAIL'}"
            + (f" (late or lost: {'; '.join(v.late[:5])})" if v.late else "")
        )
    return lines


def section_markdown(args: argparse.Namespace, results: Results) -> str:
    c, r = results.capacity, results.load
    mix = ", ".join(f"{kind} {len(paths)}" for kind, paths in results.groups.items())
    shares = ", ".join(f"{kind} {100 * share:.0f}%" for kind, share in MIX.items())
    averages = " → ".join(f"{a:.1f}" for a in results.load_average)
    errors_ok = not r.errors
    stale_ok = all(not v.late for v in results.verdicts)
    lines = [
        SECTION,
        "",
        "Written by `bench/release_load.py`; rerun `make bench-load` to refresh this section.",
        "",
        f"- Date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        "- Command: `make bench-load`"
        + (f" (`--duration {args.duration} --share {args.share}`)" if args.duration != 60 else ""),
        "- Shape: `scripts/cluster` (PostgreSQL, two gunicorn app servers with 2 workers and the "
        "in-app page cache each, the scheduler, the export worker, Varnish 7.1 with the shipped "
        "VCL), all on this machine",
        f"- Addresses ({sum(map(len, results.groups.values()))}, the newest edition's, both "
        f"languages): {mix}; requests shared as {shares}; no cookies (readers without a consent "
        "answer)",
        f"- Load generator: wrk with `bench/release_load.lua` (random address per request; paced "
        f"by a per-thread timetable through `delay()`), {WRK_THREADS} threads, on the same cores "
        f"at nice {WRK_NICENESS} (it stands for the readers' machines)",
        f"- Machine: {render.machine()}; 1-minute load average during the load: {averages}",
        "",
        "| Run | connections | req/s | p50 ms | p99 ms | requests | errors |",
        "|---|---|---|---|---|---|---|",
        f"| Capacity, unpaced, {CAPACITY_SECONDS} s | {CAPACITY_CONNECTIONS} | "
        f"{c.requests_per_sec:,.0f} | {c.p50_ms:.2f} | {c.p99_ms:.2f} | {c.total_requests:,} | "
        f"{c.errors or 0} |",
        f"| {args.duration} s at {100 * args.share:.0f}% (target {results.target_rate:,.0f} "
        f"req/s) | {LOAD_CONNECTIONS} | {r.requests_per_sec:,.0f} | {r.p50_ms:.2f} | "
        f"{r.p99_ms:.2f} | {r.total_requests:,} | {r.errors or 0} |",
        "",
        "Publishing during the load (two assessments, each with its Lithuanian translation: one "
        "published at once, the other scheduled before the load began), seconds from the commit "
        "(publish now) or the go-live time (scheduled) until an address shows the new text and "
        "keeps showing it to the end of the load, fetched through Varnish and from each app "
        "server directly:",
        "",
        *verdict_lines(results),
        "",
        f"Errors during the load: {'none' if errors_ok else r.errors}. Stale pages after the "
        f"purge: {'none' if stale_ok else 'see FAIL above'}. Achieved rate "
        f"{100 * r.requests_per_sec / results.target_rate:.0f}% of the target"
        + (
            f" (sent, as a share of it: {rate_by_window(results.sent, results.target_rate)})"
            if results.sent
            else ""
        )
        + f". CPU seconds used during the load ({args.duration * (os.cpu_count() or 1)} s "
        "available): "
        + ", ".join(
            f"{kind} {seconds:.1f}" for kind, seconds in results.cpu.items() if seconds >= 0.05
        )
        + ". Varnish's counters during the load (since it started, in brackets): "
        + ", ".join(
            f"{VARNISH_COUNTERS[name]} {during:,} ({total:,})"
            for name, (during, total) in results.varnish.items()
        )
        + "."
        + (
            " Time in which processes waited (Linux's pressure stall information): "
            + ", ".join(f"{name} {100 * share:.0f}%" for name, share in results.stalled.items())
            + "."
            if results.stalled
            else ""
        ),
        "",
        (f"The publish now: {results.publish}. " if results.publish else "")
        + f"The scheduler's log: “{results.release or 'no staged release'}” "
        + slow_statements_line(results.slow_statements),
        "",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (60)")
    parser.add_argument("--share", type=float, default=0.8, help="of the capacity (0.8)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-write", action="store_true", help="print only, leave the docs")
    parser.add_argument(
        "--cluster", type=Path, help="the folder of a running `make cluster` (its Logs) to use"
    )
    args = parser.parse_args(argv)
    if args.duration < 20 or not 0 < args.share <= 1:
        parser.error("--duration must be at least 20 and --share in (0, 1]")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--publish-child"]:
        return publish_child(argv[1:])
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if render.find_binary("wrk", "/usr/bin/wrk") is None:
        print(render.missing("wrk", "the load benchmark"), file=sys.stderr)
        return 1
    print(f"Load average before the run: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="threatpress-release-load-") as name:
        results = run(args, Path(name))
    text = section_markdown(args, results)
    print(text)
    if not args.no_write:
        render.write_section(args.output, text, SECTION)
        print(f"Wrote {args.output}")
    failed = results.load.errors or any(v.late or v.errors for v in results.verdicts)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
