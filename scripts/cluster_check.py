"""`make cluster CHECK=1`: the release-day leak test through Varnish, then a short wrk run.

An unpublished copy of the demo's 2026 edition is scheduled to go live a few seconds ahead, the
way the admin's "Release" screen does it, and its PDF is built into the bucket (SeaweedFS) as the
export worker would build it before the release. Every one of its addresses, the PDF's included,
is fetched through Varnish before the instant (each must be a 404, and Varnish holds those 404s),
and after it, until all are 200: none may be public early, and all must be public through Varnish
within 2 s, which only the purges sent by the scheduler's process can achieve. Then wrk loads one
assessment page through Varnish. Run by scripts/cluster with the cluster's environment; talks
only to 127.0.0.1.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
LEAD_SECONDS = 35  # beyond the 30 s a release is staged ahead on PostgreSQL; PDF built first
DEADLINE_SECONDS = 2.0


def fetch(url: str) -> tuple[int, str]:
    try:
        with OPENER.open(url, timeout=5) as response:
            return response.status, response.headers.get("X-Cache", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Cache", "")
    except (TimeoutError, urllib.error.URLError):
        return 0, "no answer within 5 s"  # a busy machine: reported, and asked again


def unreleased_copy() -> tuple[object, list[str]]:
    from wagtail.models import Page

    from threatpress.reports.models import EditionPage

    year = max(EditionPage.objects.values_list("year", flat=True)) + 50
    source = EditionPage.objects.get(year=2026, locale__language_code="en")
    copy = source.copy(
        recursive=True,
        keep_live=False,
        update_attrs={"year": year, "slug": str(year), "title": f"Embargoed {year}"},
        log_action=None,
    )
    pages = Page.objects.descendant_of(copy, inclusive=True).order_by("path")
    return EditionPage.objects.get(pk=copy.pk), [page.url for page in pages]


def embargoed_pdf(edition) -> str:
    """Build the edition's PDF now, as the export worker does for a scheduled release (that
    worker may still be busy with the demo's recordings), and return the PDF's address."""
    from threatpress.exports.builder import build, due_jobs
    from threatpress.exports.formats import FORMATS, file_name

    jobs = [j for j in due_jobs() if j.plan.root.pk == edition.pk and j.fmt.key == "pdf"]
    if not jobs:
        raise RuntimeError("the scheduled edition has no PDF to build")
    made = build(jobs[0])
    if made is None:
        raise RuntimeError("the scheduled edition's PDF could not be built")
    print(
        f"  its PDF ({made.size:,} bytes) is in {type(made.file.storage).__name__} as "
        f"{made.file.name} before the release"
    )
    return edition.url + file_name(edition, "edition", edition.year, FORMATS["pdf"])


def release_check(base: str, app: str) -> bool:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from threatpress.publishing.release import schedule_release

    edition, paths = unreleased_copy()
    urls = [base + path for path in paths]
    # A whole second, as the admin's Release screen gives.
    go_live = (timezone.now() + datetime.timedelta(seconds=LEAD_SECONDS)).replace(microsecond=0)
    schedule_release(edition, go_live, get_user_model().objects.get(username="publisher"))
    print(f"Release check: {len(urls)} addresses of an edition going live at {go_live:%H:%M:%S}")
    urls.append(base + embargoed_pdf(edition))
    instant = go_live.timestamp()

    def first_public(url: str) -> tuple[float, bool]:
        """Seconds from the instant to the first 200 for `url`, and whether a 200 came early.
        One thread per address, so that a slow render of one delays no other's reading."""
        while time.time() - instant < 30:
            status, _ = fetch(url)
            if status == 200:
                return time.time() - instant, time.time() < instant
            if status != 404:
                print(f"  unexpected {status} for {url}")
            time.sleep(0.02)
        return float("inf"), False

    with ThreadPoolExecutor(max_workers=len(urls) + 1) as pool:
        on_app = pool.submit(first_public, urls[0].replace(base, app))
        results = list(pool.map(first_public, urls))
    early = sum(1 for _, was_early in results if was_early)
    last = max(seconds for seconds, _ in results)
    ok = not early and last <= DEADLINE_SECONDS
    print(f"  public early: {early}; public after the instant: {len(urls)}/{len(urls)}")
    print(
        f"  the edition was public on an app server {on_app.result()[0]:.2f} s after the "
        f"instant; its last address through Varnish {last:.2f} s after it"
    )
    print(f"  Varnish after the app server: {last - on_app.result()[0]:.2f} s (rendering included)")
    print(f"  {'PASS' if ok else 'FAIL'} (no page early, all within {DEADLINE_SECONDS:.0f} s)")
    return ok


def load_test(base: str) -> bool:
    from threatpress.reports.models import AssessmentPage

    page = AssessmentPage.objects.live().filter(locale__language_code="en").first()
    url = base + page.url
    fetch(url), fetch(url)
    status, cache = fetch(url)
    wrk = shutil.which("wrk")
    if wrk is None:
        print("Load test skipped: wrk is not installed (scripts/ensure-system-packages wrk).")
        return True
    command = [wrk, "-t2", "-c32", "-d10s", "--latency", url]
    print(f"Load test: {' '.join(command)}  (X-Cache before: {cache or status})")
    # wrk and a URL of ours, no shell
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"\s99%\s+(\S+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    print(f"  {float(rate[1]):,.0f} req/s, p99 {p99[1] if p99 else '?'}, "
          f"non-2xx: {errors[1] if errors else 0}")  # fmt: skip
    return errors is None


def main() -> int:
    base = sys.argv[1].rstrip("/")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "threatpress.settings.production")
    import django

    django.setup()
    released = release_check(base, sys.argv[2].rstrip("/"))
    loaded = load_test(base)
    return 0 if released and loaded else 1


if __name__ == "__main__":
    sys.exit(main())
