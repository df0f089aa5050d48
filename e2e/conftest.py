"""Browser tests: a real gunicorn server with production settings and the demo content, driven by
Debian's chromium through Playwright. Everything talks to 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("THREATPRESS_ARTIFACTS", ROOT / "artifacts"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ADMIN = ("e2e-admin", secrets.token_urlsafe(16))
ADMIN_2FA = ("e2e-2fa-admin", secrets.token_urlsafe(16))
# The demo's Publisher (its password is random and printed once by `make run`; set ours here).
PUBLISHER = ("publisher", secrets.token_urlsafe(16))
SET_PUBLISHER_PASSWORD = (
    "import os; from django.contrib.auth import get_user_model; "
    "u = get_user_model().objects.get(username='publisher'); "
    "u.set_password(os.environ['E2E_PUBLISHER_PASSWORD']); u.save()"
)
CRISIS_PATH = "/en/reports/2026/crisis-regions/russia-loses-its-main-lever-in-the-south-caucasus/"
CONSENT_COOKIE = "tp_consent"
# The operator's statistics script, played by a stand-in on another loopback port (below).
STATS_COOKIE = "tp_stats_demo"


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)
    # Release day publishes the demo's 2027 edition on the shared server, which changes what the
    # home page shows; it runs after every test that reads the demo as shipped.
    items.sort(key=lambda item: Path(str(item.fspath)).name == "test_release_day.py")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited before it was ready")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


class _StatsStandIn(BaseHTTPRequestHandler):
    """Plays a self-hosted statistics server: `/stats.js` sets a first-party cookie and reports
    a hit to `/hit` (so the network log shows both); `/forge` is another site's page with a
    form that posts to ours."""

    def do_GET(self):
        url = urlsplit(self.path)
        origin = f"http://{self.headers['Host']}"
        if url.path == "/stats.js":
            body = (
                f'document.cookie = "{STATS_COOKIE}=1; path=/; max-age=3600; samesite=lax";\n'
                f'new Image().src = "{origin}/hit?path=" + encodeURIComponent(location.pathname);\n'
            )
            self._send(body, "text/javascript")
        elif url.path == "/hit":
            self._send("", "image/gif")
        elif url.path == "/forge":
            target = parse_qs(url.query)["target"][0]
            self._send(
                f'<!DOCTYPE html><title>Another site</title><form method="post" action="{target}">'
                '<input type="hidden" name="choice" value="accept_all">'
                "<button>Win a prize</button></form>",
                "text/html",
            )
        else:
            self._send("", "text/plain", status=404)

    def _send(self, body: str, content_type: str, status: int = 200) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def stats_server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _StatsStandIn)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def site(tmp_path_factory, stats_server: str) -> dict[str, str]:
    """A fresh database with the demo content and collected static files; the server's env.
    The stand-in statistics script is registered (it loads only after Statistic consent)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (Debian package chromium).")
    workdir = tmp_path_factory.mktemp("site")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "THREATPRESS_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="threatpress.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        THREATPRESS_HTTPS="false",
        THREATPRESS_VAR_DIR=str(workdir / "var"),
        THREATPRESS_STATIC_ROOT=str(workdir / "static"),
        DJANGO_SUPERUSER_USERNAME=ADMIN[0],
        DJANGO_SUPERUSER_PASSWORD=ADMIN[1],
        THREATPRESS_STATISTICS_SCRIPT_URL=f"{stats_server}/stats.js",
        THREATPRESS_STATISTICS_COOKIES=f"{STATS_COOKIE}:1h",
        # The export worker reads the demo aloud while the tests run: espeak-ng takes seconds
        # where Piper takes minutes on these two cores (Piper has its own test).
        THREATPRESS_AUDIO_ENGLISH_VOICE="espeak",
    )
    # collectstatic (compressing every file) touches no database: it runs beside setup_site.
    static = subprocess.Popen(
        manage_command("collectstatic", "--noinput", "-v0"),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        manage(env, "setup_site", "-v0")
        output, _ = static.communicate(timeout=300)
    finally:
        static.kill()
    assert static.returncode == 0, output
    manage(
        {**env, "E2E_PUBLISHER_PASSWORD": PUBLISHER[1]},
        "shell",
        "-v0",
        "-c",
        SET_PUBLISHER_PASSWORD,
    )
    return env


def manage_command(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        manage_command(*args),
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    )
    return result.stdout


@contextmanager
def gunicorn(env: dict[str, str], scheduler: bool = False) -> Iterator[str]:
    """The site served on a free loopback port. With `scheduler`, exactly what `make run`
    starts (`scripts/serve`: gunicorn and, beside it, the scheduled-publishing loop)."""
    port = _free_port()
    env = {**env, "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{port}"}
    log = (Path(env["THREATPRESS_VAR_DIR"]) / f"serve-{port}.log").open("w")
    if scheduler:
        env.update(VENV=str(Path(sys.executable).parent.parent), WEB_CONCURRENCY="2")
        command = [str(ROOT / "scripts" / "serve"), f"127.0.0.1:{port}"]
    else:
        executable = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
        command = [
            executable,
            "threatpress.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",
        ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base_url}/healthz", process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def server(site: dict[str, str]) -> Iterator[str]:
    with gunicorn(site, scheduler=True) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def server_2fa(site: dict[str, str]) -> Iterator[tuple[str, str]]:
    """The same site and database with THREATPRESS_2FA=true, and what ensure_admin said there.

    Its administrator is a second superuser, so that the other tests' one keeps signing in with
    a password only.
    """
    env = {
        **site,
        "THREATPRESS_2FA": "true",
        "DJANGO_SUPERUSER_USERNAME": ADMIN_2FA[0],
        "DJANGO_SUPERUSER_PASSWORD": ADMIN_2FA[1],
    }
    said = manage(env, "ensure_admin")
    with gunicorn(env) as base_url:
        yield base_url, said


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def policy_version(server: str) -> str:
    """The consent policy version the server asks about (it hashes the server's registry)."""
    with urllib.request.urlopen(f"{server}/en/", timeout=10) as response:
        html = response.read().decode()
    return re.search(r'data-consent-version="([0-9a-f]+)"', html).group(1)


def add_decided_consent(context: BrowserContext, server: str, version: str) -> None:
    """A visitor who refused everything optional earlier: the dialog stays closed."""
    value = f"{version}.{secrets.token_hex(16)}.-"
    context.add_cookies([{"name": CONSENT_COOKIE, "value": value, "url": server}])


@pytest.fixture
def page(browser: Browser, server: str, policy_version: str) -> Iterator[Page]:
    """A reader who has already answered the consent dialog (tests of the dialog itself start
    from `first_visit`)."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    add_decided_consent(context, server, policy_version)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def first_visit(browser: Browser, server: str) -> Iterator[Page]:
    """A reader's first visit: no cookie, so the consent dialog is open."""
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


# Reports every violation, in the page and in its frames (the preview panel is an iframe).
VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + JSON.stringify({
    directive: event.violatedDirective, blocked: event.blockedURI, sample: event.sample,
    source: event.sourceFile, line: event.lineNumber, page: event.documentURI,
  }));
});
"""


def watch_csp(page: Page) -> list[str]:
    """A list that fills with every Content Security Policy violation the page reports."""
    found: list[str] = []
    page.add_init_script(VIOLATION_LISTENER)

    def on_console(message) -> None:
        if "CSP violation" in message.text or "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", on_console)
    return found


@pytest.fixture
def consent_log(site: dict[str, str], server: str) -> Callable[..., list[tuple[str, dict]]]:
    """The server's consent log, for one consent id or whole: [(action, choices), ...]."""

    def read(consent_id: str | None = None) -> list[tuple[str, dict]]:
        query = "SELECT action, choices FROM consent_consentrecord"
        if consent_id is not None:
            query += " WHERE consent_id = ?"
        with closing(sqlite3.connect(Path(site["THREATPRESS_VAR_DIR"]) / "db.sqlite3")) as db:
            rows = db.execute(
                f"{query} ORDER BY id", () if consent_id is None else (consent_id,)
            ).fetchall()
        return [(action, json.loads(choices)) for action, choices in rows]

    return read


@pytest.fixture
def screenshot_dir() -> Path:
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
