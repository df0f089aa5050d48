"""The export worker: finds every file that readers will need and has not been built, builds it.

It reconciles rather than consumes a queue: each pass compares the fingerprints of what is public
now, and of what scheduled releases will make public, with the files already built. Nothing can
be lost between a publish and the build it needs, a crashed build is retried on the next pass,
and an edition scheduled for release has its files built before the embargo lifts.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from wagtail.models import Page, Site

from threatpress.reports.models import EditionPage

from .document import build_document
from .engines import EngineUnavailable
from .formats import FORMATS, Format, formats_for
from .models import Export, ExportFile, export_storage
from .plan_watch import PlanWatch
from .snapshot import Plan, live_plans, release_plans, scheduled_page_paths

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL = 2.0  # seconds between passes
# A failed build is tried again after 1, 2, 4 ... minutes, at most every hour.
RETRY_BASE = datetime.timedelta(minutes=1)
RETRY_MAX = datetime.timedelta(hours=1)
UNAVAILABLE_RETRY = datetime.timedelta(minutes=10)
# Files no longer current are kept this long, for downloads already under way.
KEEP_SUPERSEDED = datetime.timedelta(hours=1)
# The edition's PDF, the most asked for, first; recordings shortest first, so the most of them
# can be heard soonest (the edition's recording reads every assessment again and takes longest;
# chapters have none today, placed between should they get one).
PDF_SCOPE_ORDER = {"edition": 0, "chapter": 1, "assessment": 2}
AUDIO_SCOPE_ORDER = {"assessment": 0, "chapter": 1, "edition": 2}
# A release this near has its files made before the missing files of public pages: at the press
# conference its PDF must be there at once, while a reader who asks for a public page's missing
# file is told it is being prepared. An hour holds Piper's longest recording of an edition.
URGENT_RELEASE = datetime.timedelta(hours=1)
# The worker's lanes: each builds one kind of file, so that a PDF never waits for a recording.
LANES = ("pdf", "audio")
COLLECTING_LANE = "pdf"  # its builds are short, so collections come often enough


@dataclass
class Job:
    plan: Plan
    fmt: Format
    fingerprint: str
    export: Export
    edition_year: int = 0  # newer editions' files first

    @property
    def prepared(self) -> bool:
        return self.plan.is_release

    def order(self, now: datetime.datetime) -> tuple:
        # PDFs (a second or less) before audio (a minute or more); a release within the hour
        # first, then what readers can ask for now, then later releases, the nearest release
        # first; the newest edition's files, which most readers come for, before the archive's;
        # then by scope (above).
        release = self.plan.release_at
        audio = self.fmt.kind == "audio"
        soon = release is not None and release - now <= URGENT_RELEASE
        urgency = 0 if soon else 2 if release is not None else 1
        return (
            audio,
            urgency,
            release.timestamp() if release else 0,
            -self.edition_year,
            (AUDIO_SCOPE_ORDER if audio else PDF_SCOPE_ORDER)[self.plan.scope],
            self.plan.root.path,
        )


def site_of(page: Page) -> Site | None:
    """The page's site (Wagtail's own lookup, which knows translated home pages), or the
    default site for a page no site routes to."""
    return page.get_site() or Site.objects.filter(is_default_site=True).first()


def organisation_of(site: Site | None = None, request=None, locale_id: int | None = None) -> str:
    """Who publishes, in the language of `locale_id`: the name printed on files and part of
    their fingerprint (core/identity.py). With a request, the one the page's header shows."""
    from threatpress.core.identity import site_identity

    return site_identity(site=site, request=request, locale_id=locale_id)["organisation"]


def _plans() -> Iterable[tuple[Plan, str, int]]:
    """Each plan with its organisation and its edition's year."""
    editions = EditionPage.objects.only(
        "id", "path", "depth", "url_path", "live", "locale_id", "year"
    )
    scheduled = scheduled_page_paths()
    organisations: dict[tuple[int | None, int], str] = {}
    for edition in editions:
        site = site_of(edition)
        key = (site.pk if site else None, edition.locale_id)
        if key not in organisations:
            organisations[key] = organisation_of(site, locale_id=edition.locale_id)
        organisation = organisations[key]
        yield from ((plan, organisation, edition.year) for plan in live_plans(edition))
        if any(path.startswith(edition.path) for path in scheduled):
            yield from ((plan, organisation, edition.year) for plan in release_plans(edition))


def _exports_for(keys: set[tuple[int, str]]) -> dict[tuple[int, str], Export]:
    pages = {page for page, _fmt in keys}
    existing = {(e.page_id, e.fmt): e for e in Export.objects.filter(page_id__in=pages)}
    missing = [Export(page_id=page, fmt=fmt) for page, fmt in keys - existing.keys()]
    if missing:
        Export.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {(e.page_id, e.fmt): e for e in Export.objects.filter(page_id__in=pages)}
    return existing


def due_jobs(
    *,
    force: bool = False,
    now: datetime.datetime | None = None,
    kind: str | None = None,
) -> list[Job]:
    """Every (page, format) whose current or prepared fingerprint has no file yet, in the order
    they should be built (Job.order); with `kind`, only that kind of file ("pdf" or "audio").

    With `force`, files that exist are made again too (the live ones; `build_exports --force`).
    A format that failed for the same fingerprint waits for its retry time.
    """
    now = now or timezone.now()
    candidates: list[tuple[Plan, Format, str, int]] = []
    for plan, organisation, year in _plans():
        for fmt in formats_for(plan.scope):
            if kind is not None and fmt.kind != kind:
                continue
            candidates.append((plan, fmt, plan.fingerprint(fmt.key, organisation), year))
    if not candidates:
        return []
    exports = _exports_for({(plan.root.pk, fmt.key) for plan, fmt, *_ in candidates})
    # An outdated file (exports/signals.py) is due again, as if it had never been built.
    built = set(
        ExportFile.objects.filter(
            fingerprint__in=[c[2] for c in candidates], outdated=False
        ).values_list("export_id", "fingerprint")
    )
    jobs = []
    for plan, fmt, fingerprint, year in candidates:
        export = exports[(plan.root.pk, fmt.key)]
        requested = export.rebuild_requested_at is not None and not plan.is_release
        if (
            (export.pk, fingerprint) in built
            and not requested
            and not (force and not plan.is_release)
        ):
            continue
        waiting = (
            export.failed_fingerprint == fingerprint
            and export.retry_after is not None
            and export.retry_after > now
        )
        if waiting and not force and not requested:
            continue
        jobs.append(Job(plan, fmt, fingerprint, export, year))
    return sorted(jobs, key=lambda job: job.order(now))


# Files are stored under their content's hash, so a new build may reuse a stored file that an
# old row, about to be collected, also names. The lanes of one worker (run) take this lock to
# store a file and record it, and to delete a row and then its file if no row names it.
_storage_lock = threading.Lock()


def _store(data: bytes, extension: str) -> tuple[str, str]:
    """Save bytes under their SHA-256 (once); return (hash, storage name)."""
    digest = hashlib.sha256(data).hexdigest()
    name = f"{digest[:2]}/{digest}.{extension}"
    storage = export_storage()
    if not storage.exists(name):
        saved = storage.save(name, ContentFile(data))
        if saved != name:  # a racing worker saved it first; keep one copy
            storage.delete(saved)
    return digest, name


def _update_export(export: Export, **fields) -> None:
    Export.objects.filter(pk=export.pk).update(updated_at=timezone.now(), **fields)
    for name, value in fields.items():
        setattr(export, name, value)


def build(job: Job) -> ExportFile | None:
    """Build one job's file; record a failure on its Export instead of raising."""
    export, plan = job.export, job.plan
    started = time.perf_counter()
    try:
        reason = job.fmt.unavailable_reason(_language_of(plan))
        if reason:
            raise EngineUnavailable(reason)
        site = site_of(plan.edition_row)
        doc = build_document(
            plan.scope,
            plan.load(),
            organisation=organisation_of(site, locale_id=plan.edition_row.locale_id),
            root_url=site.root_url if site else "",
            public_then=plan.public_then,
        )
        rendered = job.fmt.render(doc)
    except EngineUnavailable as error:
        # Asked again in a while: an operator may install what is missing.
        _update_export(
            export,
            state=Export.UNAVAILABLE,
            message=str(error),
            failed_fingerprint=job.fingerprint,
            retry_after=timezone.now() + UNAVAILABLE_RETRY,
        )
        logger.warning("%s unavailable: %s", export, error)
        return None
    except Exception as error:  # any engine error: record it, retry later, keep the worker up
        attempts = export.attempts + 1 if export.failed_fingerprint == job.fingerprint else 1
        wait = min(RETRY_BASE * 2 ** (attempts - 1), RETRY_MAX)
        _update_export(
            export,
            state=Export.FAILED,
            message=f"{type(error).__name__}: {error}"[:2000],
            failed_fingerprint=job.fingerprint,
            attempts=attempts,
            retry_after=timezone.now() + wait,
        )
        logger.exception("building %s failed", export)
        return None
    with _storage_lock, transaction.atomic():
        digest, name = _store(rendered.data, rendered.extension)
        # Made again for the same fingerprint, the row names the new bytes; the old ones are
        # collected later (collect_garbage, _unnamed), as downloads may still be reading them.
        file, _created = ExportFile.objects.update_or_create(
            export=export,
            fingerprint=job.fingerprint,
            defaults={
                "content_hash": digest,
                "file": name,
                "size": len(rendered.data),
                "pages": rendered.pages,
                "duration": rendered.duration,
                "engine": rendered.engine[:100],
                "build_seconds": time.perf_counter() - started,
                "prepared": job.prepared,
                "outdated": False,
                # Made again (asked for, or outdated): its Last-Modified is now, not the first
                # build's, or a cache revalidating by date would keep the old file.
                "built_at": timezone.now(),
            },
        )
        if job.fmt.kind == "pdf":  # a recording says the words either way
            file.unlinked_pages.set(doc.unlinked_pages)
        fields = {
            "state": Export.READY,  # the last build worked (the admin reads which file from files)
            "message": "",
            "failed_fingerprint": "",
            "attempts": 0,
            "retry_after": None,
        }
        if not job.prepared:
            fields["rebuild_requested_at"] = None
        _update_export(export, **fields)
    return file


def _language_of(plan: Plan) -> str:
    return Page.objects.filter(pk=plan.root.pk).values_list("locale__language_code", flat=True)[0]


def build_due(
    *,
    force: bool = False,
    stop: threading.Event | None = None,
    progress: Callable[[Job, ExportFile | None], None] | None = None,
    jobs: list[Job] | None = None,
) -> int:
    """Build every due job (or the given ones); return how many files were built."""
    built = 0
    for job in jobs if jobs is not None else due_jobs(force=force):
        if stop is not None and stop.is_set():
            break
        result = build(job)
        built += result is not None
        if progress is not None:
            progress(job, result)
    return built


def collect_garbage(now: datetime.datetime | None = None) -> int:
    """Delete files that neither readers nor a coming release can ask for any more."""
    now = now or timezone.now()
    current = {
        plan.fingerprint(fmt.key, organisation)
        for plan, organisation, _year in _plans()
        for fmt in formats_for(plan.scope)
    }
    stale = ExportFile.objects.exclude(fingerprint__in=current).filter(
        built_at__lt=now - KEEP_SUPERSEDED
    )
    removed = 0
    storage = export_storage()
    for file in stale:
        with _storage_lock:
            name = file.file.name
            file.delete()
            removed += 1
            _delete_if_unnamed(storage, name)
    for name in _unnamed(storage, now - KEEP_SUPERSEDED):
        with _storage_lock:
            removed += _delete_if_unnamed(storage, name)
    return removed


def _delete_if_unnamed(storage, name: str) -> bool:
    """Delete a stored file unless a row names it (under _storage_lock: a build may be about to
    record a row that reuses it)."""
    if ExportFile.objects.filter(file=name).exists():
        return False
    storage.delete(name)
    return True


# The names _store gives: "ab/ab…(the rest of the SHA-256).pdf". Nothing else is collected.
STORED_NAME = re.compile(r"(?P<prefix>[0-9a-f]{2})/(?P=prefix)[0-9a-f]{62}\.[a-z0-9]+")


def _unnamed(storage, before: datetime.datetime) -> list[str]:
    """Stored files no row names, saved before `before`: the bytes a file made again for the
    same fingerprint replaced (a publisher's "Make again", an image changed), or a build
    stopped between storing its file and recording it. Only those few are asked their age."""
    named = set(ExportFile.objects.values_list("file", flat=True))
    folders, _files = storage.listdir("")
    stored = [f"{folder}/{name}" for folder in folders for name in storage.listdir(folder)[1]]
    return [
        name
        for name in stored
        if STORED_NAME.fullmatch(name)
        and name not in named
        and storage.get_modified_time(name) < before
    ]


def run(interval: float = DEFAULT_INTERVAL, stop: threading.Event | None = None) -> None:
    """Build what is due, forever (`manage.py run_exports`, started by `make run`).

    PDFs and recordings are made in two lanes (threads; the voices and the PDF engine do their
    work in child processes or in C, so the two overlap): a recording that takes minutes never
    holds back the PDFs of an edition scheduled meanwhile. Each lane builds one file, then looks
    again, so the nearest release's files are always the next to be made.
    """
    stop = stop or threading.Event()
    lanes = [
        threading.Thread(
            target=_lane,
            args=(kind, interval, stop),
            kwargs={"collects": kind == COLLECTING_LANE},
            name=f"exports-{kind}",
            daemon=True,
        )
        for kind in LANES
    ]
    for lane in lanes:
        lane.start()
    try:
        while not stop.is_set() and all(lane.is_alive() for lane in lanes):
            stop.wait(1)
    finally:
        stop.set()  # should one lane end, the other follows, and the worker exits
        for lane in lanes:
            lane.join()


def _lane(kind: str, interval: float, stop: threading.Event, collects: bool = False) -> None:
    """One lane of `run`: this kind's due files, one per pass (`collects`: this lane also
    deletes files no one can ask for any more)."""
    last_collection = 0.0
    watch = PlanWatch()  # plans only when something a plan depends on has changed
    try:
        while not stop.is_set():
            more = False
            try:
                close_old_connections()  # as the scheduler: recover from a dropped connection
                jobs = []
                if watch.must_plan():
                    jobs = due_jobs(kind=kind)
                    watch.planned(found_work=bool(jobs))
                if jobs:
                    build(jobs[0])
                more = len(jobs) > 1
                if (
                    collects
                    and time.monotonic() - last_collection > KEEP_SUPERSEDED.total_seconds() / 4
                ):
                    collect_garbage()
                    last_collection = time.monotonic()
            except Exception:  # a database hiccup must not end the worker
                logger.exception("export pass (%s) failed", kind)
            if not more:
                stop.wait(interval)
    finally:
        connection.close()  # this thread's connection, so the database can be dropped or moved


__all__ = ["FORMATS", "Job", "build", "build_due", "collect_garbage", "due_jobs", "run"]
