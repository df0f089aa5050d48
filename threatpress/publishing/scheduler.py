"""Scheduled publishing without cron: a loop that `make run` starts beside the web server.

Each tick runs Wagtail's own `publish_scheduled` (due go-lives and expiries) inside one
transaction, so pages that share a go-live time become public together, never half at a time. A
tick that fails (the database restarting, say) is logged and the next one tries again; the first
tick at start catches up on anything that fell due while nothing was running.
"""

from __future__ import annotations

import io
import logging
import threading
import time

from django.core.management import call_command
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from wagtail.models import Revision

logger = logging.getLogger(__name__)
DEFAULT_INTERVAL = 1.0  # seconds; the target is "live within 5 s of the scheduled time"


def tick() -> int:
    """Publish what is due and unpublish what has expired, atomically; return how many
    scheduled revisions went live."""
    with transaction.atomic():
        due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).count()
        call_command("publish_scheduled", stdout=io.StringIO())
    return due


def run(interval: float = DEFAULT_INTERVAL, stop: threading.Event | None = None) -> None:
    """Tick every `interval` seconds until `stop` is set (or forever)."""
    stop = stop or threading.Event()
    try:
        while not stop.is_set():
            started = time.monotonic()
            try:
                close_old_connections()
                published = tick()
                if published:
                    logger.warning("Scheduled publishing: %d revision(s) went live.", published)
            except Exception:  # the loop must outlive a database hiccup
                logger.exception("Scheduled publishing tick failed; retrying")
            stop.wait(max(0.0, interval - (time.monotonic() - started)))
    finally:
        connection.close()  # this thread's connection, so the database can be dropped or moved
