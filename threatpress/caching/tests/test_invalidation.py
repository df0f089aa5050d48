"""When purges happen (after the commit, never for a rolled-back change), that scheduled
go-lives purge too, and that the front cache receives the same addresses as PURGE requests."""

from __future__ import annotations

import datetime
import http.server
import threading

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from threatpress.caching import invalidation
from threatpress.publishing import scheduler
from threatpress.publishing.tests.media import (
    document_link_block,
    figure_block,
    make_document,
    make_image,
    use_disk_storage,
)
from threatpress.reports.models import AssessmentPage

pytestmark = pytest.mark.django_db
PAGE = "/en/reports/2026/chapter-1/judgment-1-1/"


@pytest.fixture
def log(settings, tmp_path):
    settings.THREATPRESS_CACHE_PURGE_LOG = tmp_path / "purges.log"
    return settings.THREATPRESS_CACHE_PURGE_LOG


def purged(log) -> set[str]:
    return set(log.read_text().splitlines()) if log.exists() else set()


def first_assessment(edition) -> AssessmentPage:
    return AssessmentPage.objects.descendant_of(edition).order_by("path").first()


def test_nothing_is_purged_before_the_commit(editions, log, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first_assessment(editions[1]).unpublish()
        assert purged(log) == set()  # a reader now would re-store the old page
    assert purged(log) == set()
    for callback in callbacks:
        callback()
    assert PAGE in purged(log) and "/en/reports/2026/summary/" in purged(log)


def test_a_rolled_back_change_purges_nothing(editions, log, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        first_assessment(editions[1]).unpublish()
        raise RuntimeError("the publish failed")
    assert callbacks == [] and purged(log) == set()


def test_a_scheduled_go_live_purges_at_the_tick(editions, log, django_capture_on_commit_callbacks):
    page = first_assessment(editions[1])
    page.title = "A scheduled change is a full sentence."
    go_live = timezone.now() + datetime.timedelta(hours=1)
    page.go_live_at = go_live
    page.save_revision(approved_go_live_at=go_live)
    assert purged(log) == set()
    with (
        time_machine.travel(go_live + datetime.timedelta(seconds=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert scheduler.tick() == 1
    assert PAGE in purged(log)


def test_a_finished_export_purges_its_page_and_the_archive(
    editions, log, engines, django_capture_on_commit_callbacks
):
    from threatpress.exports import builder

    with django_capture_on_commit_callbacks(execute=True):
        assert builder.build_due() > 0
    assert {"/en/reports/", "/en/reports/2026/", PAGE} <= purged(log)


class Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keeps connections open, as Varnish does
    seen: list[tuple[str, str, str]] = []
    connections: set[tuple[str, int]] = set()

    def do_PURGE(self):
        self.seen.append((self.command, self.headers.get("Host", ""), self.path))
        self.connections.add(self.client_address)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def varnish(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Recorder.seen, Recorder.connections = [], set()
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "threatpress.caching.varnish_purge.KeepAliveHTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_port}",
        }
    }
    yield Recorder.seen
    server.shutdown()
    server.server_close()


def test_the_front_cache_gets_the_same_addresses_after_the_commit(
    editions, log, varnish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first_assessment(editions[1]).unpublish()
    assert varnish == []  # Wagtail's own handlers would have purged here, before the commit
    for callback in callbacks:
        callback()
    assert {path for _, _, path in varnish} == purged(log)
    assert {(method, host) for method, host, _ in varnish} == {("PURGE", "testserver")}


def test_everything_purges_every_address_from_the_front_cache(editions, log, varnish):
    invalidation.purge_now({"*"})
    paths = {path for _, _, path in varnish}
    assert {PAGE, "/en/reports/2025/summary/", "/sitemap.xml", "/en/feed/", "/print.css"} <= paths
    # Hundreds of addresses, one connection: a new one each cost most of a second under load.
    assert len(paths) > 50 and len(Recorder.connections) == 1


def _publish(page: AssessmentPage, change) -> None:
    change(page)
    page.save_revision().publish()


def _new_body(page):
    page.body = [{"type": "paragraph", "value": "<p>Only the reasoning changed.</p>"}]


def _new_summary(page):
    page.summary = "A summary the chapter and the country pages show."


def _new_probability(page):
    page.probability = "unlikely" if page.probability != "unlikely" else "likely"


def _new_slug(page):
    page.slug = "a-new-address"


def _no_region(page):
    page.regions = []


@pytest.mark.parametrize(
    ("change", "narrow"),
    [
        (_new_body, True),
        (_new_summary, True),
        (_new_probability, False),
        (_new_slug, False),
        (_no_region, False),
    ],
)
def test_only_a_change_to_the_own_text_purges_less_than_the_edition(
    editions, log, django_capture_on_commit_callbacks, change, narrow
):
    """A new body or summary changes the page, the print view and what offers files made of
    it (a summary also its country pages), never another judgment's page, and its addresses are
    known before the commit, so that nothing delays the purge after it; a change other pages
    show purges the whole edition."""
    from threatpress.caching.affected import edition_paths
    from threatpress.regions.models import Region

    page = first_assessment(editions[1])
    page.regions = [Region.objects.create(name="Ruritania", slug="ruritania", locale=page.locale)]
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    log.unlink(missing_ok=True)
    page = AssessmentPage.objects.get(pk=page.pk)
    with django_capture_on_commit_callbacks() as callbacks:
        _publish(page, change)
    purges = [callback for callback in callbacks if hasattr(callback, invalidation.PENDING)]
    assert len(purges) == 1
    with CaptureQueriesContext(connection) as after_commit:
        purges[0]()
    paths = purged(log)
    whole = edition_paths(editions[1])
    others = AssessmentPage.objects.descendant_of(editions[1]).exclude(pk=page.pk)
    assert others.count() >= 3
    if narrow:
        assert PAGE in paths and "/en/reports/2026/print/" in paths
        assert {"/en/reports/2026/", "/en/reports/2026/chapter-1/", "/en/reports/"} <= paths
        for other in others:
            assert other.url not in paths and f"/api/v2/assessments/{other.pk}/" not in paths
        # The country page, the feed and the API's listing of assessments show the judgment
        # with its summary, not its body; the API's other listings show neither.
        listing = {"/en/regions/ruritania/", "/en/feed/", "/api/v2/assessments/"}
        assert (listing <= paths) == (change is _new_summary)
        assert not (listing & paths) or change is _new_summary
        assert not {"/api/v2/editions/", "/api/v2/pages/", "/api/v2/regions/"} & paths
        assert paths < whole
        assert len(after_commit) == 0
    else:
        assert whole <= paths


def test_a_page_published_through_the_generic_action_is_purged_too(
    editions, log, django_capture_on_commit_callbacks
):
    """Wagtail 8's generic PublishRevisionAction sends `published` but not `page_published`
    (the page action sends both): a page published through it is still purged, whole edition
    and all, as the release-day benchmark once found it was not."""
    from wagtail.actions.publish_revision import PublishRevisionAction

    page = first_assessment(editions[1])
    page.summary = "Published through the generic action."
    revision = page.save_revision()
    with django_capture_on_commit_callbacks(execute=True):
        PublishRevisionAction(revision).execute()
    assert {PAGE, "/en/reports/2026/summary/", "/en/reports/2026/chapter-1/"} <= purged(log)


def test_a_copy_kept_live_purges_its_edition_and_a_draft_copy_nothing(
    editions, log, django_capture_on_commit_callbacks
):
    """The admin's Copy with "publish copies" ticked creates the copy live, and Wagtail sends no
    `published` for it: its chapter, its edition's listings and its own address must still be
    purged, or every cache keeps showing the edition without it."""
    page = first_assessment(editions[1])
    with django_capture_on_commit_callbacks(execute=True):
        page.copy(update_attrs={"slug": "a-draft-copy", "title": "A draft copy."}, keep_live=False)
    assert purged(log) == set()
    with django_capture_on_commit_callbacks(execute=True):
        page.copy(update_attrs={"slug": "a-live-copy", "title": "A live copy."}, keep_live=True)
    paths = purged(log)
    assert "/en/reports/2026/chapter-1/a-live-copy/" in paths
    assert {"/en/reports/2026/chapter-1/", "/en/reports/2026/summary/", "/en/feed/"} <= paths


def test_an_alias_purges_where_it_appears_and_again_when_its_original_is_published(
    editions, log, django_capture_on_commit_callbacks
):
    """A new alias of a live page is live at once; publishing the original rewrites the alias
    and sends only `page_published` for it: both are purged at the alias's addresses."""
    page = first_assessment(editions[1])
    with django_capture_on_commit_callbacks(execute=True):
        page.create_alias(update_slug="an-alias")
    alias_path = "/en/reports/2026/chapter-1/an-alias/"
    assert {alias_path, "/en/reports/2026/chapter-1/"} <= purged(log)
    log.unlink()
    page = AssessmentPage.objects.get(pk=page.pk)
    page.summary = "The original, corrected: the alias shows it too."
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert {PAGE, alias_path} <= purged(log)


def test_an_edited_or_deleted_document_or_image_purges_the_live_pages_that_show_it(
    editions, log, settings, tmp_path, django_capture_on_commit_callbacks
):
    """The pages in every cache name the file and show the title: a document's new file, or an
    image deleted, purges the live pages that use it as a new body would, and nothing else."""
    use_disk_storage(settings, tmp_path / "media")
    document = make_document("Annex", "annex.txt", "The annex.")
    image = make_image("Chart", "chart.png")
    page = first_assessment(editions[1])
    page.body = [document_link_block(document), figure_block(image)]
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    drafted = AssessmentPage.objects.descendant_of(editions[0]).order_by("path").first()
    drafted.body = [document_link_block(document)]
    drafted.save_revision()  # a draft's reference is not in the index: its page is not purged
    log.unlink()

    with django_capture_on_commit_callbacks(execute=True):
        document.title = "Annex, corrected"
        document.save()
    paths = purged(log)
    assert {PAGE, "/en/reports/2026/print/", "/en/reports/2026/chapter-1/"} <= paths
    assert drafted.url not in paths and not any(
        path.startswith("/en/reports/2025/") for path in paths
    )
    assert "/en/reports/2026/chapter-1/judgment-1-2/" not in paths
    log.unlink()
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert PAGE in purged(log)


def test_an_image_or_document_saved_with_nothing_readers_see_changed_purges_nothing(
    editions, log, settings, tmp_path, django_capture_on_commit_callbacks
):
    """An editor files a chart under new tags in the admin, and Wagtail writes back a file's
    size the first time it reads it: neither changes a page, so neither empties the caches on
    a release day. A new title for a document (its link text elsewhere) still does."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    use_disk_storage(settings, tmp_path / "media")
    image = make_image("Chart", "chart.png")
    document = make_document("Annex", "annex.txt", "The annex.")
    page = first_assessment(editions[1])
    page.body = [figure_block(image), document_link_block(document)]
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    log.unlink()

    editor = Client()
    editor.force_login(get_user_model().objects.create_superuser("editor", password="x" * 20))
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("wagtailimages:edit", args=[image.pk]),
            {"title": "Chart", "tags": "defence, 2026", "collection": image.collection_id},
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert sorted(image.tags.names()) == ["2026", "defence"]  # the edit was saved
    type(document).objects.filter(pk=document.pk).update(file_size=None)
    document.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert document.get_file_size() == len("The annex.")  # Wagtail saves it back
    assert purged(log) == set()

    with django_capture_on_commit_callbacks(execute=True):
        document.title = "Annex, corrected"
        document.save()
    assert PAGE in purged(log)


@pytest.mark.parametrize("release", ["tick", "staged"])
def test_a_scheduled_new_summary_purges_what_the_same_change_published_at_once_does(
    editions, log, django_capture_on_commit_callbacks, release
):
    """A release-day correction is often scheduled for the minute of a press conference: at its
    go-live (Wagtail's publish_scheduled in a tick, or the scheduler's staged release) it
    changes the same addresses as when published at once, not the whole edition. Its
    scheduling fields are no reader's business, and its first publication time, read back from
    the revision to the millisecond, stays what it was to the microsecond."""
    from threatpress.caching.affected import own_text_paths

    page = first_assessment(editions[1])
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()  # published through a revision, as every live page is
    first_published = datetime.datetime(2026, 3, 10, 8, 0, 0, 123456, tzinfo=datetime.UTC)
    AssessmentPage.objects.filter(pk=page.pk).update(first_published_at=first_published)
    page = AssessmentPage.objects.get(pk=page.pk)
    go_live = timezone.now() + datetime.timedelta(hours=1)
    page.summary = "A summary scheduled for the press conference."
    page.go_live_at = go_live
    page.save_revision(approved_go_live_at=go_live)
    log.unlink(missing_ok=True)
    with (
        time_machine.travel(go_live + datetime.timedelta(seconds=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        if release == "tick":
            assert scheduler.tick() == 1
        else:
            assert scheduler.staged_release(scheduler.Upcoming(instant=go_live, revisions=1)) == 1
    page = AssessmentPage.objects.get(pk=page.pk)
    assert page.summary == "A summary scheduled for the press conference."
    assert page.first_published_at == first_published
    assert purged(log) == own_text_paths(page, listed=True)


def test_a_naive_publication_time_is_a_change_not_an_error(editions):
    """Code that sets a time without its zone on a live page and saves it (Django stores it in
    the site's zone, with a warning) saves: the naive time is compared as a change, not
    subtracted from the stored aware one."""
    page = first_assessment(editions[1])
    page.first_published_at = datetime.datetime(2026, 3, 10, 10, 0)
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        page.save()
    page.refresh_from_db()
    assert page.first_published_at == timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0))
