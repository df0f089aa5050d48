"""What finding, following and citing costs: the sitemap, the feeds and robots.txt on the demo
site, and the head metadata and "Cite this" control on an assessment page against the same page
without them (alternating blocks in the same run).

In-process through django.test.Client with production settings, SQLite in a temporary directory
that is removed at the end; nothing leaves the machine. The section "Feeds, sitemap and page
metadata (issue 7)" of docs/benchmarks.md is rewritten.

Usage: .venv/bin/python bench/discovery.py [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from unittest import mock

from render import (
    PAGE_PATH,
    ROOT,
    WARMUP,
    LoadMeter,
    Run,
    Timings,
    bench_env,
    busy_note,
    count_queries,
    fetch,
    machine,
    markdown_table,
    prepare_site,
    software,
    summarise,
    text_table,
    time_requests,
    write_section,
)

SECTION = "## Feeds, sitemap and page metadata (issue 7)"
SURFACES = {
    "/sitemap.xml": "Sitemap, every public page in both languages",
    "/en/feed/": "Atom feed, English",
    "/lt/feed/": "Atom feed, Lithuanian",
    "/robots.txt": "robots.txt",
}
BLOCK = 20  # requests per alternating block


@dataclass
class Surface:
    path: str
    label: str
    timings: Timings
    queries: int
    size: int
    entries: int  # <url> or <entry> elements


@dataclass
class PageCost:
    with_metadata: Timings
    without: Timings
    queries_with: int
    queries_without: int


def measure_surfaces(requests: int) -> list[Surface]:
    from django.test import Client

    client = Client()
    found = []
    for path, label in SURFACES.items():
        body = fetch(client, path)
        entries = body.count(b"<url>") + body.count(b"<entry>")
        timings = time_requests(client, path, requests)
        found.append(
            Surface(path, label, timings, len(count_queries(client, path)), len(body), entries)
        )
    return found


def measure_page(requests: int) -> PageCost:
    """The assessment page with and without what this issue adds to it (the described page
    feeds the canonical link, Open Graph, JSON-LD, the citation tags and "Cite this")."""
    from django.test import Client

    client = Client()
    without = mock.patch("threatpress.discovery.metadata.describe", return_value=None)
    for _ in range(WARMUP):
        fetch(client, PAGE_PATH)
        with without:
            fetch(client, PAGE_PATH)
    samples: dict[str, list[float]] = {"with": [], "without": []}
    done = 0
    while done < requests:
        block = min(BLOCK, requests - done)
        for key in ("without", "with"):
            for _ in range(block):
                with without if key == "without" else nullcontext():
                    start = time.perf_counter()
                    fetch(client, PAGE_PATH)
                    samples[key].append(time.perf_counter() - start)
        done += block
    queries_with = len(count_queries(client, PAGE_PATH))
    with without:
        queries_without = len(count_queries(client, PAGE_PATH))
    return PageCost(
        summarise(samples["with"]), summarise(samples["without"]), queries_with, queries_without
    )


HEADER = ("In-process, django.test.Client", "median ms", "p95 ms", "SQL", "entries", "bytes")
PAGE_HEADER = ("Assessment page", "median ms", "p95 ms", "SQL")


def surface_rows(surfaces: list[Surface]) -> list[tuple[str, ...]]:
    return [
        (
            f"{s.label} (`{s.path}`)",
            f"{s.timings.median_ms:.2f}",
            f"{s.timings.p95_ms:.2f}",
            str(s.queries),
            str(s.entries) if s.entries else "",
            f"{s.size:,}",
        )
        for s in surfaces
    ]


def page_rows(cost: PageCost) -> list[tuple[str, ...]]:
    w, wo = cost.with_metadata, cost.without
    return [
        ("With metadata and Cite this", f"{w.median_ms:.2f}", f"{w.p95_ms:.2f}",
         str(cost.queries_with)),
        ("Without (describe() returns nothing)", f"{wo.median_ms:.2f}", f"{wo.p95_ms:.2f}",
         str(cost.queries_without)),
        ("Difference", f"{w.median_ms - wo.median_ms:.2f}", f"{w.p95_ms - wo.p95_ms:.2f}",
         str(cost.queries_with - cost.queries_without)),
    ]  # fmt: skip


def queries(count: int) -> str:
    return "no SQL query" if count == 0 else f"{count} SQL quer{'y' if count == 1 else 'ies'}"


def section_markdown(args, run: Run, surfaces: list[Surface], cost: PageCost) -> str:
    sitemap = surfaces[0]
    diff = cost.with_metadata.median_ms - cost.without.median_ms
    return "\n".join(
        [
            SECTION,
            "",
            "Written by `bench/discovery.py`; rerun it to refresh this section.",
            "",
            f"- Date: {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
            f"- Command: `.venv/bin/python bench/discovery.py --requests {args.requests}`",
            f"- Machine: {machine()}",
            f"- Software: {software()}",
            "- Set-up: production settings (DEBUG off), SQLite in a temporary directory, the demo "
            "from `manage.py load_demo` (2024–2026 in English, 2026 also in Lithuanian, 2027 "
            "embargoed), no page cache; the parts of pages that are remembered between "
            "purges (docs/caching.md) are kept between requests, as in production, so every "
            "figure here is a render but the first after a purge. " + busy_note(run),
            "",
            f"{args.requests} timed requests each after {WARMUP} warm-up requests, wall time per "
            "request with `time.perf_counter`.",
            "",
            markdown_table(HEADER, surface_rows(surfaces)),
            "",
            f"The page with and without this issue's head metadata and control, in alternating "
            f"blocks of {BLOCK} (`{PAGE_PATH}`):",
            "",
            markdown_table(PAGE_HEADER, page_rows(cost)),
            "",
            "### What the numbers mean",
            "",
            f"The sitemap lists {sitemap.entries} addresses in {sitemap.queries} SQL queries: the "
            "number of queries does not grow with the number of pages (the test "
            "`test_queries_do_not_grow_with_the_site` checks it). The feeds and the sitemap are "
            "cheap enough to serve uncached; a cache in front may keep them for minutes, since "
            "nothing in them changes between releases but corrections. On an assessment page the "
            f"canonical link, Open Graph, JSON-LD, citation tags and the Cite this control cost "
            f"about {diff:.1f} ms and {queries(cost.queries_with - cost.queries_without)}: they "
            "are made from what the page has loaded already (its ancestors, downloads and "
            "language versions, the organisation's name the header asked for), and since "
            "2026-11-27 the head metadata is remembered HTML until the next purge, so what is "
            "measured here is mostly the cost of fetching it.",
            "",
        ]
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="threatpress-bench-") as name:
        env = bench_env(Path(name))
        os.environ.clear()
        os.environ.update(env)
        print("Preparing the demo site in", name, flush=True)
        prepare_site(env)
        import django

        django.setup()
        meter = LoadMeter.start()
        print(f"Timing {args.requests} requests of each surface...", flush=True)
        surfaces = measure_surfaces(args.requests)
        print("Timing the assessment page with and without its metadata...", flush=True)
        cost = measure_page(args.requests)
        run = Run(0.0, meter.others_percent())
    print(text_table(HEADER, surface_rows(surfaces)))
    print()
    print(text_table(PAGE_HEADER, page_rows(cost)))
    if note := busy_note(run):
        print(note)
    write_section(args.output, section_markdown(args, run, surfaces, cost), SECTION)
    print(f"\nWrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
