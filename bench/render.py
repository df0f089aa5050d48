"""Benchmark the assessment page: in-process render time against a same-stack baseline, then
HTTP throughput of gunicorn (uncached) and nginx (the same HTML as a static file).

Everything happens in a temporary directory (SQLite database, media, static files, server logs)
that is removed at the end; the only network traffic is to 127.0.0.1. Results are printed and
written to docs/benchmarks.md under SECTION, leaving other sections of that file alone.

Usage: .venv/bin/python bench/render.py [--requests 300] [--wrk-duration 5]
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import platform
import pwd
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent  # gunicorn from the same virtualenv as this Python
PAGE_PATH = "/en/reports/2026/crisis-regions/russia-loses-its-main-lever-in-the-south-caucasus/"
SECTION = "## Assessment page render (issue 2)"
DOC_HEADER = """# Benchmarks

Each section is written by a script in `bench/` (see `bench/README.md`) and replaced when it runs
again. Compare numbers only between runs on the same, otherwise idle, machine.
"""
WARMUP = 10
WRK_THREADS, WRK_CONNECTIONS = 2, 32
GUNICORN_WORKERS = 2
SETUP_TIMEOUT = 180  # seconds, per manage.py command
READY_TIMEOUT = 30  # seconds for a server to answer
BUSY_WARNING = 10.0  # percent of CPU used by other processes that makes a run suspect


@dataclass
class Timings:
    median_ms: float
    p95_ms: float
    count: int


@dataclass
class InProcess:
    page: Timings
    baseline: Timings
    queries: int
    baseline_queries: int
    html: bytes
    query_sql: list[str]


@dataclass
class WrkResult:
    requests_per_sec: float
    p50_ms: float
    p99_ms: float
    total_requests: int
    errors: str  # socket errors and non-2xx/3xx responses as wrk reports them, or ""


@dataclass
class Run:
    setup_seconds: float
    busy_percent: float | None  # CPU share used by other processes while we measured


@dataclass
class Http:
    gunicorn: WrkResult | None
    nginx: WrkResult | None
    note: str  # why a part was skipped, or ""


# --- Set-up -------------------------------------------------------------------------------


def bench_env(tmp: Path) -> dict[str, str]:
    """The environment for manage.py, gunicorn and this process: production settings, SQLite."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        THREATPRESS_VAR_DIR=str(tmp / "var"),
        THREATPRESS_STATIC_ROOT=str(tmp / "static"),
        DJANGO_SETTINGS_MODULE="threatpress.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        THREATPRESS_HTTPS="false",
        # These benchmarks measure rendering: the page cache (docs/caching.md) would answer
        # every repeated request before Django. A benchmark of cached pages turns it back on.
        THREATPRESS_PAGE_CACHE=os.environ.get("THREATPRESS_PAGE_CACHE", "false"),
    )
    return env


def manage(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=SETUP_TIMEOUT
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode})")


def busy_cpu_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot, or None without /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
        user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields[1:8])
    except (OSError, ValueError):
        return None
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU seconds of this process and of the children it has waited for (servers, wrk)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@dataclass
class LoadMeter:
    """How much CPU other processes used while we measured: a busy machine skews the numbers."""

    start_busy: float | None
    start_own: float
    start_wall: float

    @classmethod
    def start(cls) -> LoadMeter:
        return cls(busy_cpu_seconds(), own_cpu_seconds(), time.monotonic())

    def others_percent(self) -> float | None:
        busy = busy_cpu_seconds()
        if busy is None or self.start_busy is None:
            return None
        others = (busy - self.start_busy) - (own_cpu_seconds() - self.start_own)
        capacity = (time.monotonic() - self.start_wall) * (os.cpu_count() or 1)
        return max(0.0, 100 * others / capacity)


def prepare_site(env: dict[str, str]) -> float:
    """Migrate, load the demo edition and collect static files; returns the seconds taken."""
    start = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput", "-v0")
    return time.perf_counter() - start


# --- In-process render timing ---------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def summarise(seconds: list[float]) -> Timings:
    ms = [s * 1000 for s in seconds]
    return Timings(statistics.median(ms), percentile(ms, 95), len(ms))


def fetch(client, path: str) -> bytes:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return response.content


def time_requests(client, path: str, count: int) -> Timings:
    for _ in range(WARMUP):
        fetch(client, path)
    seconds = []
    for _ in range(count):
        start = time.perf_counter()
        fetch(client, path)
        seconds.append(time.perf_counter() - start)
    return summarise(seconds)


def count_queries(client, path: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        fetch(client, path)
    return [query["sql"] for query in context.captured_queries]


def measure_in_process(requests: int) -> InProcess:
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from bench import urls_with_baseline

    with override_settings(ROOT_URLCONF=urls_with_baseline.__name__):
        client = Client()
        html = fetch(client, PAGE_PATH)  # also creates the image renditions
        urls_with_baseline.BASELINE_HTML = html
        baseline_path = reverse("bench_baseline")
        page = time_requests(client, PAGE_PATH, requests)
        baseline = time_requests(client, baseline_path, requests)
        page_sql = count_queries(client, PAGE_PATH)
        baseline_sql = count_queries(client, baseline_path)
    return InProcess(page, baseline, len(page_sql), len(baseline_sql), html, page_sql)


# --- HTTP throughput -------------------------------------------------------------------------


def child_json(script: str, env: dict[str, str], args: list[str], timeout: int = 1800) -> dict:
    """Run `script` with `args` in a process of its own (its own settings and database) and
    return the JSON object it prints last; its output is shown if it fails."""
    command = [sys.executable, script, *args]
    result = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise RuntimeError(f"{Path(script).name} {' '.join(args)} failed ({result.returncode})")
    return json.loads(result.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_binary(name: str, fallback: str) -> str | None:
    found = shutil.which(name, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    return found or (fallback if Path(fallback).is_file() else None)


def log_tail(log: Path, lines: int = 20) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def wait_until_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll url until it answers 200; proxies are bypassed so nothing leaves 127.0.0.1."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited early:\n{log_tail(log)}")
        try:
            with opener.open(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer 200 within {READY_TIMEOUT}s:\n{log_tail(log)}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running(command: list[str], env: dict[str, str], log: Path, ready_url: str) -> Iterator[None]:
    """Start a server, wait until ready_url answers, and always stop it afterwards."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
        try:
            wait_until_ready(ready_url, process, log)
            yield
        finally:
            stop(process)


@contextmanager
def serving_demo(prefix: str) -> Iterator[tuple[str, Path]]:
    """The demo site in a temporary directory, set up in this process too (so a benchmark can
    use the ORM) and served by `scripts/serve` (gunicorn and the scheduler, as `make run`
    starts them); yields its base URL and the directory."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp_name:
        tmp = Path(tmp_name)
        env = bench_env(tmp)
        print("Preparing the demo site...")
        prepare_site(env)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        base = f"http://127.0.0.1:{free_port()}"
        command = [str(ROOT / "scripts" / "serve"), base.removeprefix("http://")]
        serve_env = {**env, "WEB_CONCURRENCY": "2"}
        with running(command, serve_env, tmp / "serve.log", f"{base}/healthz"):
            yield base, tmp


def median_and_max_ms(seconds: list[float]) -> str:
    """A markdown table's "median ms | max ms" cells."""
    ms = [value * 1000 for value in seconds]
    return f"{statistics.median(ms):.0f} | {max(ms):.0f}"


def gunicorn_command(port: int) -> list[str]:
    return [
        str(VENV_BIN / "gunicorn"),
        "threatpress.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={GUNICORN_WORKERS}",
        "--worker-class=sync",
        "--preload",
        "--no-control-socket",  # else every gunicorn of this user shares ~/.gunicorn/gunicorn.ctl
    ]


def nginx_string(value: str) -> str:
    """`value` as a double-quoted nginx string (no variables: a `$` is refused)."""
    if "$" in value:
        raise ValueError(f"a $ would be read as an nginx variable: {value!r}")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def nginx_config(
    base: Path, port: int, headers: tuple[tuple[str, str], ...] = (), gzip_static: bool = False
) -> str:
    """A throwaway nginx.conf serving `base`/www, adding `headers` to every response; with
    `gzip_static`, a file's `.gz` beside it to clients that accept gzip."""
    # As root, nginx would switch its workers to "nobody", who cannot read the 0700 temp dir.
    user = f"user {pwd.getpwuid(0).pw_name};" if os.geteuid() == 0 else ""
    temp_paths = "\n".join(
        f"    {kind}_temp_path {base}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    added = "\n".join(
        f"        add_header {name} {nginx_string(value)} always;" for name, value in headers
    )
    return f"""daemon off;
{user}
worker_processes {GUNICORN_WORKERS};
pid {base}/nginx.pid;
error_log {base}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    gzip_static {"on" if gzip_static else "off"};
{temp_paths}
    types {{ text/html html; }}
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {base}/www;
        index index.html;
{added}
    }}
}}
"""


def prepare_nginx(
    tmp: Path,
    html: bytes,
    port: int,
    headers: tuple[tuple[str, str], ...] = (),
    gzip_static: bool = False,
) -> tuple[list[str], Path]:
    """Write the page to the same URL path under a docroot (and its gzip form beside it, with
    `gzip_static`, as the page cache makes it), and a throwaway config."""
    base = tmp / f"nginx-{port}"
    page_dir = base / "www" / PAGE_PATH.strip("/")
    page_dir.mkdir(parents=True)
    (page_dir / "index.html").write_bytes(html)
    if gzip_static:
        from threatpress.caching.compression import LEVEL  # the app's own setting

        packed = gzip.compress(html, compresslevel=LEVEL, mtime=0)
        (page_dir / "index.html.gz").write_bytes(packed)
    config = base / "nginx.conf"
    config.write_text(nginx_config(base, port, headers, gzip_static))
    nginx = find_binary("nginx", "/usr/sbin/nginx")
    command = [str(nginx), "-p", f"{base}/", "-c", str(config), "-e", str(base / "error.log")]
    return command, base / "server.log"


DURATION_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"Unexpected wrk duration {text!r}")
    return float(match.group(1)) * DURATION_MS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    def find(pattern: str) -> re.Match[str]:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None:
            raise ValueError(f"wrk output has no {pattern!r}:\n{output}")
        return match

    errors = [
        m.group(0).strip()
        for m in re.finditer(r"^\s*(Socket errors|Non-2xx or 3xx responses):.*$", output, re.M)
    ]
    return WrkResult(
        requests_per_sec=float(find(r"^Requests/sec:\s+([\d.]+)").group(1)),
        p50_ms=duration_ms(find(r"^\s+50%\s+(\S+)").group(1)),
        p99_ms=duration_ms(find(r"^\s+99%\s+(\S+)").group(1)),
        total_requests=int(find(r"^\s+(\d+) requests in").group(1)),
        errors="; ".join(errors),
    )


def wrk_command(wrk: str, url: str, seconds: int, headers: tuple[str, ...] = ()) -> list[str]:
    # --timeout keeps slow responses in the latency figures instead of counting them as errors.
    threads, conns = f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}"
    extra = [arg for header in headers for arg in ("-H", header)]
    return [wrk, threads, conns, f"-d{seconds}s", "--timeout", "10s", "--latency", *extra, url]


def run_wrk(wrk: str, url: str, seconds: int, headers: tuple[str, ...] = ()) -> WrkResult:
    command = wrk_command(wrk, url, seconds, headers)
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 30, check=True
    )
    return parse_wrk(result.stdout)


def missing(binary: str, part: str) -> str:
    install = f"scripts/ensure-system-packages {binary}"
    return f"{binary} is not installed, so {part} was skipped (install it: {install})."


def measure_http(tmp: Path, env: dict[str, str], html: bytes, seconds: int) -> Http:
    wrk = find_binary("wrk", "/usr/bin/wrk")
    if wrk is None:
        return Http(None, None, missing("wrk", "HTTP throughput"))
    port = free_port()
    url = f"http://127.0.0.1:{port}{PAGE_PATH}"
    with running(gunicorn_command(port), env, tmp / "gunicorn.log", url):
        gunicorn = run_wrk(wrk, url, seconds)
    if find_binary("nginx", "/usr/sbin/nginx") is None:
        return Http(gunicorn, None, missing("nginx", "the static-file comparison"))
    port = free_port()
    url = f"http://127.0.0.1:{port}{PAGE_PATH}"
    command, log = prepare_nginx(tmp, html, port)
    with running(command, env, log, url):
        nginx = run_wrk(wrk, url, seconds)
    return Http(gunicorn, nginx, "")


# --- Reporting -------------------------------------------------------------------------------


def command_output(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return (result.stdout + result.stderr).strip()


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown CPU"
    match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else "unknown CPU"


def machine() -> str:
    return f"{os.cpu_count()} CPUs (nproc), {cpu_model()}, {platform.system()} {platform.release()}"


def software() -> str:
    import sqlite3

    import django
    import wagtail

    nginx = find_binary("nginx", "/usr/sbin/nginx")
    wrk = find_binary("wrk", "/usr/bin/wrk")
    nginx_version = re.search(r"nginx/(\S+)", command_output([nginx, "-v"])) if nginx else None
    wrk_version = re.search(r"^wrk (\S+)", command_output([wrk, "--version"])) if wrk else None
    versions = {
        "Python": platform.python_version(),
        "Django": django.__version__,
        "Wagtail": wagtail.__version__,
        "SQLite": sqlite3.sqlite_version,
        "gunicorn": metadata.version("gunicorn"),
        "nginx": nginx_version.group(1) if nginx_version else "not installed",
        "wrk": wrk_version.group(1) if wrk_version else "not installed",
    }
    return ", ".join(f"{name} {version}" for name, version in versions.items())


def render_rows(result: InProcess) -> list[tuple[str, str, str]]:
    page, base = result.page, result.baseline
    return [
        ("Assessment page (Wagtail)", f"{page.median_ms:.2f}", f"{page.p95_ms:.2f}"),
        ("Baseline: same HTML, trivial view", f"{base.median_ms:.2f}", f"{base.p95_ms:.2f}"),
        (
            "Difference: routing + rendering",
            f"{page.median_ms - base.median_ms:.2f}",
            f"{page.p95_ms - base.p95_ms:.2f}",
        ),
    ]


def http_rows(http: Http) -> list[tuple[str, str, str, str]]:
    rows = []
    for label, result in (
        (f"gunicorn, {GUNICORN_WORKERS} sync workers, uncached", http.gunicorn),
        ("nginx, saved HTML as a static file", http.nginx),
    ):
        if result is not None:
            rps, p50, p99 = result.requests_per_sec, result.p50_ms, result.p99_ms
            rows.append((label, f"{rps:,.0f}", f"{p50:.2f}", f"{p99:.2f}"))
    return rows


def text_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        cells = [row[0].ljust(widths[0])]  # label left, numbers right
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(cells)

    lines = [line(row) for row in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def markdown_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    align = "|".join([" --- "] + [" ---: "] * (len(header) - 1))
    lines = [f"| {' | '.join(header)} |", f"|{align}|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)


RENDER_HEADER = ("In-process, django.test.Client", "median ms", "p95 ms")
HTTP_HEADER = ("HTTP, wrk", "req/s", "p50 ms", "p99 ms")


def interpretation(result: InProcess, http: Http) -> str:
    cost = result.page.median_ms - result.baseline.median_ms
    text = (
        f"Finding, routing and rendering the assessment page costs about {cost:.1f} ms per "
        f"request and {result.queries} SQL queries on top of what the middleware stack and the "
        f"test client cost ({result.baseline.median_ms:.1f} ms for the same bytes)."
    )
    if http.gunicorn is not None:
        rps, conns = http.gunicorn.requests_per_sec, WRK_CONNECTIONS
        text += (
            f" Over HTTP, {GUNICORN_WORKERS} sync gunicorn workers serve about {rps:.0f} uncached "
            f"pages a second (their latency under {conns} connections is mostly queueing: "
            f"{conns} / {rps:.0f} req/s ≈ {1000 * conns / rps:.0f} ms)"
        )
        if http.nginx is not None:
            factor = http.nginx.requests_per_sec / http.gunicorn.requests_per_sec
            text += (
                f", while nginx serves the same HTML about {factor:,.0f} times as fast: the "
                "ceiling for a cache in front of the application (nginx, a CDN) or a static export"
            )
        text += "."
    text += (
        f" wrk, the servers and this script share the same {os.cpu_count()} CPUs, so treat "
        "the HTTP figures as lower bounds and compare them only with runs on the same machine."
    )
    return text


def busy_note(run: Run) -> str:
    if run.busy_percent is None:
        return ""
    note = f"Other processes used {run.busy_percent:.0f}% of the CPUs while this ran"
    if run.busy_percent > BUSY_WARNING:
        return note + ": the machine was not idle, so these numbers are pessimistic."
    return note + "."


def section_markdown(args: argparse.Namespace, run: Run, result: InProcess, http: Http) -> str:
    lines = [
        SECTION,
        "",
        "Written by `bench/render.py`; rerun `make bench` to refresh this section.",
        "",
        f"- Date: {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Command: `make bench` (`.venv/bin/python bench/render.py --requests {args.requests}`)",
        f"- Page: `{PAGE_PATH}` ({len(result.html):,} bytes of HTML)",
        f"- Machine: {machine()}",
        f"- Software: {software()}",
        "- Set-up: production settings (DEBUG off), SQLite in a temporary directory, the demo "
        "edition from `manage.py load_demo`, no cache of any kind. " + busy_note(run),
        "",
        "### In-process render",
        "",
        f"{result.page.count} timed requests each after {WARMUP} warm-up requests, wall time "
        "per request with `time.perf_counter`. The baseline is a view returning the page's "
        "pre-rendered bytes through the same client, URLconf and middleware.",
        "",
        markdown_table(RENDER_HEADER, render_rows(result)),
        "",
        f"SQL queries per assessment page: **{result.queries}** "
        f"(baseline: {result.baseline_queries}).",
        "",
    ]
    if http.gunicorn is not None:
        lines += [
            "### HTTP throughput",
            "",
            f"`wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{args.wrk_duration}s --timeout 10s "
            "--latency` against the same page:",
            "",
            markdown_table(HTTP_HEADER, http_rows(http)),
            "",
        ]
        for name, wrk in (("gunicorn", http.gunicorn), ("nginx", http.nginx)):
            if wrk is not None and wrk.errors:
                lines += [f"wrk reported errors against {name}: {wrk.errors}.", ""]
    if http.note:
        lines += [http.note, ""]
    lines += ["### What the numbers mean", "", interpretation(result, http), ""]
    return "\n".join(lines)


def report_section(args, markdown: str, heading: str) -> None:
    """Print a benchmark's section and, unless `--no-write`, put it in `args.output`."""
    print("\n" + markdown)
    if not args.no_write:
        write_section(args.output, markdown, heading)
        print(f"\nWrote {args.output}")


def write_section(doc: Path, section: str, heading: str = SECTION) -> None:
    """Replace this benchmark's section (up to the next `## `), or append it."""
    text = doc.read_text() if doc.exists() else DOC_HEADER
    lines = text.splitlines()
    if heading in lines:
        start = lines.index(heading)
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        rest = lines[end:]
        new = [*lines[:start], *section.rstrip("\n").splitlines(), *([""] if rest else []), *rest]
    else:
        new = [*lines, *([""] if lines and lines[-1] else []), *section.rstrip("\n").splitlines()]
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text("\n".join(new).rstrip("\n") + "\n")


def print_report(run: Run, result: InProcess, http: Http, show_sql: bool) -> None:
    print(f"\nSet-up (migrate, load_demo, collectstatic): {run.setup_seconds:.1f} s")
    if note := busy_note(run):
        print(note)
    print(f"Page: {PAGE_PATH} ({len(result.html):,} bytes)\n")
    print(text_table(RENDER_HEADER, render_rows(result)))
    print(f"\nSQL queries: page {result.queries}, baseline {result.baseline_queries}")
    if show_sql:
        for number, sql in enumerate(result.query_sql, start=1):
            print(f"  {number:2}. {sql}")
    if http.gunicorn is not None:
        print()
        print(text_table(HTTP_HEADER, http_rows(http)))
        for name, wrk in (("gunicorn", http.gunicorn), ("nginx", http.nginx)):
            if wrk is not None and wrk.errors:
                print(f"  wrk errors against {name}: {wrk.errors}")
    if http.note:
        print(f"\nNote: {http.note}")


# --- Main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="timed requests (300)")
    parser.add_argument("--wrk-duration", type=int, default=5, help="seconds per wrk run (5)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--show-queries", action="store_true", help="print the page's SQL")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.wrk_duration < 1:
        parser.error("--requests and --wrk-duration must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A SIGTERM should still run the finally blocks that stop servers and remove the temp dir.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.path.insert(0, str(ROOT))  # makes bench.urls_with_baseline importable
    with tempfile.TemporaryDirectory(prefix="threatpress-bench-") as name:
        tmp = Path(name)
        env = bench_env(tmp)
        os.environ.clear()
        os.environ.update(env)
        print("Preparing the demo site in", tmp, flush=True)
        setup_seconds = prepare_site(env)
        meter = LoadMeter.start()
        print(f"Timing {args.requests} in-process requests of page and baseline...", flush=True)
        result = measure_in_process(args.requests)
        print("Measuring HTTP throughput with wrk...", flush=True)
        http = measure_http(tmp, env, result.html, args.wrk_duration)
        run = Run(setup_seconds, meter.others_percent())
    print_report(run, result, http, args.show_queries)
    write_section(args.output, section_markdown(args, run, result, http))
    print(f"\nWrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
