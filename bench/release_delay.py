"""Release day, measured: how long after the announced second is a whole edition public?

Each trial copies the demo's 2026 edition as a new, unpublished edition (every chapter and
assessment), schedules it with the same service the admin's "Release" screen calls, and polls every
one of its URLs through `scripts/serve` (gunicorn plus the scheduled-publishing loop) until all of
them answer 200. It records when the first and the last page became public, and checks that no page
was public before the scheduled time.

Baseline in the same run: one sweep over the same URLs once they are all public, which is what
polling alone costs. Everything talks to 127.0.0.1 only.

Usage: .venv/bin/python bench/release_delay.py [--trials 3] [--lead 3.0]
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
import urllib.error
import urllib.request

from render import ROOT, machine, median_and_max_ms, serving_demo, software, write_section

SECTION = "## Whole-edition release delay (issue 3)"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def status(url: str) -> int:
    try:
        with OPENER.open(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def unreleased_copy(year: int) -> tuple[object, list[str]]:
    """A new edition for `year`, copied from 2026 as drafts; return it and its page paths."""
    from wagtail.models import Page

    from threatpress.reports.models import EditionPage

    source = EditionPage.objects.get(year=2026, locale__language_code="en")
    copy = source.copy(
        recursive=True,
        keep_live=False,
        update_attrs={"year": year, "slug": str(year), "title": f"Release probe {year}"},
        log_action=None,
    )
    pages = Page.objects.descendant_of(copy, inclusive=True).order_by("path")
    return EditionPage.objects.get(pk=copy.pk), [page.url for page in pages]


def trial(base: str, year: int, lead: float) -> dict[str, float]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from threatpress.publishing.release import schedule_release

    edition, paths = unreleased_copy(year)
    publisher = get_user_model().objects.get(username="publisher")
    go_live = timezone.now() + datetime.timedelta(seconds=lead)
    schedule_release(edition, go_live, publisher)
    pending = {base + path for path in paths}
    first = last = None
    early = 0
    while pending:
        for url in list(pending):
            if status(url) == 200:
                seen = time.time() - go_live.timestamp()
                if seen < 0:
                    early += 1
                first = seen if first is None else first
                last = seen
                pending.discard(url)
        if time.time() - go_live.timestamp() > 60:
            raise RuntimeError(f"{len(pending)} pages still not public a minute after release")
        time.sleep(0.02)
    if early:
        raise RuntimeError(f"{early} pages were public before the scheduled time")
    started = time.perf_counter()
    for path in paths:
        status(base + path)
    sweep = time.perf_counter() - started
    return {"pages": len(paths), "first": first, "last": last, "sweep": sweep}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--lead", type=float, default=3.0, help="seconds ahead to schedule")
    args = parser.parse_args(argv)
    results = []
    with serving_demo("threatpress-release-") as (base, _):
        for n in range(args.trials):
            result = trial(base, 2030 + n, args.lead)
            print(result)
            results.append(result)
    pages = results[0]["pages"]

    def ms(key: str) -> str:
        return median_and_max_ms([r[key] for r in results])

    table = "\n".join(
        [
            "| | median ms | max ms |",
            "| --- | ---: | ---: |",
            f"| Scheduled time → first page of the edition public | {ms('first')} |",
            f"| Scheduled time → last page of the edition public | {ms('last')} |",
            f"| Baseline: one polling sweep over the {pages} public pages | {ms('sweep')} |",
        ]
    )
    print(table)
    options = f" --trials {args.trials} --lead {args.lead:g}"
    section = f"""{SECTION}

Written by `bench/release_delay.py`; rerun `make bench` to refresh this section.

- Date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}
- Command: `make bench` (`.venv/bin/python bench/release_delay.py{options}`)
- Machine: {machine()}; {software()}
- Set-up: `scripts/serve` (gunicorn, 2 workers, and `manage.py run_scheduler`, one tick a second)
  on the demo site with SQLite. Each trial releases a fresh unpublished copy of the 2026 edition
  ({pages} pages: the edition, its chapters and assessments) through the same service as the
  admin's Release screen, and a reader polls all {pages} URLs until each answers 200. No page was
  public before the scheduled second in any trial.

{table}

The target is under 5 s. First and last differ only by where the polling sweep happened to be:
the pages go live in one transaction, so the gap is bounded by the sweep time (the baseline).
"""
    write_section(ROOT / "docs" / "benchmarks.md", section, SECTION)
    print("Wrote docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
