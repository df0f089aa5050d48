"""A worker killed with SIGKILL in the middle of a publish leaves the previous version live.

Each test runs the real publishing code in another process against the test database (SQLite
here, PostgreSQL under `make test-postgres`), holds it right after its first page is published
(or scheduled), kills it, and then looks at what readers and the next run see. See killing.py.
"""

from __future__ import annotations

import datetime
import time
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import Collection, Page, Revision, Site

from threatpress.conftest import as_drafts, build_edition, build_site, publish_all
from threatpress.core.models import SiteIdentity
from threatpress.publishing.release import schedule_release
from threatpress.publishing.tests.killing import kill_part_way
from threatpress.reports.models import EditionPage

pytestmark = pytest.mark.django_db(transaction=True)
PAGES = 1 + 2 + 2 * 3  # the edition, two chapters, three assessments in each


def _edition(year: int) -> EditionPage:
    tree = build_site()
    SiteIdentity.for_site(Site.objects.get())  # created long before release day on a real site
    return build_edition(tree.reports, year, chapters=2, per_chapter=3)


def _pages(edition: Page) -> list[Page]:
    return list(Page.objects.descendant_of(edition, inclusive=True).order_by("path"))


def move_schedule(seconds: float) -> datetime.datetime:
    """Move every scheduled revision to `seconds` from now, as though it had been set so."""
    when = timezone.now().replace(microsecond=0) + datetime.timedelta(seconds=seconds)
    revisions = Revision.objects.filter(approved_go_live_at__isnull=False)
    assert revisions.exists()
    for revision in revisions:
        revision.approved_go_live_at = when
        revision.content["go_live_at"] = when.isoformat()
        revision.save(update_fields=["approved_go_live_at", "content"])
    return when


def next_scheduler_run() -> str:
    """The scheduler's next start (here, in this process): its first tick catches up."""
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    return out.getvalue()


def _wait_until(instant: datetime.datetime) -> None:
    time.sleep(max(0.0, (instant - timezone.now()).total_seconds()) + 0.05)


def test_a_scheduler_killed_while_staging_a_release_publishes_nothing_and_the_next_run_does_all():
    """The release scheduled through release.py, published by the scheduler's staged release."""
    edition = _edition(2027)
    as_drafts(edition)
    publisher = get_user_model().objects.create_superuser("publisher", password="p" * 20)
    later = timezone.now() + datetime.timedelta(hours=1)
    assert schedule_release(EditionPage.objects.get(pk=edition.pk), later, publisher) == PAGES
    urls = [page.url for page in _pages(edition)]

    # Once the scheduler has started (which takes seconds on a busy machine), the release falls
    # due 5 s later: its first ticks see it coming and it stages it (its lead for 9 pages is
    # 1.72 s), rather than finding it already due.
    kill_part_way(
        "from django.core.management import call_command\n"
        "from threatpress.publishing.tests.test_killed_publish import move_schedule\n"
        "move_schedule(seconds=5)\n"
        "call_command('run_scheduler')\n",
        hold="published",
    )
    instant = Revision.objects.filter(approved_go_live_at__isnull=False).first().approved_go_live_at

    _wait_until(instant)
    reader = Client()
    assert [reader.get(url).status_code for url in urls] == [404] * PAGES
    pages = _pages(edition)
    assert not any(page.live for page in pages), "a page went live on its own"
    # The release is still on the schedule, page by page.
    assert Revision.objects.filter(approved_go_live_at=instant).count() == PAGES

    assert f"{PAGES} scheduled revision(s) went live." in next_scheduler_run()
    assert [reader.get(url).status_code for url in urls] == [200] * PAGES


def test_a_scheduler_killed_while_catching_up_leaves_the_old_edition_and_the_next_run_does_all():
    """A live edition with a new version of every page due: the first tick after a restart."""
    edition = _edition(2026)
    publish_all(edition)
    before = {page.pk: page.live_revision_id for page in _pages(edition)}
    later = timezone.now() + datetime.timedelta(hours=1)
    for page in Page.objects.descendant_of(edition, inclusive=True).specific():
        page.title = f"Corrected: {page.title}"
        page.go_live_at = later
        page.save_revision().publish()
    move_schedule(seconds=-1)  # the corrections fell due while no scheduler ran

    kill_part_way(
        "from django.core.management import call_command; call_command('run_scheduler', '--once')",
        hold="published",
    )

    pages = _pages(edition)
    assert {page.pk: page.live_revision_id for page in pages} == before
    assert not any(page.title.startswith("Corrected") for page in pages)
    reader = Client()
    html = reader.get(pages[-1].url).content.decode()
    assert "Judgment 2.3 of 2026" in html and "Corrected" not in html

    assert f"{PAGES} scheduled revision(s) went live." in next_scheduler_run()
    assert all(page.title.startswith("Corrected") for page in _pages(edition))
    assert "Corrected: Judgment 2.3 of 2026" in reader.get(pages[-1].url).content.decode()


def test_scheduling_a_release_killed_part_way_schedules_nothing():
    """release.schedule_release is all or nothing even when its process dies mid-way."""
    edition = _edition(2027)
    as_drafts(edition)
    publisher = get_user_model().objects.create_superuser("publisher", password="p" * 20)
    action = (
        "import datetime\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.utils import timezone\n"
        "from threatpress.publishing.release import schedule_release\n"
        "from threatpress.reports.models import EditionPage\n"
        f"edition = EditionPage.objects.get(pk={edition.pk})\n"
        "at = timezone.now() + datetime.timedelta(hours=1)\n"
        "schedule_release(edition, at, get_user_model().objects.get(username='publisher'))\n"
    )
    kill_part_way(action, hold="scheduled")

    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()
    assert not any(page.live for page in _pages(edition))
    # Nothing is left to tidy: the publisher simply schedules it again.
    at = timezone.now() + datetime.timedelta(hours=1)
    assert schedule_release(EditionPage.objects.get(pk=edition.pk), at, publisher) == PAGES
    assert Revision.objects.filter(approved_go_live_at__isnull=False).count() == PAGES


# The editor's own buttons (publishing/atomic_admin.py) ------------------------------------------

ADMIN = (
    "from django.contrib.auth import get_user_model\n"
    "from django.test import Client\n"
    "from django.urls import reverse\n"
    "from threatpress.publishing.tests.test_workflow import post_edit\n"
    "from threatpress.reports.models import AssessmentPage, EditionPage\n"
    "editor = Client()\n"
    "editor.force_login(get_user_model().objects.get(username='publisher'))\n"
)


def test_the_editors_publish_killed_after_the_page_is_saved_leaves_the_previous_version():
    edition = _edition(2026)
    publish_all(edition)
    get_user_model().objects.create_superuser("publisher", password="p" * 20)
    page = Page.objects.get(slug="judgment-1-1")
    before = page.live_revision_id

    kill_part_way(
        ADMIN + "page = AssessmentPage.objects.get(slug='judgment-1-1')\n"
        "post_edit(editor, page, summary='A correction.', **{'action-publish': 'Publish'})\n",
        hold="published",
    )

    page.refresh_from_db()
    assert page.live_revision_id == before
    assert page.specific.summary != "A correction."
    assert "A correction." not in Client().get(page.url).content.decode()


def test_unpublishing_an_edition_killed_part_way_leaves_it_whole():
    edition = _edition(2026)
    publish_all(edition)
    get_user_model().objects.create_superuser("publisher", password="p" * 20)

    kill_part_way(
        ADMIN + f"url = reverse('wagtailadmin_pages:unpublish', args=[{edition.pk}])\n"
        "editor.post(url, {'include_descendants': 'on'})\n",
        hold="unpublished",
    )

    assert all(page.live for page in _pages(edition))
    reader = Client()
    assert [reader.get(page.url).status_code for page in _pages(edition)] == [200] * PAGES


def test_a_signoff_killed_while_it_publishes_leaves_the_previous_version_and_the_task_open():
    """The workflow's publish: a Publisher's sign-off publishes the reviewed revision."""
    from threatpress.publishing.roles import AUTHORS, PUBLISHERS, REVIEWERS, ensure_editorial_roles
    from threatpress.publishing.tests.test_workflow import (
        current_task,
        make_user,
        submit,
        workflow_action,
    )
    from threatpress.reports.models import AssessmentPage

    edition = _edition(2026)
    publish_all(edition)
    # An earlier test's flush removed the root collection Wagtail's migration made.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    ensure_editorial_roles(Page.get_first_root_node())
    author, reviewer = make_user("author", AUTHORS), make_user("reviewer", REVIEWERS)
    make_user("signer", PUBLISHERS)
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    before = page.live_revision_id
    client = Client()
    client.force_login(author)
    submit(client, page, summary="Reviewed and signed off.")
    client.force_login(reviewer)
    workflow_action(client, page, "approve")
    assert current_task(page) == "Sign-off"

    kill_part_way(
        "from django.contrib.auth import get_user_model\n"
        "from django.test import Client\n"
        "from threatpress.publishing.tests.test_workflow import workflow_action\n"
        "from threatpress.reports.models import AssessmentPage\n"
        "signer = Client()\n"
        "signer.force_login(get_user_model().objects.get(username='signer'))\n"
        "workflow_action(signer, AssessmentPage.objects.get(slug='judgment-1-1'), 'approve')\n",
        hold="published",
    )

    page.refresh_from_db()
    assert page.live_revision_id == before
    assert "Reviewed and signed off." not in Client().get(page.url).content.decode()
    assert current_task(page) == "Sign-off"  # the publisher simply approves again
