"""Speech synthesis speed: seconds per 1,000 words, cold (empty cache) and warm (cached), the
MP3 encode, and the size of what is stored, for each voice the audio export uses.

- English: the demo's 2026 edition as one document (foreword, 7 chapters, 21 assessments) with
  espeak-ng; with Piper, its first chapter (--piper-scope edition for the whole edition).
- Lithuanian: the demo has no Lithuanian pages yet, so a sample of our own (LITHUANIAN below,
  about 300 words with numbers, dates and units) as one assessment, with espeak-ng.

Cold runs start from an empty cache; warm runs repeat with every piece cached, which leaves the
script, the hashing and the encode. Wall time and the CPU time of the children (espeak-ng,
Piper, ffmpeg) are both reported: the CPU figure is steadier when other programs share the
machine. The demo site is built in a temporary directory (SQLite) that is removed at the end;
the section "Audio synthesis (issue 4)" of docs/benchmarks.md is rewritten.

Usage: .venv/bin/python bench/audio.py [--repeat 3] [--piper-scope chapter|edition|none]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from render import (
    ROOT,
    LoadMeter,
    bench_env,
    command_output,
    machine,
    manage,
    markdown_table,
    text_table,
    write_section,
)

SECTION = "## Audio synthesis (issue 4)"
EDITION_PATH = "/en/reports/2026/"

LITHUANIAN = [
    "Rusija išlieka didžiausia grėsme mūsų šalies saugumui. Jos karas prieš Ukrainą tęsėsi visus "
    "2025 metus, o derybos dėl jo pabaigos iki informacijos surinkimo datos rezultato nedavė. "
    "Nepaisant didelių nuostolių, Rusija didina ginkluotąsias pajėgas ir atkuria dalinius prie "
    "NATO sienų.",
    "2024 m. vasario 26 d. Rusijos prezidentas pasirašė dekretą, kuriuo atkurtos Maskvos ir "
    "Leningrado karinės apygardos. Planavimas prieš Suomiją ir Baltijos valstybes dabar "
    "vykdomas iš Sankt Peterburgo. Kaliningrado srityje tebėra oro gynybos, raketų ir karinio "
    "jūrų laivyno pajėgos.",
    "Rusijos karinės išlaidos 2024 metais siekė apie 7,1 proc. BVP. 2026 m. federaliniame "
    "biudžete krašto gynybai skirta apie 12,9 trilijono rublių, t. y. beveik 30 % visų "
    "federalinių išlaidų. Pridėtinės vertės mokesčio tarifas nuo 2026 m. sausio padidintas nuo "
    "20 iki 22 procentų.",
    "Rusijos žvalgybos tarnybos vis dažniau verbuoja atsitiktinius žmones per socialinius "
    "tinklus ir pokalbių programėles. Pirmosios užduotys atrodo nekaltos: nufotografuoti "
    "pastatą, priklijuoti plakatą ar nupiešti grafitį. Vėliau užduotys tampa pavojingesnės, o "
    "atlygis mokamas kriptovaliuta.",
    "Kelionės į Rusiją ir Baltarusiją kelia ypatingą riziką. Pasienyje keleiviai gali būti "
    "apklausiami, jų telefonai tikrinami, o palaikymas Ukrainai laikomas įrodymu prieš juos. "
    "Jei manote, kad užsienio tarnyba bandė jus užverbuoti, praneškite mums. Į tokius "
    "pranešimus žiūrime diskretiškai.",
    "Kibernetinės atakos prieš valstybės institucijas ir ypatingos svarbos infrastruktūrą "
    "išlieka dažnos. Dažniausiai naudojami apgaulingi laiškai, pažeidžiamų interneto kamerų "
    "užvaldymas ir paslaugų trikdymo atakos. Dauguma jų sustabdomos, tačiau kai kurios "
    "sutrikdo viešąsias paslaugas.",
    "Kinija siekia sustiprinti savo įtaką Europoje, o jos įmonės tiekia Rusijos karo pramonei "
    "reikalingas stakles ir elektronikos komponentus. Manome, kad 2026–2027 m. šis "
    "bendradarbiavimas dar išsiplės, nors Pekinas viešai skelbiasi neutralus.",
    "Baltijos jūroje per pastaruosius dvejus metus buvo pažeisti keli povandeniniai kabeliai. "
    "Šešėlinis laivynas, gabenantis rusišką naftą, kelia pavojų aplinkai ir gali būti "
    "naudojamas žvalgybai. NATO atsakė sustiprintu jūrų ir oro patruliavimu regione.",
]


@dataclass
class Case:
    voice: str  # "espeak" or "piper"
    label: str  # the voice as the table shows it
    document: str  # what was read
    doc: object  # ExportDocument


@dataclass
class Result:
    case: Case
    engine: str
    words: int
    audio_seconds: float
    cold_wall: list[float]
    cold_cpu: list[float]
    warm_wall: list[float]
    encode: list[float]
    mp3_bytes: int
    cache_bytes: int


def children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def word_count(doc) -> int:
    from threatpress.exports.speech import speech_script

    return sum(len(segment.text.split()) for segment in speech_script(doc))


def demo_documents() -> tuple[object, object]:
    """The 2026 edition and its first chapter, as the export builds them."""
    from wagtail.models import Page

    from threatpress.exports import document, snapshot

    edition = Page.objects.get(url_path__endswith="/reports/2026/", locale__language_code="en")
    chapter = edition.get_children().live().first()
    docs = []
    for page in (edition, chapter):
        plan = snapshot.live_plan(page)
        docs.append(
            document.build_document(
                plan.scope,
                plan.load(),
                organisation="State Assessment Office",
                root_url="http://127.0.0.1:8000",
            )
        )
    return docs[0], docs[1]


def lithuanian_document(edition_doc) -> object:
    """A Lithuanian assessment built by hand from LITHUANIAN."""
    import dataclasses

    from threatpress.exports.document import AssessmentDoc, ChapterDoc, Term
    from threatpress.exports.inline import Inline, Paragraph

    assessment = AssessmentDoc(
        anchor="page-lt",
        title="Rusija ir toliau stiprins pajėgas prie šiaurės rytų NATO flango.",
        summary="Rusija didina kariuomenę ir ruošia jai vietą prie mūsų sienų.",
        url="http://127.0.0.1:8000/lt/",
        body=[Paragraph([Inline("text", text)]) for text in LITHUANIAN],
        probability=Term("likely", "Tikėtina", "50–75%"),
        horizon=Term("mid", "Vidutinės trukmės laikotarpis", "3–5 metai"),
    )
    chapter = ChapterDoc("page-lt-1", 1, "Rusijos karinė grėsmė", "", assessments=[assessment])
    return dataclasses.replace(
        edition_doc, scope="assessment", language="lt", title=assessment.title, chapters=[chapter]
    )


def measure(case: Case, cache: Path, repeat: int) -> Result:
    from threatpress.exports import audio

    encode: list[float] = []
    original = audio._encode

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            encode.append(time.perf_counter() - start)

    audio._encode = timed
    cold_wall, cold_cpu, warm_wall = [], [], []
    try:
        for _ in range(repeat):
            shutil.rmtree(cache, ignore_errors=True)
            cpu, start = children_cpu(), time.perf_counter()
            rendered = audio.synthesise(case.doc, voice=case.voice)
            cold_wall.append(time.perf_counter() - start)
            cold_cpu.append(children_cpu() - cpu)
            start = time.perf_counter()
            warm = audio.synthesise(case.doc, voice=case.voice)
            warm_wall.append(time.perf_counter() - start)
            assert warm.data == rendered.data
    finally:
        audio._encode = original
    cache_bytes = sum(path.stat().st_size for path in cache.glob("*/*.wav"))
    return Result(
        case,
        rendered.engine,
        word_count(case.doc),
        rendered.duration,
        cold_wall,
        cold_cpu,
        warm_wall,
        encode,
        len(rendered.data),
        cache_bytes,
    )


def synthesis_seconds(r: Result) -> float:
    """Median seconds of a cold run spent before the encode (script, synthesis, cache)."""
    cold_encodes = r.encode[0::2]  # each cold run is followed by a warm one
    return statistics.median(w - e for w, e in zip(r.cold_wall, cold_encodes, strict=True))


def rows(results: list[Result]) -> list[tuple[str, ...]]:
    table = []
    for r in results:
        per_k = 1000 / r.words
        minutes = r.audio_seconds / 60
        table.append(
            (
                f"{r.case.label}, {r.case.document}",
                f"{r.words:,}",
                f"{minutes:.1f}",
                f"{synthesis_seconds(r) * per_k:.2f}",
                f"{statistics.median(r.cold_wall) * per_k:.2f}",
                f"{statistics.median(r.cold_cpu) * per_k:.2f}",
                f"{statistics.median(r.warm_wall) * per_k:.2f}",
                f"{statistics.median(r.encode) / minutes:.2f}",
                f"{r.mp3_bytes / 1024 / minutes:.0f}",
                f"{r.cache_bytes / 1024 / 1024 / minutes:.2f}",
            )
        )
    return table


HEADER = (
    "Voice, text",
    "words",
    "audio min",
    "synthesis s / 1k words",
    "cold s / 1k words",
    "cold CPU s / 1k words",
    "warm s / 1k words",
    "encode s / audio min",
    "MP3 KB / min",
    "cache MB / min",
)


def software(results: list[Result]) -> str:
    ffmpeg = re.search(r"ffmpeg version (\S+)", command_output(["ffmpeg", "-version"]))
    parts = [f"Python {platform.python_version()}"]
    parts += sorted({r.engine for r in results})
    parts.append(f"ffmpeg {ffmpeg.group(1) if ffmpeg else 'unknown'} (libmp3lame)")
    if any(r.case.voice == "piper" for r in results):
        parts.append(f"onnxruntime {metadata.version('onnxruntime')}")
    return ", ".join(parts)


def section(args, results: list[Result], busy: float | None) -> str:
    options = f" --repeat {args.repeat} --piper-scope {args.piper_scope}"
    busy_text = (
        f" Other processes used {busy:.0f}% of the CPUs while this ran"
        + (": treat the wall times as pessimistic." if busy > 10 else ".")
        if busy is not None
        else ""
    )
    espeak = [r for r in results if r.case.voice == "espeak"]
    piper = [r for r in results if r.case.voice == "piper"]
    text = [
        SECTION,
        "",
        "Written by `bench/audio.py`; rerun `make bench` to refresh this section.",
        "",
        f"- Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Command: `make bench` (`.venv/bin/python bench/audio.py{options}`)",
        f"- Machine: {machine()}",
        f"- Software: {software(results)}",
        "- Set-up: `audio.synthesise` in one process, as the export worker calls it, all programs "
        "at nice 19. English: the demo's 2026 edition (espeak-ng) and its first chapter (Piper); "
        "Lithuanian: a sample of our own, as one assessment (the demo has no Lithuanian pages). "
        f"Median of {args.repeat} cold runs (empty cache), each followed by a warm run (every "
        "piece cached); Piper: one of each." + busy_text,
        "",
        markdown_table(HEADER, rows(results)),
        "",
        "Words are those read aloud. *Synthesis* is a cold run without its encode: the speech "
        "itself, from an empty cache. *Cold* is the whole call (synthesis and MP3 encode); "
        "*cold CPU* the time its children (espeak-ng, Piper, ffmpeg) spent on the CPUs; *warm* "
        "the same call with every piece cached, which is what the edition's file costs after "
        "its assessments' files, and about what a file costs after an edit of one paragraph. "
        "The MP3 is mono at 64 kbit/s; the cache holds 16-bit 22,050 Hz WAV.",
        "",
    ]
    if espeak and piper:
        e = next(r for r in espeak if "edition" in r.case.document)
        p = piper[0]
        e_rate = synthesis_seconds(e) / e.words * 1000
        p_rate = synthesis_seconds(p) / p.words * 1000
        text += [
            f"Piper reads English about {p_rate / e_rate:.0f} times slower than espeak-ng "
            f"({p_rate:.1f} s against {e_rate:.2f} s per 1,000 words); at that rate the "
            f"{e.words:,}-word edition takes about {p_rate * e.words / 1000 / 60:.0f} minutes "
            "of synthesis once, after which only changed paragraphs cost anything.",
            "",
        ]
    return "\n".join(text)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold+warm runs per case (3)")
    parser.add_argument("--piper-scope", choices=("chapter", "edition", "none"), default="chapter")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    missing = [name for name in ("espeak-ng", "ffmpeg") if shutil.which(name) is None]
    if missing:
        print(f"{' and '.join(missing)} missing: run `make system-deps`", file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="threatpress-bench-audio-") as name:
        tmp = Path(name)
        env = bench_env(tmp)
        env["THREATPRESS_AUDIO_CACHE_DIR"] = str(tmp / "audio-cache")
        os.environ.clear()
        os.environ.update(env)
        print("Preparing the demo site in", tmp, flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo")
        import django

        django.setup()
        from threatpress.exports import audio

        edition, chapter = demo_documents()
        cases = [
            Case("espeak", "espeak-ng en-gb", "2026 edition", edition),
            Case("espeak", "espeak-ng lt", "Lithuanian sample", lithuanian_document(edition)),
        ]
        if args.piper_scope != "none":
            found = audio._resolve("en", "piper")
            if isinstance(found, str):
                print(f"Piper skipped: {found}", flush=True)
            else:
                doc = edition if args.piper_scope == "edition" else chapter
                cases.append(Case("piper", "Piper en_US-joe-medium", f"2026 {doc.scope}", doc))
        meter = LoadMeter.start()
        results = []
        for case in cases:
            repeat = 1 if case.voice == "piper" else args.repeat
            print(f"Synthesising {case.label}, {case.document} ({repeat}×)...", flush=True)
            results.append(measure(case, audio.cache_dir(), repeat))
        busy = meter.others_percent()
    print()
    print(text_table(HEADER, rows(results)))
    write_section(args.output, section(args, results, busy), SECTION)
    print(f"\nWrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
