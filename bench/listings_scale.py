"""What the listings a publish purges cost as the archive grows (issue 8): the API's four
listings, the list of countries and regions, a country page, a feed and the sitemap.

Each scale runs in its own process on its own temporary site (production settings, SQLite, no
page cache), measured as the CPU time of that process around `django.test.Client().get()`:
- the demo (`manage.py load_demo`);
- the demo beside bench/search.py's synthetic archive of 20 earlier editions (2000-2019) of 30
  assessments, in both languages: an agency's site after two decades.

For each address: the median over the requests with the remembered fragments kept (every render
but the first after a purge), the median with them dropped before each request (the first
render after a purge, which every publish causes for these addresses), and the SQL queries of
the latter.

Usage: .venv/bin/python bench/listings_scale.py [--requests N] [--no-write]
Results go to docs/benchmarks.md under SECTION.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import render, scales
from bench.render_cost import cpu_ms

SECTION = "## Listings as the archive grows (issue 8)"
PATHS = [
    ("API: assessments", "/api/v2/assessments/"),
    ("API: editions", "/api/v2/editions/"),
    ("API: regions", "/api/v2/regions/"),
    ("API: pages", "/api/v2/pages/"),
    ("Countries and regions", "/en/regions/"),
    ("Country page: Russia", "/en/regions/russia/"),
    ("Atom feed, English", "/en/feed/"),
    ("Sitemap", "/sitemap.xml"),
]
SCALES = scales.SCALES
OPTION = ("requests", int, 30, "timed requests a case (30)")  # scales.main
WARMUP = 3


# --- Inside a measuring process -------------------------------------------------------------


def measure(requests: int) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Page

    from threatpress.caching import fragments

    client = Client(HTTP_HOST="127.0.0.1")
    rows = {}
    for label, path in PATHS:
        for _ in range(WARMUP):
            cpu_ms(client, path)
        kept = statistics.median(cpu_ms(client, path) for _ in range(requests))
        with CaptureQueriesContext(connection) as captured:
            cpu_ms(client, path, fragments.clear)
        queries = len(captured)
        purged = statistics.median(cpu_ms(client, path, fragments.clear) for _ in range(requests))
        rows[label] = {"kept": kept, "purged": purged, "queries": queries}
    return {"pages": Page.objects.filter(depth__gt=1).count(), "rows": rows}


# --- Orchestrating ------------------------------------------------------------------------


def section_markdown(args, results: dict, load) -> str:
    demo, archive = results["demo"], results["archive"]
    lines = [
        SECTION,
        "",
        "Written by `bench/listings_scale.py`; rerun it to refresh this section.",
        "",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Command: `.venv/bin/python bench/listings_scale.py --requests {args.requests}`",
        f"- Machine: {render.machine()}",
        f"- Software: {render.software()}",
        "- Set-up: production settings, SQLite, no page cache; each scale in its own process "
        "and site: the demo, and the demo beside bench/search.py's synthetic archive (20 "
        "earlier editions of 30 assessments, both languages). In-process "
        "`django.test.Client` (middleware, routing, view, template; no HTTP), "
        f"{WARMUP} warm-up requests, then the median CPU time of the process over "
        f"{args.requests} requests: with the remembered fragments kept, and with them dropped "
        "before each request (the first render after a purge: a publish purges every one of "
        "these addresses, the API's listings and the feed for a new summary or a structural "
        "change, the sitemap for any). SQL queries of the first render after a purge.",
        f"- 1-minute load average before → after: {load[0]:.2f} → {load[1]:.2f}",
        "",
        f"| Address | demo ({demo['pages']} pages): kept ms | after a purge ms | queries | "
        f"with the archive ({archive['pages']} pages): kept ms | after a purge ms | queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, path in PATHS:
        d, a = demo["rows"][label], archive["rows"][label]
        lines.append(
            f"| {label} (`{path}`) | {d['kept']:.1f} | {d['purged']:.1f} | {d['queries']} | "
            f"{a['kept']:.1f} | {a['purged']:.1f} | {a['queries']} |"
        )
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(scales.main(sys.argv[1:], sys.modules[__name__]))
