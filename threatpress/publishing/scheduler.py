"""Scheduled publishing without cron: a loop that `make run` starts beside the web server.

Each tick runs Wagtail's own `publish_scheduled` (due go-lives and expiries) inside one
transaction, so pages that share a go-live time become public together, never half at a time. A
tick that fails (the database restarting, say) is logged and the next one tries again; the first
tick at start catches up on anything that fell due while nothing was running.

A release of a whole edition is staged: publishing a page costs tens of milliseconds, so a large
bilingual edition would take seconds to publish after its instant. A few seconds before it, the
loop opens the transaction, publishes everything due at that instant (recording the instant as
the publication time), waits for the instant and commits. Readers see the old state until the
commit and the whole edition right after it: nothing early, nothing half, and no delay that grows
with the size of the edition.
"""

from __future__ import annotations

import datetime
import io
import logging
import threading
import time
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision

from threatpress.publishing.core_wait import CoreWait

logger = logging.getLogger(__name__)
DEFAULT_INTERVAL = 1.0  # seconds; the target is "live within 5 s of the scheduled time"
# On SQLite staging starts this long before an instant: a margin plus the cost of publishing each
# revision, first estimated (about 40 ms a page measured on an idle machine), then the slowest
# cost this process has measured in a staged release, with room to spare. Capped well below
# SQLite's 20 s busy timeout, because every editor's save waits while the staging transaction
# holds the write lock.
STAGE_MARGIN = 1.0
STAGE_PER_REVISION = 0.08
STAGE_SAFETY = 1.5  # times the measured cost
STAGE_MAX = 10.0
# Elsewhere (PostgreSQL) the staging transaction locks only the rows it changes, so nobody else
# waits for it: staging starts this long ahead whatever the estimate, because on a busy machine a
# page can cost several times the estimate (190 ms a page measured under load, issue 8).
STAGE_AHEAD_ROW_LOCKING = 30.0
_measured_per_revision = 0.0  # the slowest seconds per revision of a staged release so far


def per_revision_cost() -> float:
    """Seconds to allow for publishing one revision while staging."""
    return max(STAGE_PER_REVISION, STAGE_SAFETY * _measured_per_revision)


def staging_horizon() -> float:
    """How far ahead of an instant staging may start on this database."""
    return STAGE_MAX if connection.vendor == "sqlite" else STAGE_AHEAD_ROW_LOCKING


def tick() -> int:
    """Publish what is due and unpublish what has expired, atomically; return how many
    scheduled revisions went live."""
    with transaction.atomic():
        due = Revision.objects.filter(approved_go_live_at__lt=timezone.now()).count()
        call_command("publish_scheduled", stdout=io.StringIO())
    return due


@dataclass(frozen=True)
class Upcoming:
    instant: datetime.datetime
    revisions: int

    @property
    def lead(self) -> float:
        """Seconds before the instant at which staging should start."""
        horizon = staging_horizon()
        if horizon > STAGE_MAX:  # nobody waits for the staging transaction: start early
            return horizon
        return min(horizon, STAGE_MARGIN + per_revision_cost() * self.revisions)


def next_instant(now: datetime.datetime | None = None) -> Upcoming | None:
    """The next go-live time within the staging horizon, and how much falls due by then."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(seconds=staging_horizon())
    instant = (
        Revision.objects.filter(approved_go_live_at__gt=now, approved_go_live_at__lte=horizon)
        .order_by("approved_go_live_at")
        .values_list("approved_go_live_at", flat=True)
        .first()
    )
    if instant is None:
        return None
    due = Revision.objects.filter(approved_go_live_at__lte=instant).count()
    return Upcoming(instant=instant, revisions=due)


def _publish_as_of(instant: datetime.datetime) -> list[int]:
    """Publish every revision due by `instant` as though it were `instant`; return their ids.

    Wagtail publishes a revision only once its go-live time has passed, so the copy of the
    revision being published has its go-live time cleared; the page's own go-live time and its
    publication times are then set to the instant, as a publish at that moment would have set them.
    """
    revisions = list(
        Revision.objects.filter(approved_go_live_at__lte=instant).order_by(
            "approved_go_live_at", "pk"
        )
    )
    page_type = ContentType.objects.get_for_model(Page).pk
    published = []
    for revision in revisions:
        is_page = revision.base_content_type_id == page_type  # snippets can be scheduled too
        page = Page.objects.filter(pk=revision.object_id) if is_page else Page.objects.none()
        first_time = is_page and not page.filter(first_published_at__isnull=False).exists()
        revision.content["go_live_at"] = None
        revision.publish(log_action="wagtail.publish.scheduled")
        times = {"go_live_at": instant, "last_published_at": instant}
        page.update(**times, **({"first_published_at": instant} if first_time else {}))
        published.append(revision.pk)
    PageLogEntry.objects.filter(
        revision_id__in=published, action="wagtail.publish.scheduled"
    ).update(timestamp=instant)
    return published


def _commit_without_waiting_for_the_disk() -> None:
    """Let this transaction's commit return (and show) before its record reaches the disk.

    A commit normally waits until PostgreSQL has written its log to the disk (fsync). Under
    release-day load on a shared machine a release's commit once took 3.4 s
    (bench/release_load.py, docs/benchmarks.md). With `synchronous_commit` off for this one
    transaction, as SQLite's `synchronous=NORMAL` is for every one, the commit is seen at once
    and reaches the disk when PostgreSQL's WAL writer next flushes: normally within about 0.6 s,
    longer while the disk stalls. Should the database crash in between, the release is lost as
    a whole, never in part (readers may have seen it meanwhile), and its revisions are still
    due: the first tick after the database is back publishes them again.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


def staged_release(upcoming: Upcoming, stop: threading.Event | None = None) -> int:
    """Publish what is due at `upcoming.instant` in a transaction committed at that instant."""
    global _measured_per_revision
    stop = stop or threading.Event()
    committed_at: list[datetime.datetime] = []
    # Durable: never a savepoint inside someone's transaction, whose commit would then be the
    # release's (and would skip the disk too, SET LOCAL lasting to its end).
    with transaction.atomic(durable=True):
        if connection.vendor == "postgresql":
            _commit_without_waiting_for_the_disk()
        core_wait = CoreWait()

        def committed() -> None:
            committed_at.append(timezone.now())
            core_wait.stop()

        # Registered first, so it runs first after the commit, before the caches are purged;
        # robust, so that nothing in it could ever keep the purges from running.
        transaction.on_commit(committed, robust=True)
        started = time.monotonic()
        published = _publish_as_of(upcoming.instant)
        took = time.monotonic() - started
        if published:
            _measured_per_revision = max(_measured_per_revision, took / len(published))
        core_wait.find_database()
        remaining = (upcoming.instant - timezone.now()).total_seconds()
        if remaining > 0 and stop.wait(remaining):
            raise InterruptedError("stopped before the release instant; nothing was published")
        core_wait.start()
        committing = timezone.now()
        # Leaving the block commits: this is the moment the release becomes public, and then
        # the on-commit callbacks purge the caches.
    # In a test's transaction (capturing on-commit callbacks) nothing is committed yet.
    commit_seen = committed_at[0] if committed_at else timezone.now()
    purged = (timezone.now() - commit_seen).total_seconds()
    late = (commit_seen - upcoming.instant).total_seconds()
    logger.warning(
        "Staged release: %d revision(s) published in %.2f s, committed %.2f s %s the instant "
        "(the commit took %.2f s%s), caches purged %.2f s after the commit.",
        len(published), took, abs(late), "after" if late > 0 else "before",
        (commit_seen - committing).total_seconds(), core_wait.describe(), purged,
    )  # fmt: skip
    return len(published)


def run(interval: float = DEFAULT_INTERVAL, stop: threading.Event | None = None) -> None:
    """Tick every `interval` seconds until `stop` is set (or forever)."""
    stop = stop or threading.Event()
    try:
        while not stop.is_set():
            started = time.monotonic()
            wait = interval
            try:
                close_old_connections()
                published = tick()
                upcoming = next_instant()
                if upcoming is not None:
                    until_stage = (
                        upcoming.instant - timezone.now()
                    ).total_seconds() - upcoming.lead
                    if until_stage <= 0:
                        published += staged_release(upcoming, stop)
                        wait = 0.0
                    else:
                        wait = min(interval, until_stage)
                if published:
                    logger.warning("Scheduled publishing: %d revision(s) went live.", published)
            except InterruptedError:
                logger.warning("Scheduler stopped while staging a release; it was rolled back.")
            except Exception:  # the loop must outlive a database hiccup
                logger.exception("Scheduled publishing tick failed; retrying")
            stop.wait(max(0.0, wait - (time.monotonic() - started)))
    finally:
        connection.close()  # this thread's connection, so the database can be dropped or moved
