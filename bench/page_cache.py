"""What a page-cache hit costs in-process: the WSGI application called directly, no server.

Builds a test database with one edition (as the test suite does), then times, for the same
assessment page: a hit answered by the WSGI front (threatpress/caching/front.py), a revalidation
answered 304 from the cache, and the full render through Django with the page cache off (the
baseline, in the same run). Reports the median in microseconds and the implied requests per
second of one core. The HTTP throughput benchmark (wrk, gunicorn, Varnish) is bench/README.md's.

Usage: .venv/bin/python bench/page_cache.py [--hits 20000] [--renders 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "threatpress.settings.test"

import django

django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

from threatpress.caching.front import CachedApplication  # noqa: E402

PAGE = "/en/reports/2026/chapter-1/judgment-1-1/"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0"


def time_calls(app, environ: dict, count: int) -> list[float]:
    """Per-call seconds, in blocks of 100 calls to keep the clock's own cost out."""
    samples = []

    def start_response(status, headers, exc_info=None):
        return None

    block = 100 if count >= 1000 else 1
    for _ in range(count // block):
        started = time.perf_counter()
        for _ in range(block):
            result = app(dict(environ), start_response)
            b"".join(result)
            if hasattr(result, "close"):
                result.close()
        samples.append((time.perf_counter() - started) / block)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=20000)
    parser.add_argument("--renders", type=int, default=200)
    args = parser.parse_args()
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0)
    try:
        from threatpress.conftest import build_edition, build_site, publish_all

        tree = build_site()
        publish_all(build_edition(tree.reports, 2026))
        app = CachedApplication(WSGIHandler())
        environ = RequestFactory().get(PAGE, HTTP_USER_AGENT=BROWSER).environ
        time_calls(app, environ, 10)  # store it, warm up
        hits = time_calls(app, environ, args.hits)
        status = {}
        app(dict(environ), lambda s, h, e=None: status.update(headers=dict(h)))
        conditional = {**environ, "HTTP_IF_NONE_MATCH": status["headers"]["ETag"]}
        not_modified = time_calls(app, conditional, args.hits)
        # Through override_settings: the hit path reads its settings once per process and
        # forgets them on the setting_changed signal a plain assignment would not send.
        with override_settings(THREATPRESS_PAGE_CACHE=False):
            renders = time_calls(app, environ, args.renders)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    print(f"{'case':40} {'median µs':>10} {'req/s/core':>11}")
    for label, samples in (
        ("hit (WSGI front, 200)", hits),
        ("hit answering If-None-Match (304)", not_modified),
        ("full render, page cache off", renders),
    ):
        median = statistics.median(samples)
        print(f"{label:40} {median * 1e6:10.1f} {1 / median:11.0f}")


if __name__ == "__main__":
    main()
