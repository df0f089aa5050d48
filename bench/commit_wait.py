"""What a PostgreSQL commit costs when it waits for the disk, and when it does not.

The scheduler commits a staged release with `synchronous_commit` off (publishing/scheduler.py):
under release-day load a commit that waits for its log to reach the disk was seconds late. This
measures both kinds of commit, alternating, on a temporary PostgreSQL 15 whose data is on the same
disk as the system's temporary folder, first on an idle machine, then while other processes
compete for the machine the way the release-day load does: busy threads at nice 10 (Varnish and
wrk run at nice 10 in `scripts/cluster`) and a process writing gigabytes to the same disk.

Nothing is written to docs/: the figures in docs/benchmarks.md ("Release-day load: what the runs
found") were copied by hand. PostgreSQL is started as the outage tests start theirs
(threatpress/core/tests/live_site.py), but with fsync on. Talks only to 127.0.0.1.
Usage: .venv/bin/python bench/commit_wait.py [--seconds 30] [--busy 48] [--write-gb 4]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from threatpress.core.tests.live_site import postgres

PAUSE = 0.1  # seconds between commits: a trickle, as the scheduler's and editors' are


def commit_times(dsn: str, seconds: float) -> dict[str, list[float]]:
    """Seconds each commit took, by `synchronous_commit` setting, alternating for `seconds`."""
    times: dict[str, list[float]] = {"on": [], "off": []}
    with psycopg.connect(dsn) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS row_per_commit (id serial, body text)")
        connection.commit()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            for setting in times:
                connection.execute(f"SET LOCAL synchronous_commit TO {setting}")
                connection.execute("INSERT INTO row_per_commit (body) VALUES (repeat('x', 2000))")
                started = time.monotonic()
                connection.commit()
                times[setting].append(time.monotonic() - started)
                time.sleep(PAUSE)
    return times


def report(label: str, times: dict[str, list[float]]) -> None:
    print(label)
    for setting, values in times.items():
        values = sorted(values)
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(
            f"  synchronous_commit {setting:>3}: {len(values)} commits, median "
            f"{1000 * values[len(values) // 2]:.1f} ms, p99 {1000 * p99:.1f} ms, slowest "
            f"{1000 * values[-1]:.1f} ms"
        )


@contextmanager
def competition(folder: Path, busy: int, write_gb: int):
    """Busy threads at nice 10 and a writer keeping the disk busy, stopped at the end."""
    spin = [sys.executable, "-c", "while True: pass"]
    spinners = [subprocess.Popen(["nice", "-n", "10", *spin]) for _ in range(busy)]
    # Straight to the disk (O_DIRECT), over and over, so the disk stays busy for the whole phase
    # instead of the writes landing in memory and finishing early.
    dd = f"dd if=/dev/zero of={folder / 'filler'} bs=1M count={write_gb * 1024} oflag=direct"
    writer = subprocess.Popen(
        ["bash", "-c", f"while {dd} status=none; do :; done"], start_new_session=True
    )
    try:
        yield
    finally:
        os.killpg(writer.pid, signal.SIGKILL)  # the loop and the dd it is running
        for process in [*spinners, writer]:
            process.kill()
            process.wait()
        (folder / "filler").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30, help="of commits per phase (30)")
    parser.add_argument("--busy", type=int, default=48, help="busy threads at nice 10 (48)")
    parser.add_argument("--write-gb", type=int, default=4, help="the file written over (4)")
    args = parser.parse_args(argv)
    kind = subprocess.run(
        ["stat", "-f", "-c", "%T", tempfile.gettempdir()],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if kind == "tmpfs":
        sys.exit(f"{tempfile.gettempdir()} is in memory (tmpfs): set TMPDIR to a folder on a disk")
    with postgres(durable=True) as cluster:
        report("Idle machine:", commit_times(cluster.url, args.seconds))
        with competition(cluster.folder, args.busy, args.write_gb):
            label = (
                f"With {args.busy} busy threads at nice 10 and a file of {args.write_gb} GB "
                "written to the same disk again and again (O_DIRECT):"
            )
            report(label, commit_times(cluster.url, args.seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
