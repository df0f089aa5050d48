"""The export worker plans again only when something a plan depends on changed (plan_watch.py):
an idle worker costs next to nothing, and every change that needs a file still gets one."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from threatpress.conftest import as_drafts, build_edition
from threatpress.exports import builder
from threatpress.exports.models import Export, ExportFile
from threatpress.exports.plan_watch import PlanWatch, signature
from threatpress.publishing.release import schedule_release
from threatpress.reports.models import AssessmentPage, EditionPage

from .test_exports import ASSESSMENT_PDF, worker_loop


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_lane_plans_again_only_after_a_change_work_found_or_a_full_minute():
    readings = iter(["a", "a", "a", "b", "b", "b", None])
    clock = Clock()
    watch = PlanWatch(read=lambda: next(readings), every=60, clock=clock)
    assert watch.must_plan()  # never planned
    watch.planned(found_work=False)
    assert not watch.must_plan()  # "a" again, nothing found last time
    clock.now += 59
    assert not watch.must_plan()
    assert watch.must_plan()  # "b": something changed
    watch.planned(found_work=True)
    assert watch.must_plan()  # work was found: look again after building it
    watch.planned(found_work=False)
    clock.now += 60
    assert watch.must_plan()  # a full minute without a plan
    watch.planned(found_work=False)
    assert watch.must_plan()  # no signature (the shared cache down): plan


@pytest.mark.django_db(transaction=True)
def test_the_signature_follows_what_a_plan_reads(engines):
    """Committed, as in the worker: a publish purges (and so moves the signature) only after its
    commit."""
    from django.contrib.auth import get_user_model

    from threatpress.conftest import build_site, publish_all

    tree = build_site()
    publisher = get_user_model().objects.create_superuser("publisher", password="p" * 20)
    edition = build_edition(tree.reports, 2026, chapters=1, per_chapter=1)
    publish_all(edition)
    builder.build_due()
    start = signature()
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    page.summary = "A draft nobody reads yet."
    page.save_revision()  # a draft: no file changes, no new plan
    assert signature() == start

    page.save_revision().publish()
    published = signature()
    assert published != start

    # A correction scheduled for later purges nothing, yet its files must be prepared.
    builder.build_due()
    idle = signature()
    page.summary = "A correction for the afternoon."
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    page.save_revision().publish()
    correction = signature()
    assert correction != idle
    assert any(job.prepared for job in builder.due_jobs())

    draft = build_edition(tree.reports, 2027, chapters=1, per_chapter=1)
    as_drafts(draft)
    unscheduled = signature()
    when = timezone.now() + datetime.timedelta(hours=1)
    schedule_release(EditionPage.objects.get(pk=draft.pk), when, publisher)
    scheduled = signature()
    assert scheduled != unscheduled

    Export.objects.filter(page=edition, fmt="pdf").update(rebuild_requested_at=timezone.now())
    requested = signature()
    assert requested != scheduled

    # An image a prepared file shows changed: no purge says so (exports/signals.py).
    ExportFile.objects.filter(export__page=edition, export__fmt="pdf").update(outdated=True)
    outdated = signature()
    assert outdated != requested
    requested = outdated

    ExportFile.objects.filter(export__page=edition, export__fmt="pdf").delete()
    assert signature() != requested


def test_the_signature_changes_when_a_failed_build_may_be_tried_again(edition, monkeypatch):
    from threatpress.exports.formats import Format

    def broken(self, doc):
        raise RuntimeError("the typesetter fell over")

    monkeypatch.setattr(Format, "render", broken)
    builder.build_due()
    retry = Export.objects.filter(state=Export.FAILED).order_by("retry_after").first().retry_after
    waiting = signature()
    with time_machine.travel(retry - datetime.timedelta(seconds=1), tick=False):
        assert signature() == waiting
    with time_machine.travel(retry + datetime.timedelta(seconds=1), tick=False):
        assert signature() != waiting


@pytest.mark.django_db(transaction=True)
def test_an_idle_worker_stops_planning_and_still_rebuilds_what_a_publisher_asks_for(
    client, engines, monkeypatch
):
    from django.contrib.auth import get_user_model

    from threatpress.conftest import build_site, publish_all

    tree = build_site()
    publisher = get_user_model().objects.create_superuser("publisher", password="p" * 20)
    edition = build_edition(tree.reports, 2026, chapters=1, per_chapter=1)
    publish_all(edition)
    plans = []
    plan = builder.due_jobs

    def counted(**kwargs):
        plans.append(threading.current_thread().name)
        return plan(**kwargs)

    monkeypatch.setattr(builder, "due_jobs", counted)
    with worker_loop(interval=0.02):
        deadline = time.monotonic() + 30  # a correctness test, not a benchmark
        while plan() or client.get(ASSESSMENT_PDF).status_code != 200:
            assert time.monotonic() < deadline, "the worker never built the files"
            time.sleep(0.05)
        time.sleep(0.5)  # each lane plans once more, finds nothing and goes idle
        settled = len(plans)
        time.sleep(1.0)  # about fifty passes of each lane
        assert len(plans) == settled, "an idle worker planned again with nothing changed"

        built = len(engines)
        client.force_login(publisher)
        screen = reverse("threatpress_exports")
        response = client.post(screen, {"page": edition.pk, "format": "pdf"})
        assert response.status_code == 302
        deadline = time.monotonic() + 30
        while len(engines) == built:
            assert time.monotonic() < deadline, "the idle worker missed the rebuild request"
            time.sleep(0.05)
    assert engines[built:] == [("pdf", "National Threat Assessment 2026")]
    assert len(plans) > settled
