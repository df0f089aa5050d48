"""Run a publishing action in another process, hold it after its first page, and SIGKILL it.

"Part way" is made exact by a hook installed only in that process: when the first page has
been published (Wagtail's `page_published` signal, sent after the page row is saved),
unpublished, or the first revision scheduled, the process says so and sleeps until the test
kills it. The process uses the test's own database (SQLite file or PostgreSQL), so the test
then sees what a reader would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
MARKER = "threatpress-test: held part way"

CHILD = """
import os, sys, time
import django
django.setup()
from django.db.models.signals import post_save
from wagtail.models import Revision
from wagtail.signals import page_published, page_unpublished

def hold(**kwargs):
    print(MARKER, flush=True)
    time.sleep(600)

def hold_scheduled(sender, instance, **kwargs):
    if instance.approved_go_live_at is not None:
        hold()

MARKER = "threatpress-test: held part way"
hook = os.environ.get("THREATPRESS_TEST_HOLD")
if hook == "published":
    page_published.connect(hold, weak=False)
elif hook == "unpublished":
    page_unpublished.connect(hold, weak=False)
elif hook == "scheduled":
    post_save.connect(hold_scheduled, sender=Revision, weak=False)
exec(os.environ["THREATPRESS_TEST_ACTION"])
"""


def database_url() -> str:
    """The test database, as DATABASE_URL names it for another process."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _env(action: str, hold: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THREATPRESS_TEST_")}
    env.update(
        DJANGO_SETTINGS_MODULE="threatpress.settings.test",
        DATABASE_URL=database_url(),
        DATABASE_CONN_MAX_AGE="0",
        THREATPRESS_TEST_ACTION=action,
    )
    if hold:
        env["THREATPRESS_TEST_HOLD"] = hold
    return env


def kill_part_way(action: str, hold: str, timeout: float = 60) -> None:
    """Run `action` (Python, after django.setup()) until the hook holds it, then SIGKILL it."""
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=_env(action, hold),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    try:
        # The action may print first (the scheduler announces itself); wait for the marker.
        held = any(line.strip() == MARKER for line in process.stdout)
    finally:
        watchdog.cancel()
    if not held:
        process.kill()
        _out, err = process.communicate()
        raise AssertionError(f"the action ended before the hook held it:\n{err[-3000:]}")
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL
    process.stdout.close()
    process.stderr.close()


def run(action: str, timeout: float = 60) -> str:
    """Run `action` to its end in another process (the next scheduler run, say)."""
    result = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=_env(action, None),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout
