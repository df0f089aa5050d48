"""Scheduled publishing runs without cron, catches up at start and releases pages together."""

from __future__ import annotations

import datetime
import threading
import time
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from threatpress.publishing import scheduler
from threatpress.reports.models import AssessmentPage

URL = "/en/reports/2026/chapter-1/judgment-1-1/"


def schedule(page: AssessmentPage, summary: str, when: datetime.datetime) -> None:
    page.save_revision().publish()  # a live version first, as in real use
    page = AssessmentPage.objects.get(pk=page.pk)
    page.summary = summary
    page.go_live_at = when
    page.save_revision().publish()


@pytest.mark.django_db
def test_a_missed_go_live_is_caught_up_by_the_first_tick(client, edition):
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    # An hour ahead, then the clock moved past it: however slow the machine, the page is
    # scheduled (not published at once) and due when the scheduler starts.
    due = timezone.now() + datetime.timedelta(hours=1)
    schedule(page, "Released while nothing was running.", due)
    assert "Released while nothing was running." not in client.get(URL).content.decode()
    out = StringIO()
    with time_machine.travel(due + datetime.timedelta(seconds=1)):
        call_command("run_scheduler", "--once", stdout=out)
    assert "1 scheduled revision(s) went live." in out.getvalue()
    assert "Released while nothing was running." in client.get(URL).content.decode()


@pytest.mark.django_db
def test_pages_due_together_go_live_together_or_not_at_all(edition, monkeypatch, request):
    from wagtail.models import Revision

    pages = list(AssessmentPage.objects.filter(slug__in=["judgment-1-1", "judgment-2-1"]))
    due = timezone.now() + datetime.timedelta(hours=1)
    for page in pages:
        schedule(page, f"Embargoed text of {page.slug}.", due)
    traveller = time_machine.travel(due + datetime.timedelta(seconds=1))
    traveller.start()
    request.addfinalizer(traveller.stop)

    # If the second page fails to publish, the first must not be left public on its own.
    original, calls = Revision.publish, []

    def publish_then_fail(self, *args, **kwargs):
        calls.append(self.pk)
        if len(calls) == 2:
            raise RuntimeError("worker killed mid-publish")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Revision, "publish", publish_then_fail)
    with pytest.raises(RuntimeError):
        scheduler.tick()
    summaries = AssessmentPage.objects.filter(pk__in=[p.pk for p in pages]).values_list(
        "summary", flat=True
    )
    assert not any(s.startswith("Embargoed") for s in summaries)

    monkeypatch.setattr(Revision, "publish", original)
    assert scheduler.tick() == 2
    summaries = set(
        AssessmentPage.objects.filter(pk__in=[p.pk for p in pages]).values_list(
            "summary", flat=True
        )
    )
    assert summaries == {"Embargoed text of judgment-1-1.", "Embargoed text of judgment-2-1."}


@pytest.mark.django_db(transaction=True)
def test_the_loop_publishes_a_page_shortly_after_its_time(client):
    from threatpress.conftest import build_edition, build_site

    tree = build_site()
    build_edition(tree.reports, 2026, chapters=1, per_chapter=1)
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    go_live = timezone.now() + datetime.timedelta(seconds=2)
    schedule(page, "Goes live in two seconds.", go_live)
    stop = threading.Event()
    worker = threading.Thread(target=scheduler.run, kwargs={"interval": 0.2, "stop": stop})
    worker.start()
    try:
        deadline = time.monotonic() + 20  # generous: this is a correctness test, not a benchmark
        while time.monotonic() < deadline:
            if "Goes live in two seconds." in client.get(URL).content.decode():
                break
            time.sleep(0.1)
        else:
            pytest.fail("the scheduled revision never went live")
    finally:
        stop.set()
        worker.join(timeout=10)
    assert timezone.now() >= go_live


def draft_edition_due(seconds: float) -> tuple[datetime.datetime, list[str]]:
    """An unpublished 2027 edition scheduled `seconds` from now; return the instant and URLs."""
    from django.contrib.auth import get_user_model
    from wagtail.models import Page, Site

    from threatpress.conftest import as_drafts, build_edition, build_site
    from threatpress.core.models import SiteIdentity
    from threatpress.publishing.release import schedule_release
    from threatpress.reports.models import EditionPage

    tree = build_site()
    # Settings are created on first read; in a running site that happened long before release day.
    SiteIdentity.for_site(Site.objects.get())
    edition = build_edition(tree.reports, 2027, chapters=2, per_chapter=2)
    as_drafts(edition)
    instant = (timezone.now() + datetime.timedelta(seconds=seconds)).replace(microsecond=0)
    publisher = get_user_model().objects.create_superuser("publisher", password="p" * 20)
    schedule_release(EditionPage.objects.get(pk=edition.pk), instant, publisher)
    urls = [page.url for page in Page.objects.descendant_of(edition, inclusive=True)]
    return instant, urls


@pytest.mark.django_db(transaction=True)
def test_a_staged_release_is_invisible_until_its_instant_then_whole(client):
    from wagtail.models import Page, PageLogEntry

    instant, urls = draft_edition_due(seconds=3)
    upcoming = scheduler.next_instant()
    assert upcoming.instant == instant and upcoming.revisions == len(urls) == 7

    def stage() -> None:
        try:
            scheduler.staged_release(upcoming)
        finally:
            connection.close()  # this thread's own connection (PostgreSQL drops the test DB)

    worker = threading.Thread(target=stage)
    worker.start()
    seen = []  # (request start, request end, status), seconds relative to the instant
    while worker.is_alive():
        for url in urls:
            start = (timezone.now() - instant).total_seconds()
            status = client.get(url).status_code
            seen.append((start, (timezone.now() - instant).total_seconds(), status))
        time.sleep(0.05)
    worker.join()

    assert any(end < 0 for _, end, _ in seen), "the reader never looked before the instant"
    assert all(status == 404 for _, end, status in seen if end < 0), "something was public early"
    # Never half an edition: no page answered 404 in a request begun after any page had
    # answered 200 (requests in flight at the commit may see either side).
    first_public = min((end for _, end, status in seen if status == 200), default=float("inf"))
    assert all(start <= first_public for start, _, status in seen if status == 404)
    assert all(client.get(url).status_code == 200 for url in urls)
    pages = Page.objects.filter(url_path__contains="/2027/")
    assert {(p.first_published_at, p.last_published_at, p.go_live_at) for p in pages} == {
        (instant, instant, instant)
    }
    logged = PageLogEntry.objects.filter(action="wagtail.publish.scheduled")
    assert {entry.timestamp for entry in logged} == {instant} and logged.count() == len(urls)


@pytest.mark.django_db(transaction=True)
def test_a_scheduler_stopped_while_staging_publishes_nothing_and_the_next_catches_up(client):
    # Far enough ahead that publishing the edition ends before the instant even on a busy machine.
    instant, urls = draft_edition_due(seconds=6)
    stop = threading.Event()
    stop.set()  # e.g. the service is restarted during the last seconds before a release
    with pytest.raises(InterruptedError):
        scheduler.staged_release(scheduler.next_instant(), stop)
    assert all(client.get(url).status_code == 404 for url in urls)

    time.sleep(max(0.0, (instant - timezone.now()).total_seconds()) + 0.05)
    assert scheduler.tick() == len(urls)  # the next scheduler's first tick
    assert all(client.get(url).status_code == 200 for url in urls)
