"""Whether the export worker must plan again, or whether its last plan, which found nothing to
build, still holds.

A plan (builder.due_jobs) fingerprints every export of every edition: about 65 ms of CPU on the
demo and 0.85 s at an archive of 22 editions in two languages (bench/export_planning.py), and
each of the worker's two lanes planned every two seconds, for ever, with nothing to do. A lane
now reads a signature of what plans depend on first, in four cheap queries, and plans only when
it differs from the one read before its last plan:

- the purge generation (caching.store): every publish, unpublish, expiry, move, deletion,
  translation marked translated, view restriction, site or identity change purges, and a
  plan's pages, revisions, paths and organisation change only by those; so does a file built;
- the scheduled revisions: scheduling or cancelling a release purges nothing;
- the export rows: a rebuild asked for in the admin, and how many failed builds still wait for
  their retry time (a retry time passing changes that count);
- the built files: one collected or deleted must be made again if it is current, and so must
  one marked outdated (an image it shows or a document it links changed).

The signature is read before planning, so a change made during a plan is seen at the next pass.
A lane also plans after every pass that found work, and at least every FULL_PLAN_EVERY seconds
whatever the signature says: a change this machine's purges cannot show (a second machine
without Redis, a raw UPDATE) then waits that long at most.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from wagtail.models import Revision

from threatpress.caching import store

from .models import Export, ExportFile

FULL_PLAN_EVERY = 60.0  # seconds


def signature() -> Hashable | None:
    """A summary that changes whenever a plan's outcome may; None if it cannot be read (the
    shared cache down): plan then."""
    try:
        generation = store.generation()
    except Exception:  # Redis unreachable: planning reads only the database
        return None
    now = timezone.now()
    scheduled = Revision.objects.filter(approved_go_live_at__isnull=False).aggregate(
        count=Count("id"), ids=Sum("id"), latest=Max("approved_go_live_at")
    )
    exports = Export.objects.aggregate(
        count=Count("id"),
        requests=Count("rebuild_requested_at"),
        last_request=Max("rebuild_requested_at"),
        waiting=Count("id", filter=Q(retry_after__gt=now)),
    )
    files = ExportFile.objects.aggregate(
        count=Count("id"), last=Max("id"), outdated=Count("id", filter=Q(outdated=True))
    )
    return (
        generation,
        tuple(scheduled.values()),
        tuple(exports.values()),
        tuple(files.values()),
    )


class PlanWatch:
    """One lane's memory of its last plan (builder._lane)."""

    def __init__(
        self,
        read: Callable[[], Hashable | None] = signature,
        every: float = FULL_PLAN_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.read, self.every, self.clock = read, every, clock
        self.seen: Hashable | None = None
        self.read_now: Hashable | None = None
        self.planned_at = 0.0
        self.idle = False  # a plan was made and found nothing to build

    def must_plan(self) -> bool:
        self.read_now = self.read()
        if not self.idle or self.read_now is None:
            return True
        return self.read_now != self.seen or self.clock() - self.planned_at >= self.every

    def planned(self, found_work: bool) -> None:
        """Record a plan made after must_plan(): its signature is the one read there."""
        self.seen, self.planned_at, self.idle = self.read_now, self.clock(), not found_work
