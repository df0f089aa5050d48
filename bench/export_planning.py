"""What the export worker costs when it has nothing to build (issue 8): one plan of every export,
and the worker's CPU over a quiet half-minute, on the demo and with an archive.

The worker (`manage.py run_exports`, started by `make run` and `make cluster`) runs beside the
app servers all year. Each of its two lanes used to plan every export of every edition every two
seconds; now a lane reads a signature of what plans depend on and plans only when it changed
(threatpress/exports/plan_watch.py). Each scale runs in its own process on its own temporary site
(production settings, SQLite):
- the demo (`manage.py load_demo`);
- the demo beside bench/search.py's synthetic archive of 20 earlier editions (2000-2019) of 30
  assessments, in both languages.

In each: every current file is marked built (a row per file, as after `build_exports`; no
engine runs, so no file is made), then
- one plan of each lane (`builder.due_jobs(kind=...)`): median CPU ms and SQL queries;
- one read of the signature (`plan_watch.signature()`): median CPU ms and queries;
- the worker itself (`builder.run`, interval 2 s) in a thread for `--seconds` after a 5 s
  warm-up: the CPU time of the process as a share of one core, and how many plans it made; once
  as shipped and once with a lane that plans on every pass (the behaviour before plan_watch).

Usage: .venv/bin/python bench/export_planning.py [--seconds 30] [--no-write]
Results go to docs/benchmarks.md under SECTION.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import render, scales

SECTION = "## The export worker at rest (issue 8)"
SCALES = scales.SCALES
OPTION = ("seconds", float, 30, "measured seconds a mode (30)")  # scales.main
PLANS = 10  # timed plans a lane
READS = 50  # timed signature reads
WARMUP_SECONDS = 5.0
INTERVAL = 2.0  # the worker's default (builder.DEFAULT_INTERVAL)


# --- Inside a measuring process -------------------------------------------------------------


def cpu_ms(call) -> tuple[float, object]:
    start = time.process_time()
    value = call()
    return (time.process_time() - start) * 1000, value


def mark_everything_built() -> int:
    """A row for every file the worker would build now, as if `build_exports` had run."""
    from threatpress.exports import builder
    from threatpress.exports.models import ExportFile

    jobs = builder.due_jobs()
    ExportFile.objects.bulk_create(
        ExportFile(
            export=job.export,
            fingerprint=job.fingerprint,
            content_hash=job.fingerprint,
            file=f"bench/{job.fingerprint}.{job.fmt.extension}",
            size=1,
            prepared=job.prepared,
        )
        for job in jobs
    )
    if builder.due_jobs():
        raise RuntimeError("files are still due after marking them built")
    return len(jobs)


def worker_share(seconds: float, always_plan: bool) -> dict:
    """The worker's CPU over `seconds` after a warm-up, as a share of one core, and its plans."""
    from threatpress.exports import builder

    plans = []
    plan = builder.due_jobs

    def counted(**kwargs):
        plans.append(time.monotonic())
        return plan(**kwargs)

    patched = {"due_jobs": counted}
    if always_plan:
        from threatpress.exports.plan_watch import PlanWatch

        class EveryPass(PlanWatch):
            def must_plan(self) -> bool:
                return True

        patched["PlanWatch"] = EveryPass
    saved = {name: getattr(builder, name) for name in patched}
    for name, value in patched.items():
        setattr(builder, name, value)
    stop = threading.Event()
    worker = threading.Thread(target=builder.run, kwargs={"interval": INTERVAL, "stop": stop})
    try:
        worker.start()
        time.sleep(WARMUP_SECONDS)
        start_cpu, start_wall, start_plans = time.process_time(), time.monotonic(), len(plans)
        time.sleep(seconds)
        cpu, wall = time.process_time() - start_cpu, time.monotonic() - start_wall
        made = len(plans) - start_plans
    finally:
        stop.set()
        worker.join(timeout=60)
        for name, value in saved.items():
            setattr(builder, name, value)
    return {"share": 100 * cpu / wall, "plans": made, "seconds": wall}


def measure(seconds: float) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Page

    from threatpress.exports import builder

    try:
        from threatpress.exports.plan_watch import signature
    except ImportError:  # a commit before plan_watch (an A/B run in a worktree)
        signature = None
    files = mark_everything_built()
    result: dict = {"pages": Page.objects.count() - 1, "files": files, "lanes": {}}
    for kind in builder.LANES:
        builder.due_jobs(kind=kind)
        times = [cpu_ms(lambda k=kind: builder.due_jobs(kind=k))[0] for _ in range(PLANS)]
        with CaptureQueriesContext(connection) as queries:
            builder.due_jobs(kind=kind)
        result["lanes"][kind] = {"ms": statistics.median(times), "queries": len(queries)}
    if signature is None:
        result["every_pass"] = worker_share(seconds, always_plan=False)  # how it always was
        return result
    signature()
    times = [cpu_ms(signature)[0] for _ in range(READS)]
    with CaptureQueriesContext(connection) as queries:
        signature()
    result["signature"] = {"ms": statistics.median(times), "queries": len(queries)}
    result["every_pass"] = worker_share(seconds, always_plan=True)
    result["shipped"] = worker_share(seconds, always_plan=False)
    return result


# --- Orchestrating ------------------------------------------------------------------------


def section_markdown(args, results: dict, load) -> str:
    lines = [
        SECTION,
        "",
        "Written by `bench/export_planning.py`; rerun it to refresh this section.",
        "",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Command: `.venv/bin/python bench/export_planning.py --seconds {args.seconds:g}`",
        f"- Machine: {render.machine()}",
        f"- Software: {render.software()}",
        "- Set-up: production settings, SQLite; each scale in its own process and site: the "
        "demo, and the demo beside bench/search.py's synthetic archive (20 earlier editions of "
        "30 assessments, both languages). Every current file marked built (a row each, no "
        f"engine run). A plan: median CPU of {PLANS} `builder.due_jobs(kind=...)`; the "
        f"signature: median of {READS} reads. The worker: `builder.run` (two lanes, a pass "
        f"every {INTERVAL:g} s) in a thread, measured for {args.seconds:g} s after "
        f"{WARMUP_SECONDS:g} s of warm-up, as the process's CPU time over the wall time.",
        f"- 1-minute load average before → after: {load[0]:.2f} → {load[1]:.2f}",
        "",
        "| | "
        + " | ".join(
            f"{s} ({results[s]['pages']} pages, {results[s]['files']} files)" for s in SCALES
        )
        + " |",
        "| --- | ---: | ---: |",
    ]

    def row(label: str, cell) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(results[s]) for s in SCALES) + " |")

    for kind in ("pdf", "audio"):
        row(
            f"One plan of the {kind} lane: CPU ms (queries)",
            lambda r, k=kind: f"{r['lanes'][k]['ms']:.1f} ({r['lanes'][k]['queries']})",
        )
    if "signature" not in results[SCALES[0]]:  # a commit before plan_watch
        row(
            "Worker at rest: share of a core (plans)",
            lambda r: f"{r['every_pass']['share']:.1f}% ({r['every_pass']['plans']})",
        )
        lines.append("")
        return "\n".join(lines)
    row(
        "One read of the signature: CPU ms (queries)",
        lambda r: f"{r['signature']['ms']:.2f} ({r['signature']['queries']})",
    )
    row(
        "Worker at rest, planning on every pass (before): share of a core (plans)",
        lambda r: f"{r['every_pass']['share']:.1f}% ({r['every_pass']['plans']})",
    )
    row(
        "Worker at rest, as shipped: share of a core (plans)",
        lambda r: f"{r['shipped']['share']:.2f}% ({r['shipped']['plans']})",
    )
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(scales.main(sys.argv[1:], sys.modules[__name__]))
