"""Varnish (deploy/varnish/threatpress.vcl) in front of a real gunicorn, both on 127.0.0.1.

Used by test_varnish.py. Varnish runs with the shipped VCL; only the app-server list
(backends.vcl, which an operator writes) is the test's own: one server, on a free port, with a
probe that notices a stopped server within about a second.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VCL = ROOT / "deploy" / "varnish" / "threatpress.vcl"
HOST = "testserver"  # the test site's hostname (threatpress/conftest.py), as readers send it
TEST_BACKENDS = """
backend app1 {{
    .host = "127.0.0.1";
    .port = "{port}";
    .probe = {{
        .url = "/healthz";
        .interval = 0.3s;
        .timeout = 2s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }}
}}

sub vcl_init {{
    app.add_backend(app1);
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str
    data: bytes = b""  # the body as sent (gzip stays gzip)

    @property
    def cache(self) -> str:
        return self.headers.get("x-cache", "")


def request(
    port: int, path: str, method: str = "GET", headers: dict | None = None, body: bytes = b""
) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            method, path, body=body or None, headers={"Host": HOST, **(headers or {})}
        )
        response = connection.getresponse()
        data = response.read()
        names = {name.lower(): value for name, value in response.getheaders()}
        return Reply(response.status, names, data.decode(errors="replace"), data)
    finally:
        connection.close()


@dataclass
class AppServer:
    """gunicorn with the test settings on the test database; can be stopped and started."""

    port: int
    env: dict
    log: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> None:
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
        self.process = subprocess.Popen(
            [gunicorn, "threatpress.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--threads", "4", "--no-control-socket"],
            cwd=ROOT, env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL, stderr=self.log.open("a"),
        )  # fmt: skip
        wait_for_port(self.port)
        # The worker loads Django on its first request: make that one before Varnish's probe.
        deadline = time.monotonic() + 20
        while request(self.port, "/healthz").status != 200:
            assert time.monotonic() < deadline, "gunicorn never answered /healthz"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@dataclass
class Varnish:
    port: int
    folder: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, app_port: int) -> None:
        (self.folder / "backends.vcl").write_text(TEST_BACKENDS.format(port=app_port))
        self.process = subprocess.Popen(
            ["varnishd", "-F", "-j", "none", "-n", str(self.folder / "work"),
             "-a", f"127.0.0.1:{self.port}", "-T", f"127.0.0.1:{free_port()}",
             "-f", str(VCL), "-p", f"vcl_path={self.folder}", "-s", "malloc,32m",
             # the shipped probe is left unused by this faster one
             "-p", "vcc_err_unref=off"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            wait_for_port(self.port)
        except RuntimeError:
            self.process.kill()
            raise RuntimeError(self.process.communicate()[1].decode()) from None

    def admin(self, *command: str) -> str:
        return subprocess.run(
            ["varnishadm", "-n", str(self.folder / "work"), *command],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip

    def forget_everything(self) -> None:
        self.admin("ban", "req.url", "~", ".")

    def wait_until(self, health: str, seconds: float = 5) -> None:
        """Until Varnish's probe calls the app server `health` ("healthy" or "sick")."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if health in self.admin("backend.list").lower():
                return
            time.sleep(0.1)
        raise AssertionError(f"Varnish never found the app server {health}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
