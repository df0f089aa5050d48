"""A real PostgreSQL cluster and a real gunicorn on 127.0.0.1, for the outage tests.

PostgreSQL is started as `scripts/with-postgres` starts it (initdb and pg_ctl, as the postgres
user when run as root, as CI does), on a free port, and can be stopped and started again under
the running site. gunicorn runs with the flags `scripts/serve` gives it.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
SETTINGS = "threatpress.core.tests.live_settings"
# A small site: the home pages and one edition (threatpress/conftest.py's builders).
BUILD_SITE = (
    "from wagtail.models import Locale, Page\n"
    "from threatpress.conftest import build_edition, build_site, publish_all\n"
    "from threatpress.core.locales import ensure_locales\n"
    "ensure_locales()\n"
    "Page.add_root(instance=Page(title='Root', slug='root', locale=Locale.get_default()))\n"
    "tree = build_site()\n"
    "publish_all(build_edition(tree.reports, 2026, chapters=1, per_chapter=2))\n"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Postgres:
    folder: Path
    port: int
    durable: bool = False  # PostgreSQL's own defaults (fsync on), to time commits

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/threatpress"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([str(PGBIN / "pg_ctl"), "-D", str(self.folder / "data"), *args]),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = f"-k {self.folder} -h 127.0.0.1 -p {self.port}"
        if not self.durable:  # the tests need no crash safety
            options += " -F -c full_page_writes=off"
        self._pg_ctl("-w", "-l", str(self.folder / "log"), "-o", options, "start")

    def stop(self) -> None:
        """A fast shutdown, as `systemctl stop postgresql` does: connections are cut."""
        self._pg_ctl("-w", "-m", "fast", "stop")


@contextmanager
def postgres(durable: bool = False) -> Iterator[Postgres]:
    """A temporary cluster with an empty database `threatpress`; removed afterwards. `durable`:
    with PostgreSQL's default durability (bench/commit_wait.py), not the tests' fsync off."""
    if not (PGBIN / "initdb").exists():
        pytest.fail(
            f"{PGBIN}/initdb is missing: this test needs PostgreSQL 15's server binaries "
            "(scripts/ensure-system-packages postgresql-15, or set PGBIN)."
        )
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.fail("Run as root, this test needs runuser to start PostgreSQL as postgres.")
    folder = Path(tempfile.mkdtemp(prefix="threatpress-outage-pg."))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    cluster = Postgres(folder, free_port(), durable)
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(PGBIN / "initdb"),
                    "-D",
                    str(folder / "data"),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        cluster.start()
        subprocess.run(
            [
                str(PGBIN / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.port),
                "-U",
                "postgres",
                "threatpress",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


def site_env(var_dir: Path, database_url: str) -> dict[str, str]:
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "THREATPRESS_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        THREATPRESS_HTTPS="false",
        THREATPRESS_VAR_DIR=str(var_dir),
        THREATPRESS_READERSHIP="false",
        DATABASE_URL=database_url,
    )
    return env


def build(env: dict[str, str]) -> None:
    """Make the tables and add the small site."""
    for args in (["migrate", "--run-syncdb", "-v0"], ["shell", "-v0", "-c", BUILD_SITE]):
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )


ACCESS_LOG_FORMAT = 'served-by=%(p)s "%(r)s" %(s)s'
WORKERS = 2


def warm_every_worker(base: str, path: str, log: Path, seconds: float = 20) -> None:
    """Read `path` until each gunicorn worker has answered it with a 200, so that every
    worker's page cache holds it. Requests go four at a time: one after another, the kernel
    may hand every request to the same worker."""
    line = re.compile(rf'served-by=<(\d+)> "GET {re.escape(path)} HTTP/1\.1" 200')
    deadline = time.monotonic() + seconds
    with ThreadPoolExecutor(max_workers=4) as pool:
        while time.monotonic() < deadline:
            answers = list(pool.map(lambda _: get(base + path), range(8)))
            assert all(answer.status == 200 for answer in answers), [a.status for a in answers]
            if len(set(line.findall(log.read_text()))) >= WORKERS:
                return
    pytest.fail(f"not every worker answered {path} within {seconds} s")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


def get(url: str, **headers: str) -> Answer:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return Answer(response.status, dict(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read().decode())


@contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen]]:
    """The site as scripts/serve runs it (two workers, preloaded); yields its address."""
    port = free_port()
    log = (Path(env["THREATPRESS_VAR_DIR"]) / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "threatpress.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--preload",
            "--access-logfile",
            "-",
            # The worker's pid on each line: warm_every_worker reads which workers answered.
            "--access-logformat",
            ACCESS_LOG_FORMAT,
            "--error-logfile",
            "-",
            "--forwarded-allow-ips",
            "127.0.0.1",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited before it was ready")
            try:
                get(f"{base}/healthz")  # any answer: the server is up (the database may not be)
                break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn was not ready within 60 s")
            time.sleep(0.2)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
