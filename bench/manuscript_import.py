"""How long importing a 60-page manuscript takes: reading the .docx into a Manuscript, then saving
it as draft pages in a test database (SQLite, or PostgreSQL under scripts/with-postgres).

The manuscript is built in memory with the tests' python-docx builder, from a fixed seed and our
own invented text: 8 chapters, 30 assessments, paragraphs, lists, quotations, tables, 10 figures
and 150 footnotes. Its length in pages is estimated, not rendered: 500 words a page (A4, 11 pt,
single spacing), a third of a page a figure, a quarter of a page a table. Each stage is timed
5 times after one warm-up run; the median is the figure. Nothing leaves the machine.

Usage: .venv/bin/python bench/manuscript_import.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "threatpress.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from threatpress.manuscripts.manuscript import Manuscript  # noqa: E402
from threatpress.manuscripts.reading import read_manuscript  # noqa: E402
from threatpress.manuscripts.tests.docx_builder import DocxBuilder, png  # noqa: E402

WORDS_PER_PAGE = 500
FIGURE_PAGES = 1 / 3
TABLE_PAGES = 1 / 4
CHAPTERS = 8
ASSESSMENTS = 30
FIGURES = 10
FOOTNOTES = 150
TERMS = {
    "almost-certain": "Almost certain",
    "highly-likely": "Highly likely",
    "likely": "Likely",
    "realistic-possibility": "Realistic possibility",
    "unlikely": "Unlikely",
}
REGIONS = ["Velmora", "Ostrava Reach", "Kestria", "Dunmarsh", "Sollen", "Harrowgate Isles"]
# An invented vocabulary: the text reads like prose without being anyone's sentences.
VOCABULARY_TEXT = (
    "adversary pressure network influence border energy supply campaign narrative cyber "
    "service agents officials exercise capability region security intelligence economic "
    "leverage proxy operation infrastructure messaging recruitment sanctions logistics "
    "investment shipping units command signals diaspora media platform funding partners "
    "will may continue expand test exploit target seek build use shift reduce increase "
    "the a of in to and with for on against across through over its their this that"
)
VOCABULARY = VOCABULARY_TEXT.split()


def sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(VOCABULARY) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def prose(rng: random.Random, sentences: int) -> str:
    return " ".join(sentence(rng, rng.randint(12, 24)) for _ in range(sentences))


class Counter:
    def __init__(self) -> None:
        self.words = 0
        self.figures = 0
        self.tables = 0
        self.footnotes = 0

    def text(self, text: str) -> str:
        self.words += len(text.split())
        return text

    @property
    def pages(self) -> float:
        return self.words / WORDS_PER_PAGE + self.figures * FIGURE_PAGES + self.tables * TABLE_PAGES


def build(seed: int = 2027) -> tuple[bytes, Counter]:
    rng = random.Random(seed)
    count = Counter()
    builder = DocxBuilder()
    builder.title(count.text("National threat assessment 2027"))
    builder.heading("Foreword", 1)
    for _ in range(3):
        builder.paragraph(count.text(prose(rng, 5)))
    builder.signature("Director")
    per_chapter = [ASSESSMENTS // CHAPTERS + (i < ASSESSMENTS % CHAPTERS) for i in range(CHAPTERS)]
    figure_at = set(rng.sample(range(ASSESSMENTS), FIGURES))
    index = 0
    for chapter_number, assessments in enumerate(per_chapter, start=1):
        builder.heading(count.text(f"Chapter {chapter_number}: {sentence(rng, 4)[:-1]}"), 1)
        builder.paragraph(count.text(prose(rng, 4)))
        for _ in range(assessments):
            region = rng.choice(REGIONS)
            term = rng.choice(list(TERMS.values())).lower()
            builder.heading(count.text(f"{region} will {term} {sentence(rng, 8)[:-1]}"), 2)
            builder.summary(count.text(prose(rng, 3)))
            notes_left = FOOTNOTES // ASSESSMENTS
            for paragraph_number in range(7):
                paragraph = builder.paragraph(count.text(prose(rng, rng.randint(4, 7))))
                if notes_left and paragraph_number % 2 == 0:
                    builder.footnote(paragraph, count.text(sentence(rng, 10)))
                    notes_left -= 1
                if paragraph_number == 3:
                    builder.heading(count.text(sentence(rng, 5)[:-1]), 3)
                    builder.bullets([count.text(sentence(rng, 10)) for _ in range(4)])
                if paragraph_number == 5 and index % 3 == 0:
                    rows = [["Year", "Incidents", "Share"]] + [
                        [str(2020 + y), str(rng.randint(5, 90)), f"{rng.randint(1, 60)}%"]
                        for y in range(6)
                    ]
                    builder.table(rows, caption=count.text(sentence(rng, 6)))
                    count.tables += 1
                if paragraph_number == 6 and index % 4 == 0:
                    builder.quote(count.text(sentence(rng, 18)), "an official")
            while notes_left:
                builder.footnote(builder.paragraph(count.text(prose(rng, 2))), "A source.")
                notes_left -= 1
            if index in figure_at:
                builder.picture(
                    count.text(sentence(rng, 10)),
                    caption=count.text(sentence(rng, 6)),
                    image=png(1200, 800, (rng.randint(0, 255), 90, 160)),
                )
                count.figures += 1
            index += 1
    count.footnotes = len(builder.footnotes)
    return builder.bytes(), count


def timed(stage: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run; the CPU time is the figure least disturbed by
    other work on a shared machine."""
    stage()  # warm-up: imports, caches
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        stage()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall, cpu


def read(data: bytes) -> Manuscript:
    return read_manuscript(data, language="en", probability_terms=TERMS, region_names=REGIONS)


def saving_stage(data: bytes) -> dict[str, Callable[[], object]]:
    """Saving as draft pages (`save_manuscript`, every proposal accepted as with `--yes`), in
    the test database `main` creates: the first import into a year with no edition yet (each
    run a new year, so each creates 39 pages: the edition, 8 chapters, 30 assessments), and
    importing into a year that already holds the same text (nothing changes, no revision)."""
    from wagtail.models import Locale

    from threatpress.conftest import build_site
    from threatpress.manuscripts import intake
    from threatpress.manuscripts.saving import save_manuscript

    build_site()
    locale = Locale.objects.get(language_code="en")
    # Read again with the scale a new edition gets, as the command does (`intake.read`).
    manuscript = read_manuscript(
        data,
        language="en",
        probability_terms=intake.scale_for(2100, locale),
        region_names=REGIONS,
    )
    years = iter(range(2101, 2200))

    def save(year: int):
        confirmed = intake.proposals(manuscript, year=year, locale=locale)
        return save_manuscript(manuscript, year=year, locale=locale, user=None, confirmed=confirmed)

    save(2100)  # the year the unchanged re-imports go to
    return {
        "save, first import (Manuscript → new draft pages)": lambda: save(next(years)),
        "save, same manuscript again (nothing changes)": lambda: save(2100),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    data, count = build()
    manuscript = read(data)
    assert not manuscript.blocking_problems, manuscript.blocking_problems
    footnotes = sum(len(a.footnotes) for a in manuscript.assessments)
    figures = sum(type(b).__name__ == "Figure" for a in manuscript.assessments for b in a.blocks)
    assert (len(manuscript.chapters), len(manuscript.assessments)) == (CHAPTERS, ASSESSMENTS)
    assert (figures, footnotes) == (FIGURES, FOOTNOTES), (figures, footnotes)

    stages = {"read (.docx → Manuscript)": lambda: read(data)}
    setup_test_environment()
    database = connection.creation.create_test_db(verbosity=0)
    try:
        stages.update(saving_stage(data))
        rows = [(name, *timed(stage, options.runs)) for name, stage in stages.items()]
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)

    print(
        f"Manuscript: {count.pages:.0f} pages estimated ({count.words} words at {WORDS_PER_PAGE} "
        f"a page, {count.figures} figures, {count.tables} tables), {CHAPTERS} chapters, "
        f"{ASSESSMENTS} assessments, {footnotes} footnotes, {len(data) / 1024:.0f} KiB"
    )
    print()
    print(f"| Stage | median of {options.runs} | min | max | CPU time, median |")
    print("|---|---|---|---|---|")
    for name, wall, cpu in rows:
        print(
            f"| {name} | {statistics.median(wall) * 1000:.0f} ms "
            f"| {min(wall) * 1000:.0f} ms | {max(wall) * 1000:.0f} ms "
            f"| {statistics.median(cpu) * 1000:.0f} ms |"
        )
    print(f"\nDatabase: {connection.vendor}")
    print(f"Load average while it ran: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
