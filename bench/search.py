"""Benchmark the public search: latency of `/<language>/search/` in-process, on the demo site and
on a synthetic archive of 20 editions × 30 assessments × 2 languages, on SQLite and PostgreSQL.

Each database runs in a child process of this script with its own temporary site (production
settings): migrate, load the demo, time every query of QUERIES; then the demo's editions are
replaced by the synthetic archive, the index is rebuilt (`update_index`, timed) and the queries
are timed again. PostgreSQL is a temporary cluster on 127.0.0.1 from `scripts/with-postgres`.
Results are printed and written to docs/benchmarks.md under SECTION.

Usage: .venv/bin/python bench/search.py [--requests 100] [--no-postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.render import (  # noqa: E402
    LoadMeter,
    bench_env,
    machine,
    manage,
    percentile,
    write_section,
)

SECTION = "## Search latency (issue 7)"
TARGET_P95_MS = 50
WARMUP = 5
EDITIONS, CHAPTERS, PER_CHAPTER = 20, 5, 6  # 30 assessments an edition
WORDS_PER_ASSESSMENT = 450
# (label, path): what readers type, in both languages, with and without filters; a search that
# finds nothing (which also looks for suggestions) and an absurd one.
QUERIES = [
    ("en, common word", "/en/search/?q=russia"),
    ("en, two words", "/en/search/?q=cyber+attacks"),
    ("en, phrase", "/en/search/?q=%22energy+security%22"),
    ("en, word + year filter", "/en/search/?q=drones&year={year}"),
    ("en, word + region, newest first", "/en/search/?q=russia&region={region}&sort=newest"),
    ("en, page 3 of results", "/en/search/?q=russia&page=3"),
    ("en, filters only", "/en/search/?probability=likely"),
    ("en, nothing found (suggestions)", "/en/search/?q=zzqx+russia"),
    ("en, 10,000 characters", "/en/search/?q=" + "threat+" * 1400),
    ("lt, common word", "/lt/paieska/?q=gr%C4%97sm%C4%97s"),
    ("lt, two words", "/lt/paieska/?q=kibernetin%C4%97s+atakos"),
    ("lt, word + year filter", "/lt/paieska/?q=Rusija&year={year}"),
    ("lt, nothing found (suggestions)", "/lt/paieska/?q=zzqx"),
    # Every other row repeats its query, so the per-page part of its results and the filter
    # choices are remembered after the first request (threatpress/caching/fragments.py), as for
    # any search whose results were shown before since the last publish. This row forgets them
    # before each request: the first search after a publish.
    (COLD := "en, common word, first after a publish", "/en/search/?q=russia"),
]


# Words of our own for the synthetic archive: the subjects of a threat assessment, and the
# inflected forms a Lithuanian text really has (so that stemming matters).
def _words(text: str) -> list[str]:
    return text.split()


ENGLISH = _words(
    "russia russian belarus china cyber attacks attack attacked threat threats threatened "
    "intelligence services sabotage drones energy security influence disinformation military "
    "exercises border hybrid pressure migration economy sanctions networks hackers espionage "
    "recruits agents elections propaganda alliance nato region regime war ukraine forces "
    "likely unlikely possible increase decrease remain continue seek use target critical "
    "infrastructure pipelines grid ports shipping satellites navigation interference the a "
    "of and to in will its their our country state government public officials operations "
    "capabilities investment technology supply chains dependence leverage kremlin moscow minsk "
    "beijing europe baltic sea coast airspace violations incidents risk years months"
)
LITHUANIAN = _words(
    "Rusija Rusijos Rusijai Rusiją Baltarusija Baltarusijos Kinija Kinijos grėsmė grėsmės "
    "grėsmių grėsmę grėsmėms kibernetinės kibernetinių kibernetinė atakos atakų ataka atakas "
    "žvalgybos žvalgyba tarnybos tarnybų sabotažas sabotažo dronai dronų energetikos saugumo "
    "saugumas įtaka įtakos dezinformacija dezinformacijos karinės karinių pratybos sienos "
    "hibridinės spaudimas migracija ekonomika sankcijos tinklai įsilaužėliai šnipinėjimas "
    "agentai rinkimai propaganda aljansas NATO regionas režimas karas Ukraina pajėgos "
    "tikėtina mažai galima didės mažės išliks toliau sieks naudos taikinys kritinė "
    "infrastruktūra vamzdynai tinklas uostai laivyba palydovai navigacija trikdžiai ir "
    "kad su į iš jos jų mūsų šalis valstybė vyriausybė pareigūnai operacijos pajėgumai "
    "investicijos technologijos tiekimo grandinės priklausomybė svertas Kremlius Maskva Minskas "
    "Pekinas Europa Baltijos jūra pakrantė oro erdvė pažeidimai incidentai rizika metai mėnesiai"
)
PHRASES = {"en": ["energy security", "cyber attacks"], "lt": ["kibernetinės atakos"]}
REGIONS = ["Belarus", "China", "Russia", "Ukraine", "Moldova", "Armenia", "Georgia", "Iran"]


# --- Child: one database -----------------------------------------------------------------------


def ensure_postgres_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def sentence(rng: random.Random, vocabulary: list[str], language: str, words: int) -> str:
    chosen = [rng.choice(vocabulary) for _ in range(words)]
    if rng.random() < 0.3:
        chosen[rng.randrange(len(chosen)) :] = PHRASES[language][0].split()
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, vocabulary: list[str], language: str, words: int) -> str:
    sentences = []
    while words > 0:
        length = min(words, rng.randint(12, 25))
        sentences.append(sentence(rng, vocabulary, language, length))
        words -= length
    return " ".join(sentences)


def build_synthetic_archive(
    first_year: int = 2006, replace: bool = True, reindex: bool = True
) -> dict[str, float]:
    """Replace the demo's editions by EDITIONS synthetic ones in both languages, from
    `first_year` on (`replace=False`: beside the demo's, whose years they must not take)."""
    from django.utils import timezone
    from wagtail.models import Locale

    from threatpress.regions.models import Region
    from threatpress.reports.models import (
        AssessmentPage,
        ChapterPage,
        EditionPage,
        ReportsIndexPage,
    )

    start = time.perf_counter()
    for edition in EditionPage.objects.all() if replace else []:
        edition.delete()
    rng = random.Random(7)
    locales = {code: Locale.objects.get(language_code=code) for code in ("en", "lt")}
    regions = {}
    for name in REGIONS:
        region, _ = Region.objects.get_or_create(
            locale=locales["en"], slug=name.lower(), defaults={"name": name}
        )
        regions[name] = region
    vocabulary = {"en": ENGLISH, "lt": LITHUANIAN}
    terms = ["unlikely", "possible", "likely", "highly-likely"]
    pages = 0
    for number in range(EDITIONS):
        year = first_year + number
        originals: dict[int, object] = {}
        for code in ("en", "lt"):
            reports = ReportsIndexPage.objects.get(locale=locales[code])
            edition = EditionPage(
                title=f"Synthetic assessment {year}",
                year=year,
                locale=locales[code],
                published_at=timezone.make_aware(datetime(year, 3, 1, 10)),
                cutoff_date=datetime(year, 1, 15).date(),
                foreword=f"<p>{paragraph(rng, vocabulary[code], code, 120)}</p>",
            )
            if code == "lt":
                edition.translation_key = originals[0].translation_key
            edition.add_default_scale()
            reports.add_child(instance=edition)
            originals.setdefault(0, edition)
            pages += 1
            for c in range(CHAPTERS):
                chapter = ChapterPage(
                    title=sentence(rng, vocabulary[code], code, 3).rstrip("."),
                    slug=f"chapter-{c + 1}",
                    locale=locales[code],
                    introduction=f"<p>{paragraph(rng, vocabulary[code], code, 80)}</p>",
                )
                key = ("chapter", c)
                if code == "lt":
                    chapter.translation_key = originals[key].translation_key
                edition.add_child(instance=chapter)
                originals.setdefault(key, chapter)
                pages += 1
                for a in range(PER_CHAPTER):
                    body = [
                        {
                            "type": "paragraph",
                            "value": f"<p>{paragraph(rng, vocabulary[code], code, 90)}</p>",
                        }
                        for _ in range(WORDS_PER_ASSESSMENT // 90)
                    ]
                    page = AssessmentPage(
                        title=sentence(rng, vocabulary[code], code, 18),
                        slug=f"judgment-{c + 1}-{a + 1}",
                        locale=locales[code],
                        summary=paragraph(rng, vocabulary[code], code, 45),
                        body=body,
                        probability=rng.choice(terms),
                        horizon="near",
                    )
                    key = ("assessment", c, a)
                    if code == "lt":
                        page.translation_key = originals[key].translation_key
                    page.regions = rng.sample(list(regions.values()), 2)
                    chapter.add_child(instance=page)
                    originals.setdefault(key, page)
                    pages += 1
    built = time.perf_counter() - start
    start = time.perf_counter()
    if reindex:
        manage(dict(os.environ), "update_index", "-v0")
    reindexed = time.perf_counter() - start
    settle_statistics()
    return {"pages": pages, "build_seconds": built, "reindex_seconds": reindexed}


def settle_statistics() -> None:
    """On PostgreSQL, what autovacuum does within a minute of a bulk change (VACUUM ANALYZE), so
    that the timings are those of a database in use, not of the minute after a load: without
    statistics the planner reads every index entry's text even for a word no page holds."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def time_queries(requests: int, year: int, region: str) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from threatpress.caching import fragments

    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (bench) Firefox/128.0")
    rows = []
    for label, template in QUERIES:
        path = template.format(year=year, region=region)
        forget = fragments.clear if label == COLD else (lambda: None)
        for _ in range(WARMUP):
            forget()
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path[:80]} answered {response.status_code}")
        seconds, cpu = [], []
        for _ in range(requests):
            forget()
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(path)
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        found = response.context_data if hasattr(response, "context_data") else None
        ms = [s * 1000 for s in seconds]
        rows.append(
            {
                "label": label,
                "median": statistics.median(ms),
                "p95": percentile(ms, 95),
                "queries": len(queries.captured_queries),
                "results": found["hits_count"] if found else None,
                "all_ms": ms,
                "cpu_median": statistics.median(cpu) * 1000,
            }
        )
        row = rows[-1]
        print(
            f"  {label:36} median {row['median']:6.1f} ms  p95 {row['p95']:6.1f} ms  "
            f"(CPU of this process: median {row['cpu_median']:5.1f} ms)",
            flush=True,
        )
    return rows


def child(args: argparse.Namespace) -> int:
    ensure_postgres_database()
    start = time.perf_counter()
    manage(dict(os.environ), "migrate", "--noinput", "-v0")
    manage(dict(os.environ), "load_demo")
    manage(dict(os.environ), "collectstatic", "--noinput", "-v0")
    setup = time.perf_counter() - start
    import django

    django.setup()
    from django.db import connection

    vendor = connection.vendor
    server = connection.cursor().connection.info.server_version if vendor == "postgresql" else 0
    settle_statistics()
    print(f"{vendor}: the demo", flush=True)
    demo = time_queries(args.requests, 2025, "belarus")
    print(f"{vendor}: building the synthetic archive", flush=True)
    archive = build_synthetic_archive()
    print(f"{vendor}: the synthetic archive ({archive['pages']} pages)", flush=True)
    synthetic = time_queries(args.requests, 2015, "belarus")
    Path(args.json).write_text(
        json.dumps(
            {
                "vendor": vendor,
                "server_version": server,
                "setup_seconds": setup,
                "demo": demo,
                "synthetic": synthetic,
                "archive": archive,
            }
        )
    )
    return 0


# --- Parent: both databases, the report ------------------------------------------------------


def run_database(name: str, wrapper: list[str], requests: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="threatpress-bench-search-") as tmp_name:
        tmp = Path(tmp_name)
        env = bench_env(tmp)
        out = tmp / "result.json"
        command = [*wrapper, sys.executable, str(Path(__file__).resolve()), "--child"]
        command += ["--json", str(out), "--requests", str(requests)]
        print(f"\n{name}:", flush=True)
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        return json.loads(out.read_text())


def overall(rows: list[dict]) -> tuple[float, float]:
    every = [ms for row in rows for ms in row["all_ms"]]
    return statistics.median(every), percentile(every, 95)


def section_markdown(args, results: list[tuple[str, dict]], others: float | None) -> str:
    import sqlite3

    import django
    import wagtail

    now = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    command = "make bench-search" if not args.no_postgres else "python bench/search.py"
    lines = [
        SECTION,
        "",
        "Written by `bench/search.py`; rerun `make bench-search` to refresh this section.",
        "",
        f"- Date: {now}",
        f"- Command: `{command}` (`.venv/bin/python bench/search.py --requests {args.requests}`)",
        f"- Machine: {machine()}",
        f"- Software: Django {django.__version__}, Wagtail {wagtail.__version__}, "
        f"SQLite {sqlite3.sqlite_version}"
        + "".join(
            f", PostgreSQL {r['server_version'] // 10000}.{r['server_version'] % 10000}"
            for _, r in results
            if r["vendor"] == "postgresql"
        ),
        "- Set-up: production settings (DEBUG off), in-process `django.test.Client` (middleware, "
        "view, template, no HTTP), no page cache (search pages are never kept whole; the "
        "remembered fragments are in use, see the last row); each query timed "
        f"{args.requests} times after {WARMUP} warm-up requests. The demo: 3 English editions "
        "and the Lithuanian 2026 edition. The synthetic archive replaces them with "
        f"{EDITIONS} editions × {CHAPTERS * PER_CHAPTER} assessments × 2 languages, "
        f"about {WORDS_PER_ASSESSMENT + 60} words an assessment.",
    ]
    if others is not None:
        lines.append(f"- Other processes used {others:.0f}% of the CPUs while this ran.")
    lines.append("")
    header = "| Query | " + " | ".join(
        f"{name}, {data} median / p95 ms" for name, _ in results for data in ("demo", "archive")
    )
    lines += [header + " |", "| --- |" + " ---: |" * (2 * len(results))]
    for index, (label, _path) in enumerate(QUERIES):
        cells = []
        for _, result in results:
            for data in ("demo", "synthetic"):
                row = result[data][index]
                cells.append(f"{row['median']:.1f} / {row['p95']:.1f}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    cells = []
    for _, result in results:
        for data in ("demo", "synthetic"):
            median, p95 = overall(result[data])
            cells.append(f"**{median:.1f} / {p95:.1f}**")
    lines.append("| All queries together | " + " | ".join(cells) + " |")
    lines.append("")
    worst = max(overall(result[data])[1] for _, result in results for data in ("demo", "synthetic"))
    verdict = "meets" if worst <= TARGET_P95_MS else "misses"
    lines.append(
        f"The target is a p95 of at most {TARGET_P95_MS} ms: the worst p95 over all queries "
        f"together is {worst:.1f} ms, which {verdict} it."
    )
    cpu = "; ".join(
        f"{name} {data}: {statistics.median(row['cpu_median'] for row in result[key]):.1f} ms"
        for name, result in results
        for data, key in (("demo", "demo"), ("archive", "synthetic"))
    )
    lines.append(
        f"Median CPU time of the serving process a search (the figure least disturbed by other "
        f"work on the machine; PostgreSQL's own work is in its server): {cpu}."
    )
    for name, result in results:
        archive = result["archive"]
        queries = [row["queries"] for row in result["synthetic"]]
        lines.append(
            f"{name}: the archive's {archive['pages']:,} pages were created in "
            f"{archive['build_seconds']:.0f} s (indexed as each was saved), and `update_index` "
            f"rebuilt the whole index in {archive['reindex_seconds']:.1f} s; "
            f"{min(queries)}–{max(queries)} SQL queries a search page."
        )
    lines += [
        "",
        "The search runs two database queries of its own (which public pages hold the words, "
        "with the index's ranking; the pages of one screen of results), plus the filter "
        "choices and the page's header and footer. A search that finds nothing also counts "
        "what each word alone, the same words without filters and the same words in the "
        "other language would find, to suggest them (without ranking). On PostgreSQL, "
        "`VACUUM ANALYZE` runs after the demo is loaded and after the archive is built, as "
        "autovacuum would within a minute of such a bulk change.",
        "",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="timed requests a query (100)")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.requests < 1:
        parser.error("--requests must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child(args)
    meter = LoadMeter.start()
    results = [("SQLite", run_database("SQLite", [], args.requests))]
    if not args.no_postgres:
        wrapper = [str(ROOT / "scripts" / "with-postgres")]
        results.append(("PostgreSQL", run_database("PostgreSQL", wrapper, args.requests)))
    section = section_markdown(args, results, meter.others_percent())
    print("\n" + section)
    write_section(args.output, section, SECTION)
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
