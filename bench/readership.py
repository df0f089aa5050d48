"""What counting readers costs on the reader's path, against the same page with counting off.

1. In-process: the assessment page through django.test.Client with a browser's user agent,
   counting on and off in alternating blocks (the baseline is measured in the same run).
2. The increment itself: `count_page_view` (the checks, the day, the buffered increment) and the
   bare buffer increment, in microseconds, with the background writer out of the way.
3. The flush, which runs in a background thread: one bulk upsert for a typical 10-second buffer
   and for a large one.
4. Over HTTP (if wrk is installed): gunicorn as `make run` starts it, counting on and off; then a
   check that a fixed number of reads from several connections is written exactly, counts
   written by the background thread and, at SIGTERM, by the exit flush.

Everything runs in a temporary directory on 127.0.0.1 and is removed at the end. The section
"Readership counting cost (issue 5)" of docs/benchmarks.md is rewritten.

Usage: .venv/bin/python bench/readership.py [--requests 300] [--wrk-duration 5]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from render import (
    GUNICORN_WORKERS,
    PAGE_PATH,
    ROOT,
    WARMUP,
    WRK_CONNECTIONS,
    WRK_THREADS,
    LoadMeter,
    Run,
    Timings,
    WrkResult,
    bench_env,
    busy_note,
    fetch,
    find_binary,
    free_port,
    gunicorn_command,
    machine,
    markdown_table,
    prepare_site,
    run_wrk,
    running,
    software,
    summarise,
    text_table,
    write_section,
)

SECTION = "## Readership counting cost (issue 5)"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
BLOCK = 25  # requests per alternating block
INCREMENTS = 200_000
FLUSH_REPEATS = 15
CHECK_PATH = "/en/reports/2026/summary/"  # the exactness check reads a page wrk does not
CHECK_THREADS, CHECK_PER_THREAD = 4, 100


@dataclass
class InProcess:
    on: Timings
    off: Timings


@dataclass
class Micro:
    count_page_view_us: float
    buffer_add_us: float


@dataclass
class Flush:
    keys: int
    insert_ms: float  # rows that do not exist yet
    update_ms: float  # the same keys again: every row is added to


@dataclass
class Exactness:
    sent: int
    served: int
    written_by_thread: int  # written while the server still ran (background thread)
    written_total: int  # after SIGTERM (the exit flush wrote the rest)


@dataclass
class Http:
    on: WrkResult | None  # the mean of the runs with counting on
    off: WrkResult | None
    exact: Exactness | None
    note: str
    runs: list[tuple[str, WrkResult]] | None = None  # every run, in order


# --- In-process ------------------------------------------------------------------------------


def time_block(client, path: str, count: int) -> list[float]:
    seconds = []
    for _ in range(count):
        start = time.perf_counter()
        fetch(client, path)
        seconds.append(time.perf_counter() - start)
    return seconds


def measure_in_process(requests: int) -> InProcess:
    from django.test import Client
    from django.test.utils import override_settings

    from threatpress.readership import counting

    client = Client(HTTP_USER_AGENT=BROWSER)
    off = override_settings(THREATPRESS_READERSHIP=False)
    for _ in range(WARMUP):
        fetch(client, PAGE_PATH)
        with off:
            fetch(client, PAGE_PATH)
    samples: dict[str, list[float]] = {"on": [], "off": []}
    done = 0
    while done < requests:
        block = min(BLOCK, requests - done)
        with off:
            samples["off"] += time_block(client, PAGE_PATH, block)
        samples["on"] += time_block(client, PAGE_PATH, block)
        done += block
    counting.flush()
    return InProcess(summarise(samples["on"]), summarise(samples["off"]))


def measure_micro() -> Micro:
    """Per-increment cost with a private buffer and no writer thread: only the reader's work."""
    from django.http import HttpResponse
    from django.test import RequestFactory
    from wagtail.models import Page

    from threatpress.readership import counting
    from threatpress.readership.buffer import CountBuffer, Flusher

    page = Page.objects.get(
        url_path__endswith="/russia-loses-its-main-lever-in-the-south-caucasus/"
    )
    request = RequestFactory().get(PAGE_PATH, HTTP_USER_AGENT=BROWSER)
    response = HttpResponse(b"<!DOCTYPE html>", content_type="text/html; charset=utf-8")

    shared_buffer, shared_flusher = counting.buffer, counting.flusher
    quiet = Flusher(
        CountBuffer(), lambda counts: None, lambda: 3600.0, lambda: 10**12, lambda: False
    )
    counting.buffer, counting.flusher = quiet.buffer, quiet
    try:
        start = time.perf_counter()
        for _ in range(INCREMENTS):
            counting.count_page_view(request, page, response)
        full = time.perf_counter() - start
        assert quiet.buffer.pending() == INCREMENTS
        key = counting.view_key(counting.today(), page.pk, "")
        add = quiet.buffer.add
        start = time.perf_counter()
        for _ in range(INCREMENTS):
            add(key)
        bare = time.perf_counter() - start
    finally:
        counting.buffer, counting.flusher = shared_buffer, shared_flusher
    return Micro(full / INCREMENTS * 1e6, bare / INCREMENTS * 1e6)


def measure_flush(keys: int) -> Flush:
    import statistics
    from datetime import timedelta

    from wagtail.models import Page

    from threatpress.publishing.visibility import public_pages
    from threatpress.readership.models import PageViewDay
    from threatpress.readership.store import view_key, write_counts

    pages = list(public_pages(Page.objects.filter(depth__gt=1)).values_list("pk", flat=True))
    far_past = datetime(2001, 1, 1).date()  # never collides with the demo's or today's rows
    counts = {}
    day = 0
    while len(counts) < keys:
        for pk in pages:
            if len(counts) < keys:
                counts[view_key(far_past + timedelta(days=day), pk, "")] = 3
        day += 1
    inserts, updates = [], []
    for _ in range(FLUSH_REPEATS):
        PageViewDay.objects.filter(date__lt=datetime(2002, 1, 1).date()).delete()
        start = time.perf_counter()
        write_counts(counts)
        inserts.append(time.perf_counter() - start)
        start = time.perf_counter()
        write_counts(counts)
        updates.append(time.perf_counter() - start)
    PageViewDay.objects.filter(date__lt=datetime(2002, 1, 1).date()).delete()
    return Flush(keys, statistics.median(inserts) * 1000, statistics.median(updates) * 1000)


# --- HTTP ------------------------------------------------------------------------------------


def stored_views(env: dict[str, str], path: str) -> int:
    """Today's stored views of the page at `path`, read by a separate process."""
    assert path == CHECK_PATH  # the 2026 edition's summary route
    code = (
        "from django.db.models import Sum; "
        "from threatpress.readership.counting import today; "
        "from threatpress.readership.models import PageViewDay; "
        "rows = PageViewDay.objects.filter(page__url_path__endswith='/reports/2026/', "
        "page__locale__language_code='en', route='summary', date=today()); "
        "print(rows.aggregate(n=Sum('views'))['n'] or 0)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(result.stdout.strip().splitlines()[-1])


def read_many(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def read(_n: int) -> int:
        served = 0
        for _ in range(CHECK_PER_THREAD):
            request = urllib.request.Request(url, headers={"User-Agent": BROWSER})
            with opener.open(request, timeout=30) as response:
                response.read()
                served += response.status == 200
        return served

    with ThreadPoolExecutor(CHECK_THREADS) as pool:
        return sum(pool.map(read, range(CHECK_THREADS)))


def measure_exactness(tmp: Path, env: dict[str, str]) -> Exactness:
    """Reads from several connections at once; counts written while serving, and after TERM."""
    port = free_port()
    url = f"http://127.0.0.1:{port}{CHECK_PATH}"
    before = stored_views(env, CHECK_PATH)
    log = tmp / "gunicorn-check.log"
    flush_seconds = 5
    check_env = {**env, "THREATPRESS_READERSHIP_FLUSH_SECONDS": str(flush_seconds)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            gunicorn_command(port), cwd=ROOT, env=check_env, stdout=out, stderr=out
        )
        try:
            deadline = time.monotonic() + 30
            while True:  # ready? (healthz is not a page: it is never counted)
                try:
                    urllib.request.build_opener(urllib.request.ProxyHandler({})).open(
                        f"http://127.0.0.1:{port}/healthz", timeout=2
                    ).read()
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError("gunicorn did not start") from None
                    time.sleep(0.2)
            served = read_many(url)
            time.sleep(flush_seconds + 2)
            by_thread = stored_views(env, CHECK_PATH) - before
            # Some more reads that only the exit flush can write.
            served_late = read_many(url) if by_thread else 0
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    total = stored_views(env, CHECK_PATH) - before
    sent = CHECK_THREADS * CHECK_PER_THREAD * (2 if by_thread else 1)
    return Exactness(sent, served + served_late, by_thread, total)


def mean_result(results: list[WrkResult]) -> WrkResult:
    """The mean of the runs of one mode (throughput and latency percentiles alike)."""
    count = len(results)
    return WrkResult(
        requests_per_sec=sum(r.requests_per_sec for r in results) / count,
        p50_ms=sum(r.p50_ms for r in results) / count,
        p99_ms=sum(r.p99_ms for r in results) / count,
        total_requests=sum(r.total_requests for r in results),
        errors="; ".join(r.errors for r in results if r.errors),
    )


def measure_http(tmp: Path, env: dict[str, str], seconds: int) -> Http:
    exact = measure_exactness(tmp, env)
    wrk = find_binary("wrk", "/usr/bin/wrk")
    if wrk is None:
        note = "wrk is not installed, so the HTTP comparison was skipped "
        note += "(install it: scripts/ensure-system-packages wrk)."
        return Http(None, None, exact, note)
    # Off, on, on, off: a machine whose load drifts during the run favours neither mode.
    runs: dict[str, list[WrkResult]] = {"on": [], "off": []}
    in_order = []
    for mode in ("off", "on", "on", "off"):
        port = free_port()
        url = f"http://127.0.0.1:{port}{PAGE_PATH}"
        mode_env = {**env, "THREATPRESS_READERSHIP": "true" if mode == "on" else "false"}
        with running(gunicorn_command(port), mode_env, tmp / f"gunicorn-{mode}.log", url):
            runs[mode].append(run_wrk(wrk, url, seconds, (f"User-Agent: {BROWSER}",)))
        in_order.append((mode, runs[mode][-1]))
    results = {mode: mean_result(pair) for mode, pair in runs.items()}
    return Http(results["on"], results["off"], exact, "", in_order)


# --- Reporting -------------------------------------------------------------------------------

IN_PROCESS_HEADER = ("In-process, django.test.Client", "median ms", "p95 ms")
MICRO_HEADER = ("On the reader's path", "µs per page view")
FLUSH_HEADER = ("Flush (background thread), SQLite", "new rows ms", "existing rows ms")
HTTP_HEADER = ("HTTP, wrk", "req/s", "p50 ms", "p99 ms")


def in_process_rows(result: InProcess) -> list[tuple[str, str, str]]:
    on, off = result.on, result.off
    return [
        ("Assessment page, counting on", f"{on.median_ms:.2f}", f"{on.p95_ms:.2f}"),
        ("Baseline: counting off", f"{off.median_ms:.2f}", f"{off.p95_ms:.2f}"),
        (
            "Difference",
            f"{on.median_ms - off.median_ms:+.2f}",
            f"{on.p95_ms - off.p95_ms:+.2f}",
        ),
    ]


def micro_rows(micro: Micro) -> list[tuple[str, str]]:
    return [
        ("count_page_view (checks, day, increment)", f"{micro.count_page_view_us:.2f}"),
        ("of which the buffered increment", f"{micro.buffer_add_us:.2f}"),
    ]


def flush_rows(flushes: list[Flush]) -> list[tuple[str, str, str]]:
    return [
        (f"{flush.keys:,} keys in one upsert", f"{flush.insert_ms:.1f}", f"{flush.update_ms:.1f}")
        for flush in flushes
    ]


def http_rows(http: Http) -> list[tuple[str, str, str, str]]:
    rows = []
    runs = [
        (f"run {number}: counting {mode}", result)
        for number, (mode, result) in enumerate(http.runs or [], start=1)
    ]
    for label, result in (
        *runs,
        (f"mean, counting on ({GUNICORN_WORKERS} workers)", http.on),
        (f"mean, counting off ({GUNICORN_WORKERS} workers)", http.off),
    ):
        if result is not None:
            rps, p50, p99 = result.requests_per_sec, result.p50_ms, result.p99_ms
            rows.append((label, f"{rps:,.0f}", f"{p50:.2f}", f"{p99:.2f}"))
    return rows


def exactness_text(exact: Exactness | None) -> str:
    if exact is None:
        return ""
    verdict = "exactly" if exact.written_total == exact.served else "NOT exactly"
    return (
        f"Exactness: {CHECK_THREADS} connections read `{CHECK_PATH}` {exact.served} times "
        f"(of {exact.sent} sent); the background threads had written "
        f"{exact.written_by_thread} while the server ran, and after SIGTERM the total stored "
        f"was {exact.written_total}: every read counted {verdict} once."
    )


def interpretation(result: InProcess, micro: Micro, http: Http) -> str:
    difference = result.on.median_ms - result.off.median_ms
    text = (
        f"Counting costs about {micro.count_page_view_us:.1f} µs of work per page view "
        f"({micro.buffer_add_us:.2f} µs of it the buffered increment) and no database query: "
        f"{100 * micro.count_page_view_us / 1000 / result.off.median_ms:.3f}% of a "
        f"{result.off.median_ms:.1f} ms render. The writes happen in a background thread "
        "every 10 s (see the flush times). The in-process medians differ by "
        f"{difference:+.2f} ms"
    )
    if abs(difference) < 0.5:
        text += ", noise between alternating blocks rather than a cost: the work per view "
        text += f"predicts {micro.count_page_view_us / 1000:.3f} ms."
    else:
        text += ", more than the work per view explains: rerun on an idle machine."
    if http.on is not None and http.off is not None:
        text += (
            f" Over HTTP, gunicorn served {http.on.requests_per_sec:.1f} pages a second with "
            f"counting and {http.off.requests_per_sec:.1f} without; {os.cpu_count()} CPUs "
            "shared by wrk, both servers and other work vary more from run to run than 8 µs "
            "per request can explain (it would be 0.03% of the throughput)."
        )
    return text


def section_markdown(args, run: Run, result, micro, flushes, http) -> str:
    lines = [
        SECTION,
        "",
        "Written by `bench/readership.py`; rerun `make bench` to refresh this section.",
        "",
        f"- Date: {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        "- Command: `make bench` (`.venv/bin/python bench/readership.py "
        f"--requests {args.requests} --wrk-duration {args.wrk_duration}`)",
        f"- Page: `{PAGE_PATH}`, requested with a browser's user agent so that it is counted",
        f"- Machine: {machine()}",
        f"- Software: {software()}",
        "- Set-up: production settings (DEBUG off), SQLite in a temporary directory, the demo "
        "from `manage.py load_demo`. " + busy_note(run),
        "",
        "### Page render, counting on and off",
        "",
        f"{result.on.count} timed requests each, in alternating blocks of {BLOCK} after "
        f"{WARMUP} warm-up requests of each; the baseline is the same page with "
        "`THREATPRESS_READERSHIP` off, measured in the same run.",
        "",
        markdown_table(IN_PROCESS_HEADER, in_process_rows(result)),
        "",
        "### The increment and the flush",
        "",
        f"Mean over {INCREMENTS:,} calls in one thread, with the writer thread out of the way:",
        "",
        markdown_table(MICRO_HEADER, micro_rows(micro)),
        "",
        f"Median of {FLUSH_REPEATS} bulk writes (`INSERT ... ON CONFLICT DO UPDATE`, one "
        "transaction, with the visibility check of the pages involved). A 10-second buffer "
        "holds one key per page read in those ten seconds: tens on a busy day.",
        "",
        markdown_table(FLUSH_HEADER, flush_rows(flushes)),
        "",
    ]
    if http.on is not None:
        lines += [
            "### HTTP",
            "",
            f"`wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{args.wrk_duration}s --latency` with a "
            "browser's user agent, gunicorn as `make run` starts it (`--preload`); four runs in "
            "the order off, on, on, off:",
            "",
            markdown_table(HTTP_HEADER, http_rows(http)),
            "",
        ]
    if http.exact is not None:
        lines += [exactness_text(http.exact), ""]
    if http.note:
        lines += [http.note, ""]
    lines += ["### What the numbers mean", "", interpretation(result, micro, http), ""]
    return "\n".join(lines)


def print_report(run, result, micro, flushes, http) -> None:
    if note := busy_note(run):
        print(note)
    print()
    print(text_table(IN_PROCESS_HEADER, in_process_rows(result)))
    print()
    print(text_table(MICRO_HEADER, micro_rows(micro)))
    print()
    print(text_table(FLUSH_HEADER, flush_rows(flushes)))
    if http.on is not None:
        print()
        print(text_table(HTTP_HEADER, http_rows(http)))
    if http.exact is not None:
        print()
        print(exactness_text(http.exact))
    if http.note:
        print(f"\nNote: {http.note}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests per mode (300)")
    parser.add_argument("--wrk-duration", type=int, default=5, help="seconds per wrk run (5)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.wrk_duration < 1:
        parser.error("--requests and --wrk-duration must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="threatpress-bench-") as name:
        tmp = Path(name)
        env = bench_env(tmp)
        os.environ.clear()
        os.environ.update(env)
        print("Preparing the demo site in", tmp, flush=True)
        prepare_site(env)
        import django

        django.setup()
        meter = LoadMeter.start()
        print(f"Timing {args.requests} requests with counting on and off...", flush=True)
        result = measure_in_process(args.requests)
        print("Timing the increment and the flush...", flush=True)
        micro = measure_micro()
        flushes = [measure_flush(30), measure_flush(1000)]
        print("Over HTTP: exactness check, then wrk...", flush=True)
        from django.db import connections

        connections.close_all()
        http = measure_http(tmp, env, args.wrk_duration)
        run = Run(0.0, meter.others_percent())
    print_report(run, result, micro, flushes, http)
    write_section(args.output, section_markdown(args, run, result, micro, flushes, http), SECTION)
    print(f"\nWrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
