"""What limits Varnish against nginx here (issue 8's "80% of nginx"): the shipped VCL and the
shared-memory log, each taken away in turn, beside nginx serving the same HTML, in one run.

Four varnishd in front of one ThreatPress server, all with the page cached:
- shipped: deploy/varnish/threatpress.vcl, as `make bench-http` and `make cluster` run it;
- shipped, no log: the same with every record of a client request masked (`-p vsl_mask=`), so
  varnishlog and varnishncsa would show nothing of them;
- minimal VCL: bench/varnish_minimal.vcl, a lookup by address and nothing else (never deploy it);
- minimal VCL, no log.
And a second nginx that adds to the same HTML the headers the app sends with it (its security
headers, Cache-Control, Vary...: about 900 bytes the first nginx does not send), to show how much
of the gap is the bytes of those headers.
Then the same as browsers ask for it (`Accept-Encoding: gzip`): a third nginx serving the page's
gzip form as a static file (`gzip_static`, the limit for 7.7 KB instead of 29.8 KB), and the
shipped VCL, with and without the log, sending the gzip form the app made (docs/caching.md,
"Compression").
wrk loads each nginx and each varnishd in turn, ROUNDS times, with make bench-http's settings; the
median of each is printed as a share of its nginx's median (the plain nginx for plain requests,
the gzip nginx for the browsers' ones). Prints only: the figures and what they mean are in
docs/benchmarks.md. Talks only to 127.0.0.1.
Usage: .venv/bin/python bench/varnish_ceiling.py [--rounds 3] [--duration 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import urllib.request
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import release_day, render

MINIMAL_VCL = Path(__file__).resolve().parent / "varnish_minimal.vcl"
# Every record a client request writes to the shared-memory log on a hit (Varnish 7.1).
CLIENT_RECORDS = (
    "Begin", "End", "Link", "ReqStart", "Timestamp", "ReqMethod", "ReqURL", "ReqProtocol",
    "ReqHeader", "ReqUnset", "VCL_call", "VCL_return", "VCL_use", "Hit", "RespProtocol",
    "RespStatus", "RespReason", "RespHeader", "RespUnset", "ReqAcct", "Storage",
)  # fmt: skip
NO_LOG = ("vsl_mask=" + ",".join(f"-{record}" for record in CLIENT_RECORDS),)
VARIANTS = {
    "shipped": (release_day.VARNISH_VCL, ()),
    "shipped, no log": (release_day.VARNISH_VCL, NO_LOG),
    "minimal VCL": (MINIMAL_VCL, ()),
    "minimal VCL, no log": (MINIMAL_VCL, NO_LOG),
}
BROWSER = ("Accept-Encoding: gzip, deflate, br",)  # what every browser sends (wrk sends none)
BROWSER_LABELS = ("shipped", "shipped, no log")  # measured again with BROWSER, gzip form
GZIP_NGINX = "nginx, gzip form (gzip_static)"


# Headers nginx writes itself, or that describe one connection: not copied from the app.
NGINX_OWN = {
    "date", "server", "content-type", "content-length", "connection", "keep-alive",
    "transfer-encoding", "etag", "last-modified", "accept-ranges",
}  # fmt: skip


def app_headers(url: str) -> tuple[tuple[str, str], ...]:
    """The headers the app sends with the page (an anonymous reader's), but NGINX_OWN."""
    with urllib.request.urlopen(url, timeout=30) as response:  # 127.0.0.1 only
        return tuple(
            (name, value) for name, value in response.getheaders() if name.lower() not in NGINX_OWN
        )


def sent_gzip(url: str) -> None:
    """Stop unless `url` answers a browser's request with the gzip form."""
    name, _, value = BROWSER[0].partition(": ")
    request = urllib.request.Request(url, headers={name: value})
    with urllib.request.urlopen(request, timeout=30) as response:  # 127.0.0.1 only
        if response.headers.get("Content-Encoding") != "gzip":
            raise RuntimeError(f"{url} sent no gzip form to a browser's request")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs of each (3)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run (5)")
    args = parser.parse_args(argv)
    wrk = render.find_binary("wrk", "/usr/bin/wrk")
    if wrk is None or render.find_binary("varnishd", "/usr/sbin/varnishd") is None:
        print(render.missing("wrk or varnishd", "the whole benchmark"), file=sys.stderr)
        return 1
    print(f"Load average before the run: {release_day.load_average():.2f} (`uptime`)")
    with tempfile.TemporaryDirectory(prefix="threatpress-varnish-") as name, ExitStack() as stack:
        tmp = Path(name)
        env = render.bench_env(tmp)
        print("Preparing the demo site in", tmp, flush=True)
        render.prepare_site(env)
        html = release_day.threatpress_html(env, tmp)
        ctx = release_day.Context(tmp, env, html, wrk, args.duration)
        urls = {"nginx": stack.enter_context(release_day.nginx_static(ctx))}
        backend = stack.enter_context(release_day.threatpress_uncached(ctx))
        headers = app_headers(backend)
        with_headers = release_day.nginx_static(ctx, headers)
        urls["nginx, the app's headers"] = stack.enter_context(with_headers)
        for label, (vcl, params) in VARIANTS.items():
            urls[label] = stack.enter_context(
                release_day.varnish_in_front(ctx, backend, vcl, params)
            )
        # (label, URL, request headers, the label of the nginx it is compared with)
        runs = [(label, url, (), "nginx") for label, url in urls.items()]
        packed = stack.enter_context(release_day.nginx_static(ctx, gzip_static=True))
        sent_gzip(packed)
        runs.append((GZIP_NGINX, packed, BROWSER, GZIP_NGINX))
        # The browsers' rows need the app with its page cache on, which makes the gzip form
        # (the plain server above answers plain bytes even to a request for gzip), and a
        # varnishd of their own in front of it.
        compressing = stack.enter_context(release_day.threatpress_cached(ctx))
        for label in BROWSER_LABELS:
            vcl, params = VARIANTS[label]
            url = stack.enter_context(release_day.varnish_in_front(ctx, compressing, vcl, params))
            sent_gzip(url)
            runs.append((f"{label}, browsers", url, BROWSER, GZIP_NGINX))
        rates: dict[str, list[float]] = {label: [] for label, *_ in runs}
        for round_ in range(1, args.rounds + 1):
            for label, url, headers, _ in runs:
                result = render.run_wrk(wrk, url, args.duration, headers)
                rates[label].append(result.requests_per_sec)
                print(f"round {round_}: {label}: {result.requests_per_sec:,.0f} req/s, "
                      f"p99 {result.p99_ms:.2f} ms {result.errors}", flush=True)  # fmt: skip
    print(f"\nMedian of {args.rounds} runs of {args.duration} s, as a share of its nginx:")
    for label, _, _, baseline in runs:
        median = statistics.median(rates[label])
        share = 100 * median / statistics.median(rates[baseline])
        print(f"  {label:34} {median:9,.0f} req/s  {share:5.1f}% of {baseline}")
    print(f"Load average after: {release_day.load_average():.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
