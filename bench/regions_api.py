"""Country pages and the JSON API (issue 7): in-process render time and SQL queries of each, on
the demo site, against the assessment page measured in the same run.

Everything happens in a temporary directory (SQLite, production settings) that is removed at the
end; nothing leaves 127.0.0.1. The section "Country pages and API (issue 7)" of
docs/benchmarks.md is rewritten.

Usage: .venv/bin/python bench/regions_api.py [--requests 200]
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from render import (
    PAGE_PATH,
    ROOT,
    LoadMeter,
    Run,
    bench_env,
    busy_note,
    count_queries,
    fetch,
    machine,
    markdown_table,
    prepare_site,
    software,
    text_table,
    time_requests,
    write_section,
)

SECTION = "## Country pages and API (issue 7)"
PATHS = [
    ("assessment page (baseline)", PAGE_PATH),
    ("countries and regions", "/en/regions/"),
    ("Russia (named in most judgments)", "/en/regions/russia/"),
    ("South Caucasus (3 judgments)", "/en/regions/south-caucasus/"),
    ("Rusija (Lithuanian)", "/lt/regionai/rusija/"),
    ("API: editions", "/api/v2/editions/"),
    ("API: assessments, 100 a page", "/api/v2/assessments/?limit=100"),
    ("API: assessments about Russia", "/api/v2/assessments/?region=russia&language=en"),
    ("API: one assessment with its body", None),
    ("API: regions, 100 a page", "/api/v2/regions/?limit=100"),
]


def measure(requests: int) -> list[tuple[str, str, float, float, int]]:
    import django

    django.setup()
    from django.test import Client

    from threatpress.reports.models import AssessmentPage

    client = Client()
    one = AssessmentPage.objects.filter(slug__startswith="russia-loses").first()
    rows = []
    for label, path in PATHS:
        path = path or f"/api/v2/assessments/{one.pk}/"
        fetch(client, path)
        timings = time_requests(client, path, requests)
        queries = len(count_queries(client, path))
        rows.append((label, path, timings.median_ms, timings.p95_ms, queries))
    return rows


def section(args, run: Run, rows) -> str:
    table = markdown_table(
        ("page", "median ms", "p95 ms", "SQL queries"),
        [(label, f"{median:.1f}", f"{p95:.1f}", str(q)) for label, _, median, p95, q in rows],
    )
    return f"""{SECTION}
`.venv/bin/python bench/regions_api.py --requests {args.requests}` on {datetime.now():%Y-%m-%d},
{machine()}; {software()}. Demo site (2024–2026 in English, 2026 in Lithuanian), production
settings, SQLite, in-process through `django.test.Client` with every middleware, {args.requests}
timed requests each after a warm-up. {busy_note(run)}

{table}

The country pages and the API ask the database the same number of questions however many
editions and judgments there are (tests: `threatpress/regions/tests/test_region_pages.py` and
`threatpress/api/tests/test_api.py`, `test_query_count_does_not_grow_with_the_archive`); their
time grows with what they print. The API's answers may be kept by a shared cache for 60 s.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="threatpress-bench-") as name:
        env = bench_env(Path(name))
        os.environ.clear()
        os.environ.update(env)
        print("Preparing the demo site in", name, flush=True)
        prepare_site(env)
        meter = LoadMeter.start()
        rows = measure(args.requests)
        run = Run(0.0, meter.others_percent())
    print(
        text_table(
            ("page", "median ms", "p95 ms", "queries"),
            [(label, f"{m:.1f}", f"{p:.1f}", str(q)) for label, _, m, p, q in rows],
        )
    )
    write_section(args.output, section(args, run, rows), SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
