"""What bench/listings_scale.py and bench/export_planning.py share: the same measurement on two
temporary sites, the demo and the demo beside bench/search.py's synthetic archive of 20 earlier
editions (2000-2019) in both languages, each measured in a process of its own."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from types import ModuleType

from bench import render
from bench.render import ROOT

SCALES = ("demo", "archive")


def build_archive() -> dict:
    import django

    django.setup()
    from bench.search import build_synthetic_archive

    return build_synthetic_archive(first_year=2000, replace=False, reindex=False)


def run_scale(script: str, scale: str, option: list[str]) -> dict:
    """`script --measure <option>` on a fresh site of this scale; what it printed."""
    with tempfile.TemporaryDirectory(prefix=f"threatpress-{Path(script).stem}-{scale}-") as name:
        env = render.bench_env(Path(name))
        render.prepare_site(env)
        if scale == "archive":
            render.child_json(script, env, ["--build-archive"])
        return render.child_json(script, env, ["--measure", *option])


def main(argv: list[str] | None, benchmark: ModuleType) -> int:
    """A scale benchmark's command line. `benchmark` (the script's module) has SECTION, OPTION
    (its one setting: name, type, default, help), `measure(value)`, run in each scale's process,
    and `section_markdown(args, results, load)`, whose text goes to docs/benchmarks.md."""
    name, kind, default, help_text = benchmark.OPTION
    parser = argparse.ArgumentParser(description=benchmark.__doc__.splitlines()[0])
    parser.add_argument(f"--{name}", type=kind, default=default, help=help_text)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-write", action="store_true", help="print only, leave the docs")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--build-archive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    value = getattr(args, name)
    if args.measure:
        print(json.dumps(benchmark.measure(value)))
        return 0
    if args.build_archive:
        print(json.dumps(build_archive()))
        return 0
    before = os.getloadavg()[0]
    results = {}
    for scale in SCALES:
        print(f"- {scale}...", flush=True)
        results[scale] = run_scale(benchmark.__file__, scale, [f"--{name}", str(value)])
    markdown = benchmark.section_markdown(args, results, (before, os.getloadavg()[0]))
    render.report_section(args, markdown, benchmark.SECTION)
    return 0
