"""Compare the PDF engines on the same ExportDocument: Typst (threatpress/exports/pdf.py, the one
the site uses) and WeasyPrint (bench/pdf_html.py: the same document as HTML and a print
stylesheet, `pdf_variant="pdf/ua-1"`).

Documents: one assessment, the demo's 2026 English edition, and a synthetic edition ten times
as long (the demo chapters repeated with new anchors). Each engine renders each document in a
fresh subprocess (a worker), which reports:
- first render: the first document of a new process (fonts loaded, caches empty);
- new text: the median over N documents it has not seen (every paragraph changed), as a
  long-running export worker meets them after each edit;
- same document: the median over N renders of one document again (Typst memoises layout);
- peak memory: the process's resident high-water mark (VmHWM), and how much of it came after
  Django and the document were loaded.
The parent then reads each PDF back (pages, size, fonts, tags, language, title, alt text).

Everything runs in a temporary directory (SQLite, media) that is removed at the end. Results
are printed and written to docs/benchmarks.md under SECTION; `--keep DIR` keeps the PDFs.

Usage: .venv/bin/python bench/pdf_engines.py [--runs 5] [--big-runs 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import pickle
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

from render import (
    PAGE_PATH,
    ROOT,
    LoadMeter,
    bench_env,
    busy_note,
    machine,
    manage,
    markdown_table,
    text_table,
    write_section,
)

SECTION = "## PDF engines: Typst and WeasyPrint (issue 4)"
ENGINES = ("typst", "weasyprint")
ORGANISATION = "State Assessment Office"
WORKER_TIMEOUT = 1800  # seconds


# --- In the worker (a fresh process per engine and document) ---------------------------------


def vmhwm_kb() -> int:
    """The resident-set high-water mark of this process, in KiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def varied(doc, k: int):
    """`doc` with every summary and paragraph changed, so that no engine has laid it out."""
    from threatpress.exports.inline import Paragraph

    doc = copy.deepcopy(doc)
    for assessment in doc.assessments():
        assessment.summary = f"[{k}] {assessment.summary}"
        for block in assessment.body:
            if isinstance(block, Paragraph) and block.inlines and block.inlines[0].kind == "text":
                block.inlines[0].text = f"[{k}] {block.inlines[0].text}"
    return doc


def worker(engine: str, doc_path: Path, runs: int, out: Path, variant: str) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    doc = pickle.loads(doc_path.read_bytes())
    baseline = vmhwm_kb()
    start = time.perf_counter()
    if engine == "typst":
        from threatpress.exports.pdf import render_pdf

        def render(d):
            return render_pdf(d, variant).data
    else:
        import pdf_html

        def render(d):
            return pdf_html.render(d)

    imported = time.perf_counter() - start
    start = time.perf_counter()
    data = render(doc)
    first = time.perf_counter() - start
    new_text, same = [], []
    for k in range(1, runs + 1):
        other = varied(doc, k)
        start = time.perf_counter()
        render(other)
        new_text.append(time.perf_counter() - start)
    for _ in range(runs):
        start = time.perf_counter()
        render(doc)
        same.append(time.perf_counter() - start)
    (out / "result.pdf").write_bytes(data)
    result = {
        "import_s": imported,
        "first_s": first,
        "new_text_s": new_text,
        "same_s": same,
        "baseline_kb": baseline,
        "peak_kb": vmhwm_kb(),
    }
    (out / "result.json").write_text(json.dumps(result))


# --- In the parent -------------------------------------------------------------------------------


@dataclass
class Case:
    document: str  # "assessment", "edition", "edition ×10"
    engine: str
    variant: str
    runs: int


def synthetic(edition, times: int):
    """The edition with its chapters repeated `times` times, each copy with new anchors."""
    big = copy.deepcopy(edition)
    big.chapters = []
    number = 0
    for k in range(times):
        for chapter in edition.chapters:
            number += 1
            repeat = copy.deepcopy(chapter)
            repeat.number = number
            repeat.anchor = f"{chapter.anchor}-{k}"
            for assessment in repeat.assessments:
                assessment.anchor = f"{assessment.anchor}-{k}"
            big.chapters.append(repeat)
    return big


def build_documents(tmp: Path) -> dict[str, Path]:
    """The three documents, pickled for the workers."""
    import django

    django.setup()
    from threatpress.exports.document import build_document
    from threatpress.exports.snapshot import live_plan
    from threatpress.reports.models import AssessmentPage, EditionPage

    def export(page):
        plan = live_plan(page)
        return build_document(
            plan.scope, plan.load(), organisation=ORGANISATION, root_url="https://threats.example"
        )

    edition = export(EditionPage.objects.get(year=2026, locale__language_code="en"))
    slug = PAGE_PATH.rstrip("/").rsplit("/", 1)[-1]
    assessment = export(AssessmentPage.objects.get(slug=slug, locale__language_code="en"))
    documents = {
        "assessment": assessment,
        "edition": edition,
        "edition ×10": synthetic(edition, 10),
    }
    paths = {}
    for name, doc in documents.items():
        paths[name] = tmp / f"{name.replace(' ', '-')}.pickle"
        paths[name].write_bytes(pickle.dumps(doc))
    return paths


def run_case(case: Case, doc_path: Path, tmp: Path, env: dict[str, str]) -> dict:
    out = tmp / f"{case.document}-{case.engine}-{case.variant}".replace(" ", "-")
    out.mkdir()
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        case.engine,
        str(doc_path),
        str(case.runs),
        str(out),
        case.variant,
    ]
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=WORKER_TIMEOUT)
    result = json.loads((out / "result.json").read_text())
    result["pdf"] = (out / "result.pdf").read_bytes()
    result.update(inspect_pdf(result["pdf"]))
    return result


def inspect_pdf(data: bytes) -> dict:
    """What a reader and a screen reader get: pages, fonts, tags, language, title, alt text."""
    import pypdf
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    reader = pypdf.PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    fonts, embedded = set(), True
    for page in reader.pages:
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]).split("+")[-1])
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is None or not {"/FontFile", "/FontFile2", "/FontFile3"} & set(
                    descriptor.get_object()
                ):
                    embedded = False
    figures, with_alt, headings = 0, 0, 0
    if "/StructTreeRoot" in catalog:
        stack = [catalog["/StructTreeRoot"].get_object()]
        while stack:
            kids = stack.pop().get("/K")
            kids = [] if kids is None else kids if isinstance(kids, ArrayObject) else [kids]
            for kid in kids:
                kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
                if isinstance(kid, DictionaryObject) and "/S" in kid:
                    kind = str(kid["/S"])
                    figures += kind == "/Figure"
                    with_alt += kind == "/Figure" and bool(kid.get("/Alt"))
                    headings += kind in ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")
                    stack.append(kid)

    def count(items) -> int:
        return sum(count(item) if isinstance(item, list) else 1 for item in items)

    stream = catalog.get("/Metadata")
    xmp = stream.get_object().get_data().decode("utf-8", "replace") if stream else ""
    preferences = catalog.get("/ViewerPreferences", {})
    return {
        "pages": len(reader.pages),
        "bytes": len(data),
        "fonts": sorted(fonts),
        "fonts_embedded": embedded,
        "tagged": "/StructTreeRoot" in catalog
        and bool(catalog.get("/MarkInfo", {}).get("/Marked")),
        "lang": str(catalog.get("/Lang", "")),
        "title": (reader.metadata or {}).get("/Title", ""),
        "display_title": bool(preferences.get("/DisplayDocTitle")),
        "pdfua": "pdfuaid:part" in xmp,
        "figures": figures,
        "figures_alt": with_alt,
        "headings": headings,
        "bookmarks": count(reader.outline),
    }


# --- Reporting -----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def mib(kb: int) -> str:
    return f"{kb / 1024:,.0f}"


TIME_HEADER = (
    "Document · engine",
    "pages",
    "first render ms",
    "new text, median ms",
    "same doc, median ms",
    "peak RSS MiB",
    "of which rendering MiB",
    "size KiB",
)
ACCESS_HEADER = (
    "Edition PDF",
    "tagged",
    "PDF/UA id",
    "/Lang",
    "title shown",
    "figures with alt",
    "headings",
    "bookmarks",
    "fonts (all embedded)",
)


def label(case: Case) -> str:
    name = "Typst" if case.engine == "typst" else "WeasyPrint"
    variant = " (print)" if case.variant == "print" else ""
    return f"{case.document} · {name}{variant}"


def time_rows(results: list[tuple[Case, dict]]) -> list[tuple[str, ...]]:
    rows = []
    for case, r in results:
        rows.append(
            (
                label(case),
                str(r["pages"]),
                ms(r["first_s"]),
                ms(statistics.median(r["new_text_s"])),
                ms(statistics.median(r["same_s"])),
                mib(r["peak_kb"]),
                mib(r["peak_kb"] - r["baseline_kb"]),
                f"{r['bytes'] / 1024:,.0f}",
            )
        )
    return rows


def access_rows(results: list[tuple[Case, dict]]) -> list[tuple[str, ...]]:
    rows = []
    for case, r in results:
        if case.document != "edition" or case.variant != "screen":
            continue
        rows.append(
            (
                "Typst" if case.engine == "typst" else "WeasyPrint",
                "yes" if r["tagged"] else "no",
                "yes" if r["pdfua"] else "no",
                r["lang"] or "—",
                "yes" if r["display_title"] and r["title"] else "no",
                f"{r['figures_alt']} of {r['figures']}",
                str(r["headings"]),
                str(r["bookmarks"]),
                ", ".join(r["fonts"]) + ("" if r["fonts_embedded"] else " (NOT all embedded)"),
            )
        )
    return rows


def software() -> str:
    import platform

    versions = {
        "Python": platform.python_version(),
        "typst (PyPI)": metadata.version("typst"),
        "WeasyPrint": metadata.version("weasyprint"),
        "pypdf": metadata.version("pypdf"),
    }
    return ", ".join(f"{name} {version}" for name, version in versions.items())


def section_markdown(args, results, busy: float | None) -> str:
    from render import Run

    note = busy_note(Run(0.0, busy))
    lines = [
        SECTION,
        "",
        "Written by `bench/pdf_engines.py`; rerun it to refresh this section.",
        "",
        f"- Date: {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Command: `.venv/bin/python bench/pdf_engines.py --runs {args.runs} "
        f"--big-runs {args.big_runs}`",
        f"- Machine: {machine()}",
        f"- Software: {software()}",
        "- Documents: the assessment `" + PAGE_PATH + "` (one figure), the demo 2026 English "
        "edition, and that edition's chapters repeated ten times. Screen variant unless marked. "
        + note,
        "",
        "Each row is a fresh process: *first render* is its first document (fonts loaded, "
        "caches cold); *new text* the median over documents it has not seen (every paragraph "
        f"changed; {args.runs} runs, {args.big_runs} for ×10), what an export worker meets "
        "after an edit; *same doc* the same document again. *Peak RSS* is the process's "
        "high-water mark (VmHWM) including Python, Django and the document; *of which "
        "rendering* is what the renders added to it.",
        "",
        markdown_table(TIME_HEADER, time_rows(results)),
        "",
        "What the edition PDFs give a screen reader (read back with pypdf):",
        "",
        markdown_table(ACCESS_HEADER, access_rows(results)),
        "",
    ]
    return "\n".join(lines)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed renders per kind (5)")
    parser.add_argument("--big-runs", type=int, default=2, help="the same for the ×10 edition (2)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="typst,weasyprint")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--keep", type=Path, help="copy the PDFs into this directory")
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.runs < 1 or args.big_runs < 1:
        parser.error("--runs and --big-runs must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        engine, doc_path, runs, out, variant = args.worker
        worker(engine, Path(doc_path), int(runs), Path(out), variant)
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.path.insert(0, str(ROOT))
    engines = [e for e in args.engines.split(",") if e]
    with tempfile.TemporaryDirectory(prefix="threatpress-pdf-bench-") as name:
        tmp = Path(name)
        env = bench_env(tmp)
        os.environ.clear()
        os.environ.update(env)
        print("Preparing the demo site in", tmp, flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo", "--no-readership")
        documents = build_documents(tmp)
        cases = []
        for document in documents:
            runs = args.big_runs if document == "edition ×10" else args.runs
            cases += [Case(document, engine, "screen", runs) for engine in engines]
            if document == "edition" and "typst" in engines:
                cases.append(Case(document, "typst", "print", runs))
        meter = LoadMeter.start()
        results = []
        for case in cases:
            print(f"Rendering {label(case)}...", flush=True)
            results.append((case, run_case(case, documents[case.document], tmp, env)))
        busy = meter.others_percent()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        for case, result in results:
            stem = label(case).replace(" · ", "-").replace(" ", "-").replace("×", "x")
            (args.keep / f"{stem}.pdf").write_bytes(result["pdf"])
    print()
    print(text_table(TIME_HEADER, time_rows(results)))
    print()
    print(text_table(ACCESS_HEADER, access_rows(results)))
    if set(engines) == set(ENGINES):
        write_section(args.output, section_markdown(args, results, busy), SECTION)
        print(f"\nWrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
