"""Releasing a whole edition at one instant: none of it public before, all of it after."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, Page, PageLogEntry, Workflow

from threatpress.conftest import as_drafts, build_edition, translate_tree
from threatpress.publishing import scheduler
from threatpress.publishing.release import (
    ReleaseError,
    cancel_release,
    edition_pages,
    schedule_release,
)
from threatpress.publishing.roles import WORKFLOW_NAME
from threatpress.reports.models import AssessmentPage, EditionPage
from threatpress.translations.state import OUTDATED, TRANSLATED, mark_translated, status_of

pytestmark = pytest.mark.django_db
MARKER = "Embargoed-2027-judgment"
EDITION_URL = "/en/reports/2027/"
ASSESSMENT_URL = "/en/reports/2027/chapter-1/judgment-1-1/"
VILNIUS = zoneinfo.ZoneInfo("Europe/Vilnius")


@pytest.fixture
def draft_edition(site_tree) -> EditionPage:
    """A 2027 edition written but never published; one judgment carries a unique marker."""
    edition = build_edition(site_tree.reports, 2027)
    marked = AssessmentPage.objects.descendant_of(edition).get(slug="judgment-1-1")
    marked.summary = f"{MARKER} summary text."
    marked.save()
    as_drafts(edition)
    return EditionPage.objects.get(pk=edition.pk)


def in_an_hour() -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)


def read(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.content.decode()


def test_nothing_is_public_before_the_instant_and_everything_is_after(
    client, draft_edition, people
):
    when = in_an_hour()
    scheduled = schedule_release(draft_edition, when, people["publisher"])
    assert scheduled == len(edition_pages(draft_edition)) == 9  # edition, 2 chapters, 6 judgments

    scheduler.tick()  # a tick before the instant publishes nothing
    for url in (EDITION_URL, ASSESSMENT_URL, EDITION_URL + "summary/"):
        assert read(client, url)[0] == 404

    with time_machine.travel(when + datetime.timedelta(seconds=1), tick=False):
        assert scheduler.tick() == 9
    status, body = read(client, ASSESSMENT_URL)
    assert status == 200 and MARKER in body
    status, body = read(client, EDITION_URL + "summary/")
    assert status == 200 and MARKER in body
    edition = EditionPage.objects.get(pk=draft_edition.pk)
    assert edition.published_at == when  # the edition shows the minute it was released
    logged = PageLogEntry.objects.filter(
        action="wagtail.publish.schedule", user=people["publisher"]
    )
    assert logged.count() == 9  # the audit log names who scheduled each page
    assert PageLogEntry.objects.filter(action="wagtail.publish.scheduled").count() == 9


def test_a_page_already_published_under_the_draft_edition_appears_only_with_it(
    client, draft_edition, people
):
    chapter = draft_edition.get_children().first().specific
    chapter.save_revision().publish()  # live, but its edition is not
    chapter_url = "/en/reports/2027/chapter-1/"
    assert read(client, chapter_url)[0] == 404

    when = in_an_hour()
    assert schedule_release(draft_edition, when, people["publisher"]) == 8
    with time_machine.travel(when + datetime.timedelta(seconds=1), tick=False):
        scheduler.tick()
    assert read(client, chapter_url)[0] == 200


def test_translations_of_the_edition_are_released_in_the_same_instant(
    client, site_tree, draft_edition, people
):
    lithuanian = Locale.objects.get(language_code="lt")
    translate_tree(site_tree.reports, "lt", descendants=False)
    translation = draft_edition.copy_for_translation(lithuanian)
    translation.title = "Nacionalinis grėsmių vertinimas 2027"
    translation.save_revision()
    assert any(page.locale == lithuanian for page in edition_pages(draft_edition))

    when = in_an_hour()
    with pytest.raises(ReleaseError, match="Nacionalinis grėsmių vertinimas 2027"):
        schedule_release(draft_edition, when, people["publisher"])  # not translated yet
    mark_translated(translation, people["publisher"])
    schedule_release(draft_edition, when, people["publisher"])
    assert read(client, "/lt/reports/2027/")[0] == 404
    with time_machine.travel(when + datetime.timedelta(seconds=1), tick=False):
        scheduler.tick()
    assert Page.objects.get(pk=translation.pk).live
    assert Page.objects.get(pk=draft_edition.pk).live
    status, body = read(client, "/lt/reports/2027/")
    assert status == 200 and "Nacionalinis grėsmių vertinimas 2027" in body


def test_scheduling_changes_no_word_so_a_marked_translation_stays_translated(
    site_tree, draft_edition, people
):
    """Scheduling saves a revision of each original (its go-live time): the translations still
    say what the originals say, so they stay "translated", and a postponed release can be
    scheduled again without marking every translation anew."""
    lithuanian = Locale.objects.get(language_code="lt")
    translate_tree(site_tree.reports, "lt", descendants=False)
    translation = draft_edition.copy_for_translation(lithuanian)
    translation.save_revision()
    mark_translated(translation, people["publisher"])

    schedule_release(draft_edition, in_an_hour(), people["publisher"])
    assert status_of(translation).state == TRANSLATED
    cancel_release(draft_edition, people["publisher"])
    schedule_release(draft_edition, in_an_hour() + datetime.timedelta(days=1), people["publisher"])
    assert status_of(translation).state == TRANSLATED

    # A real change to the original still makes the translation out of date.
    cancel_release(draft_edition, people["publisher"])
    original = EditionPage.objects.get(pk=draft_edition.pk).get_latest_revision_as_object()
    original.title = "National Threat Assessment 2027, revised"
    original.save_revision()
    assert status_of(translation).state == OUTDATED


def test_a_release_in_the_past_or_of_a_public_edition_is_refused(edition, draft_edition, people):
    with pytest.raises(ReleaseError, match="future"):
        schedule_release(
            draft_edition, timezone.now() - datetime.timedelta(minutes=1), people["publisher"]
        )
    with pytest.raises(ReleaseError, match="already public"):
        schedule_release(edition, in_an_hour(), people["publisher"])


def test_a_page_still_in_review_blocks_the_whole_release(draft_edition, people):
    page = AssessmentPage.objects.get(slug="judgment-2-2", path__startswith=draft_edition.path)
    Workflow.objects.get(name=WORKFLOW_NAME).start(page, people["author"])

    with pytest.raises(ReleaseError, match="Still in review"):
        schedule_release(draft_edition, in_an_hour(), people["publisher"])
    # All or nothing: no other page was scheduled either.
    assert not any(p.approved_schedule for p in edition_pages(draft_edition))


def test_the_release_screen_counts_and_lists_every_page_in_reading_order(
    client, draft_edition, people
):
    """A page still in review is one of the edition's pages: counted, and listed in its place
    (with its state), not after the others."""
    pages = edition_pages(draft_edition)
    page = AssessmentPage.objects.get(slug="judgment-1-1", path__startswith=draft_edition.path)
    Workflow.objects.get(name=WORKFLOW_NAME).start(page, people["author"])
    client.force_login(people["publisher"])
    html = client.get(release_url(draft_edition)).content.decode()
    assert f"{len(pages)} pages in this edition" in html
    listed = re.findall(r'<tr><td><a href="/admin/pages/(\d+)/edit/">', html)
    assert listed == [str(p.pk) for p in pages]
    row = re.search(rf'/admin/pages/{page.pk}/edit/">.*?</tr>', html)[0]
    assert "In review" in row


def test_a_cancelled_release_does_not_go_live(client, draft_edition, people):
    when = in_an_hour()
    schedule_release(draft_edition, when, people["publisher"])
    assert cancel_release(draft_edition, people["publisher"]) == 9
    with time_machine.travel(when + datetime.timedelta(seconds=1), tick=False):
        assert scheduler.tick() == 0
    assert read(client, ASSESSMENT_URL)[0] == 404
    assert PageLogEntry.objects.filter(action="wagtail.schedule.cancel").count() == 9


# --- The admin screens, each tried anonymously, without the right and with it ------------------


def release_url(edition: EditionPage) -> str:
    return reverse("threatpress_release_edition", args=[edition.pk])


def test_release_screen_anonymous_visitor_is_sent_to_log_in(client, draft_edition):
    response = client.get(release_url(draft_edition))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(release_url(draft_edition), {"go_live_at": "2030-01-01T10:00"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not any(p.approved_schedule for p in edition_pages(draft_edition))


def test_release_screen_author_cannot_schedule(client, draft_edition, people):
    client.force_login(people["author"])
    # Wagtail answers a refused admin action by sending the user back to the dashboard with a
    # "Sorry, you do not have permission" message.
    for response in (
        client.get(release_url(draft_edition)),
        client.get(reverse("threatpress_releases")),
        client.post(release_url(draft_edition), {"go_live_at": "2030-01-01T10:00"}),
    ):
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not any(p.approved_schedule for p in edition_pages(draft_edition))
    assert "Releases" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_release_screen_publisher_schedules_in_the_site_time_zone(client, draft_edition, people):
    client.force_login(people["publisher"])
    assert "Releases" in client.get(reverse("wagtailadmin_home")).content.decode()
    index = client.get(reverse("threatpress_releases")).content.decode()
    assert "National Threat Assessment" in index and release_url(draft_edition) in index

    local = timezone.localtime(in_an_hour(), VILNIUS).replace(tzinfo=None)
    response = client.post(
        release_url(draft_edition), {"go_live_at": local.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "9 pages scheduled for" in page and "Europe/Vilnius" in page
    stored = {
        p.approved_schedule and p.get_latest_revision().approved_go_live_at
        for p in edition_pages(draft_edition)
    }
    expected = local.replace(second=0).replace(tzinfo=VILNIUS).astimezone(datetime.UTC)
    assert stored == {expected}  # entered in Vilnius time, stored as the same instant in UTC
    # Rescheduling starts from the time set, in Vilnius time, in the shape the control reads.
    shown = local.replace(second=0).strftime("%Y-%m-%dT%H:%M:%S")
    assert f'value="{shown}"' in client.get(release_url(draft_edition)).content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [("2001-01-01T10:00", "Choose a time in the future."), ("next tuesday", "Enter a valid date")],
)
def test_a_bad_release_time_gets_a_form_error_and_schedules_nothing(
    client, draft_edition, people, value, message
):
    client.force_login(people["publisher"])
    response = client.post(release_url(draft_edition), {"go_live_at": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not any(p.approved_schedule for p in edition_pages(draft_edition))


def test_release_button_is_offered_on_an_unreleased_edition_to_publishers_only(
    client, draft_edition, people
):
    explore = reverse("wagtailadmin_explore", args=[draft_edition.pk])
    client.force_login(people["publisher"])
    assert release_url(draft_edition) in client.get(explore).content.decode()
    client.force_login(people["author"])
    assert release_url(draft_edition) not in client.get(explore).content.decode()


def released(client, draft_edition, people) -> EditionPage:
    when = in_an_hour()
    schedule_release(draft_edition, when, people["publisher"])
    with time_machine.travel(when + datetime.timedelta(seconds=1), tick=False):
        scheduler.tick()
    assert read(client, ASSESSMENT_URL)[0] == 200
    return EditionPage.objects.get(pk=draft_edition.pk)


def test_unpublishing_the_edition_withdraws_every_page_under_it_at_once(
    client, draft_edition, people
):
    edition = released(client, draft_edition, people)
    edition.unpublish(user=people["publisher"])  # only the edition page itself
    for url in (
        EDITION_URL,
        ASSESSMENT_URL,
        EDITION_URL + "summary/",
        "/en/reports/2027/chapter-2/",
    ):
        assert read(client, url)[0] == 404
    assert "2027" not in read(client, "/en/reports/")[1]


def test_an_edition_that_expires_disappears_with_everything_under_it(client, draft_edition, people):
    edition = released(client, draft_edition, people)
    edition.expire_at = timezone.now() + datetime.timedelta(days=30)
    edition.go_live_at = None  # (the test travelled back from the release; real time moves on)
    edition.save_revision().publish()
    with time_machine.travel(edition.expire_at + datetime.timedelta(seconds=1), tick=False):
        scheduler.tick()
    assert read(client, ASSESSMENT_URL)[0] == 404
    assert read(client, EDITION_URL)[0] == 404
