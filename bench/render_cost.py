"""What a render costs without the page cache (issue 8), beside a stock Wagtail page, in one run.

Each case runs in its own process with production settings on SQLite and is measured as the CPU
time of that process (`time.process_time()` around `django.test.Client().get()`): the figure
least disturbed by other work on the machine, and the one that decides how many pages a worker
can render. The cases:

- the stock Wagtail page of bench/stock_wagtail.py (title, summary, the assessment's paragraphs
  as a rich-text body), the same project `make bench-http` builds;
- the demo's assessment page with its parts remembered (threatpress/caching/fragments.py): what
  every render but the first after a purge costs;
- the same page as the first render after a purge (every remembered part dropped before each
  request): the worst case, which one process pays once per purge;
- the same page as the first render after a correction (a text-only purge before each request,
  as a new body or summary makes: docs/caching.md, "A correction keeps the chrome");
- every English assessment of the demo's 2026 edition rendered once each after a purge, as a
  worker does after a release: the cost a page when the pages share their edition's parts.

The assessment is measured on SQLite and again on a temporary PostgreSQL cluster
(`scripts/with-postgres`; `--no-postgres` skips it).

Usage: .venv/bin/python bench/render_cost.py [--requests N] [--no-postgres] [--no-write]
Results go to docs/benchmarks.md under SECTION.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import render, stock_wagtail
from bench.render import PAGE_PATH, ROOT

SECTION = "## Render cost without the page cache (issue 8)"
STOCK_PATH = f"/{stock_wagtail.PAGE_SLUG}/"
WARMUP = 20


# --- Inside a measuring process -------------------------------------------------------------


def cpu_ms(client, path: str, before=None) -> float:
    if before is not None:
        before()
    start = time.process_time()
    response = client.get(path)
    if response.streaming:  # a file: read to the end, as it is sent
        b"".join(response.streaming_content)
    spent = (time.process_time() - start) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return spent


def measure(case: str, requests: int) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if case == "stock":
        path, forget = STOCK_PATH, None
    else:
        from threatpress.caching import fragments

        path, forget = PAGE_PATH, fragments.clear
    for _ in range(WARMUP):
        cpu_ms(client, path)

    def queries(before=None) -> int:
        # Counted at once: the next request empties the connection's log of queries.
        with CaptureQueriesContext(connection) as captured:
            cpu_ms(client, path, before)
        return len(captured)

    result = {"warm_queries": queries()}
    result["warm"] = statistics.median(cpu_ms(client, path) for _ in range(requests))
    if forget is None:
        return result
    result["cold_queries"] = queries(forget)
    result["cold"] = statistics.median(cpu_ms(client, path, forget) for _ in range(requests))
    corrected = correction(path)
    result["corrected_queries"] = queries(corrected)
    result["corrected"] = statistics.median(
        cpu_ms(client, path, corrected) for _ in range(requests)
    )
    result.update(sweep(client, forget, rounds=max(3, requests // 20)))
    result.update(figure(client, path, requests))
    return result


def correction(path: str):
    """A purge as a corrected body makes: the page's own text only (the text generation)."""
    from threatpress.caching.invalidation import purge_now

    return lambda: purge_now({path}, structural=False)


def figure(client, page_path: str, requests: int) -> dict:
    """The page's first image file (its figure), asked for as a reader's browser does after the
    page: the visibility check (is it used by a public page?) and the file, read to the end."""
    import re

    html = client.get(page_path).content.decode()
    match = re.search(r'<img[^>]* src="(/media/[^"]+)"', html)
    if match is None:
        return {}
    image = match.group(1)
    for _ in range(WARMUP):
        cpu_ms(client, image)
    figure_ms = statistics.median(cpu_ms(client, image) for _ in range(requests))
    return {"figure": figure_ms, "figure_path": image}


def sweep(client, forget, rounds: int) -> dict:
    """Every English 2026 assessment once after a purge, `rounds` times: median ms a page."""
    from threatpress.reports.models import AssessmentPage, EditionPage

    edition = EditionPage.objects.get(year=2026, locale__language_code="en")
    paths = [p.url for p in AssessmentPage.objects.live().descendant_of(edition).order_by("path")]
    per_page = []
    for _ in range(rounds):
        forget()
        start = time.process_time()
        for path in paths:
            cpu_ms(client, path)
        per_page.append((time.process_time() - start) * 1000 / len(paths))
    return {"sweep": statistics.median(per_page), "sweep_pages": len(paths)}


# --- Orchestrating ------------------------------------------------------------------------


def on_postgres(requests: int) -> dict:
    """Inside `scripts/with-postgres`: the demo on its temporary cluster, our page measured."""
    from bench.search import ensure_postgres_database

    url = os.environ["DATABASE_URL"]
    ensure_postgres_database()
    with tempfile.TemporaryDirectory(prefix="threatpress-render-cost-pg-") as name:
        env = {**render.bench_env(Path(name)), "DATABASE_URL": url}
        render.prepare_site(env)
        return run_case("threatpress", env, requests)


def postgres_version() -> str:
    output = render.command_output(["/usr/lib/postgresql/15/bin/postgres", "--version"])
    return output.split()[-1] if output else "15"


def run_case(case: str, env: dict[str, str], requests: int) -> dict:
    return render.child_json(__file__, env, ["--measure", case, "--requests", str(requests)], 900)


def section_markdown(args, stock: dict, ours: dict, pg: dict | None, load) -> str:
    ratio = ours["warm"] / stock["warm"]
    pg_head = " PostgreSQL: median CPU ms | SQL queries |" if pg else ""
    pg_rule = " ---: | ---: |" if pg else ""

    def pg_cells(key: str | None, queries: str | None = None) -> str:
        if not pg:
            return ""
        if key not in pg:
            return " – | – |"
        return f" {pg[key]:.2f} | {pg[queries] if queries else '–'} |"

    table = [
        f"| Render | SQLite: median CPU ms | SQL queries |{pg_head}",
        f"| --- | ---: | ---: |{pg_rule}",
        f"| Stock Wagtail page (title, summary, rich-text body) | {stock['warm']:.2f} | "
        f"{stock['warm_queries']} |{pg_cells(None)}",
        f"| ThreatPress assessment, parts remembered | {ours['warm']:.2f} | "
        f"{ours['warm_queries']} |{pg_cells('warm', 'warm_queries')}",
        f"| ThreatPress assessment, first render after a purge | {ours['cold']:.2f} | "
        f"{ours['cold_queries']} |{pg_cells('cold', 'cold_queries')}",
        f"| ThreatPress assessment, first render after a correction (text-only purge) | "
        f"{ours['corrected']:.2f} | {ours['corrected_queries']} |"
        f"{pg_cells('corrected', 'corrected_queries')}",
        f"| Every 2026 assessment once after a purge ({ours['sweep_pages']} pages), a page | "
        f"{ours['sweep']:.2f} | – |{pg_cells('sweep')}",
    ]
    if "figure" in ours:
        table.append(
            f"| The assessment's figure, `{ours['figure_path'].rsplit('/', 1)[-1]}` (which "
            f"image the file is, the remembered check that a public page uses it, and the "
            f"file) | {ours['figure']:.2f} | – |"
            f"{pg_cells('figure')}"
        )
    verdict = (
        "no slower than the stock page, as issue 8 asks"
        if ratio <= 1
        else "slower than the stock page: issue 8's target is missed"
    )
    postgres = (
        f" The PostgreSQL column is the same page on a temporary PostgreSQL {postgres_version()} "
        "cluster on 127.0.0.1 (`scripts/with-postgres`), the database of `make cluster`: its "
        "server's own work is not in the figure, only what the serving process spends."
        if pg
        else ""
    )
    return "\n".join(
        [
            SECTION,
            "",
            "Written by `bench/render_cost.py`; rerun `make bench-render` to refresh this section.",
            "",
            f"- Date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
            f"- Command: `make bench-render` (`.venv/bin/python bench/render_cost.py "
            f"--requests {args.requests}`)",
            f"- Machine: {render.machine()}",
            f"- Software: {render.software()}",
            "- Set-up: production settings, the demo from `manage.py load_demo`; each case "
            "in its own process, in-process `django.test.Client` (middleware, routing, view, "
            f"template; no HTTP), {WARMUP} warm-up requests, then the median CPU time of the "
            f"process over {args.requests} requests. No page cache in any case.{postgres}",
            f"- 1-minute load average before → after: {load[0]:.2f} → {load[1]:.2f}",
            "",
            *table,
            "",
            f"With its parts remembered (every render but the first after a purge), the "
            f"assessment costs {ratio:.2f}× the stock page's CPU: {verdict}. The first render "
            f"after a purge costs {ours['cold'] / stock['warm']:.1f}× (every remembered part is "
            "built again: the route, the header, the edition's contents, the body), and there "
            "the target is not met; after a correction, which keeps the parts that cannot show "
            f"a page's text, it costs {ours['corrected'] / stock['warm']:.1f}×; a worker "
            "rendering a whole edition after a release pays "
            f"{ours['sweep'] / stock['warm']:.1f}× a page, since the pages share their edition's "
            "and chapter's parts. Over HTTP, `make bench-http`'s uncached column is the "
            "remembered case.",
            *(
                [
                    "",
                    f"Every reader's browser then asks for the page's figure, and no cache keeps "
                    f"it: public images are sent `no-cache` so that a withdrawal takes effect at "
                    f"once (docs/security.md), so each view of the page reaches an app server "
                    f"for it, at {ours['figure']:.2f} ms "
                    f"({ours['figure'] / stock['warm']:.1f}× the stock page's render; whether a "
                    f"public page uses the image is remembered until the next purge, "
                    f"`fragments.is_public_file`).",
                ]
                if "figure" in ours
                else []
            ),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests a case (200)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-write", action="store_true", help="print only, leave the docs")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--measure", choices=["stock", "threatpress"], help=argparse.SUPPRESS)
    parser.add_argument("--on-postgres", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.requests)))
        return 0
    if args.on_postgres:
        print(json.dumps(on_postgres(args.requests)))
        return 0
    with tempfile.TemporaryDirectory(prefix="threatpress-render-cost-") as name:
        tmp = Path(name)
        env = render.bench_env(tmp)
        print("Preparing the demo site and the stock project in", tmp, flush=True)
        render.prepare_site(env)
        # The stock page carries the assessment's own words: make bench-http's project.
        from bench.release_day import stock_project, threatpress_html

        base = stock_project(tmp, env, threatpress_html(env, tmp))
        stock_env = stock_wagtail.project_env(base, env)
        before = os.getloadavg()[0]
        print("- stock Wagtail page...", flush=True)
        stock = run_case("stock", stock_env, args.requests)
        print("- ThreatPress assessment...", flush=True)
        ours = run_case("threatpress", env, args.requests)
        pg = None
        if not args.no_postgres:
            print("- ThreatPress assessment on PostgreSQL...", flush=True)
            command = [str(ROOT / "scripts" / "with-postgres"), sys.executable, __file__]
            command += ["--on-postgres", "--requests", str(args.requests)]
            result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1800)
            if result.returncode != 0:
                sys.stderr.write(result.stdout + result.stderr)
                raise RuntimeError(f"the PostgreSQL run failed ({result.returncode})")
            pg = json.loads(result.stdout.strip().splitlines()[-1])
        load = (before, os.getloadavg()[0])
    markdown = section_markdown(args, stock, ours, pg, load)
    render.report_section(args, markdown, SECTION)
    return 0


if __name__ == "__main__":
    sys.exit(main())
