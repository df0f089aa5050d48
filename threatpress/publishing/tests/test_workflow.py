"""Editorial roles: each action tried by an anonymous visitor, by a logged-in user without the
right, and by one with it. Nobody but a Publisher can make a page public."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Workflow
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from threatpress.publishing.roles import (
    AUTHORS,
    PUBLISHERS,
    REVIEWERS,
    WORKFLOW_NAME,
    ensure_editorial_roles,
)
from threatpress.reports.models import AssessmentPage

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


@pytest.fixture
def roles(edition):
    return ensure_editorial_roles(Page.get_first_root_node())


def make_user(username: str, group: str | None, admin_access: bool = False):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if group:
        user.groups.add(Group.objects.get(name=group))
    if admin_access:
        from django.contrib.auth.models import Permission

        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def people(roles):
    return {
        "author": make_user("author", AUTHORS),
        "reviewer": make_user("reviewer", REVIEWERS),
        "publisher": make_user("publisher", PUBLISHERS),
        "outsider": make_user("outsider", None, admin_access=True),
    }


@pytest.fixture
def page(edition) -> AssessmentPage:
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    page.save_revision().publish()  # a live revision, as every page published in the admin has
    return AssessmentPage.objects.get(pk=page.pk)


def edit_data(page: AssessmentPage, **changes) -> dict:
    fields = {
        "title": page.title,
        "slug": page.slug,
        "summary": changes.pop("summary", page.summary),
        "body": streamfield([("paragraph", rich_text("<p>Revised body text.</p>"))]),
        "probability": page.probability,
        "horizon": page.horizon,
        "regions": [],
        "footnotes": inline_formset([]),
        "comments": inline_formset([]),
        "seo_title": "",
        "search_description": "",
        "go_live_at": changes.pop("go_live_at", ""),
        "expire_at": "",
    }
    data = nested_form_data(fields)
    data.update(changes)
    return data


def post_edit(client, page, **changes):
    return client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_data(page, **changes)
    )


def login(client, user):
    if user is not None:
        client.force_login(user)


def submit(client, page, summary="Submitted for review."):
    return post_edit(client, page, summary=summary, **{"action-submit": "Submit"})


def current_task(page):
    page.refresh_from_db()
    state = page.workflow_states.filter(status="in_progress").first()
    return state.current_task_state.task.name if state else None


# Submitting for review ---------------------------------------------------------------------------


def test_anonymous_cannot_submit(client, people, page):
    response = submit(client, page)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert current_task(page) is None


def test_user_without_page_rights_cannot_submit(client, people, page):
    login(client, people["outsider"])
    response = submit(client, page)
    assert response.status_code in {302, 403}
    assert current_task(page) is None


def test_author_submits_and_the_page_waits_for_review(client, people, page):
    login(client, people["author"])
    response = submit(client, page, summary="A new summary that must not be public yet.")
    assert response.status_code == 302
    assert current_task(page) == "Review"
    assert page.workflow_states.get().workflow.name == WORKFLOW_NAME
    # Submitting publishes nothing.
    html = client.get("/en/reports/2026/chapter-1/judgment-1-1/").content.decode()
    assert "A new summary that must not be public yet." not in html


# Approving and asking for changes --------------------------------------------------------------


def workflow_action(client, page, action, comment=""):
    page.refresh_from_db()
    state = page.workflow_states.get(status="in_progress").current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, state.pk])
    return client.post(url, {"comment": comment})


@pytest.fixture
def submitted(client, people, page):
    login(client, people["author"])
    submit(client, page)
    client.logout()
    return page


def test_anonymous_cannot_approve(client, people, submitted):
    response = workflow_action(client, submitted, "approve")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert current_task(submitted) == "Review"


def test_author_cannot_approve_their_own_submission(client, people, submitted):
    login(client, people["author"])
    response = workflow_action(client, submitted, "approve")
    assert response.status_code in {302, 403}
    assert current_task(submitted) == "Review"


def test_reviewer_approves_and_the_page_goes_to_sign_off(client, people, submitted):
    login(client, people["reviewer"])
    response = workflow_action(client, submitted, "approve", comment="Sources checked.")
    assert response.status_code in {200, 302}
    assert current_task(submitted) == "Sign-off"
    assert AssessmentPage.objects.get(pk=submitted.pk).summary != "Submitted for review."


def test_reviewer_asks_for_changes_with_a_comment(client, people, submitted):
    login(client, people["reviewer"])
    workflow_action(client, submitted, "reject", comment="Cite the source of the figure.")
    state = submitted.workflow_states.order_by("-created_at").first()
    assert state.status == "needs_changes"
    task_state = state.task_states.order_by("-started_at").first()
    assert task_state.comment == "Cite the source of the figure."


def test_reviewer_cannot_give_the_final_sign_off(client, people, submitted):
    login(client, people["reviewer"])
    workflow_action(client, submitted, "approve")
    response = workflow_action(client, submitted, "approve")
    assert response.status_code in {302, 403}
    assert current_task(submitted) == "Sign-off"
    submitted.refresh_from_db()
    assert "Submitted for review." not in submitted.specific.summary


def test_publisher_sign_off_publishes(client, people, submitted):
    login(client, people["reviewer"])
    workflow_action(client, submitted, "approve")
    client.logout()
    login(client, people["publisher"])
    workflow_action(client, submitted, "approve")
    page = AssessmentPage.objects.get(pk=submitted.pk)
    assert page.summary == "Submitted for review."
    assert current_task(page) is None


# Publishing directly ------------------------------------------------------------------------


def test_anonymous_cannot_publish(client, people, page):
    response = post_edit(client, page, summary="Leaked.", **{"action-publish": "Publish"})
    assert response["Location"].startswith("/admin/login/")
    assert AssessmentPage.objects.get(pk=page.pk).summary != "Leaked."


@pytest.mark.parametrize("who", ["author", "reviewer"])
def test_author_and_reviewer_cannot_publish(client, people, page, who):
    login(client, people[who])
    post_edit(client, page, summary="Published alone.", **{"action-publish": "Publish"})
    assert AssessmentPage.objects.get(pk=page.pk).summary != "Published alone."
    html = client.get("/en/reports/2026/chapter-1/judgment-1-1/").content.decode()
    assert "Published alone." not in html


def test_publisher_publishes(client, people, page):
    login(client, people["publisher"])
    post_edit(client, page, summary="Released by a publisher.", **{"action-publish": "Publish"})
    assert AssessmentPage.objects.get(pk=page.pk).summary == "Released by a publisher."


# Unpublishing -------------------------------------------------------------------------------


def unpublish(client, page):
    return client.post(reverse("wagtailadmin_pages:unpublish", args=[page.pk]))


def test_anonymous_cannot_unpublish(client, people, page):
    assert unpublish(client, page)["Location"].startswith("/admin/login/")
    assert AssessmentPage.objects.get(pk=page.pk).live


@pytest.mark.parametrize("who", ["author", "reviewer"])
def test_author_and_reviewer_cannot_unpublish(client, people, page, who):
    login(client, people[who])
    assert unpublish(client, page).status_code in {302, 403}
    assert AssessmentPage.objects.get(pk=page.pk).live


def test_publisher_unpublishes(client, people, page):
    login(client, people["publisher"])
    unpublish(client, page)
    assert not AssessmentPage.objects.get(pk=page.pk).live
    assert client.get("/en/reports/2026/chapter-1/judgment-1-1/").status_code == 404


# Scheduling --------------------------------------------------------------------------------------


def tomorrow() -> str:
    when = timezone.localtime() + datetime.timedelta(days=1)
    return when.strftime("%Y-%m-%d %H:%M")


def test_anonymous_cannot_schedule(client, people, page):
    response = post_edit(client, page, go_live_at=tomorrow(), **{"action-publish": "Publish"})
    assert response["Location"].startswith("/admin/login/")
    assert not page.revisions.filter(approved_go_live_at__isnull=False).exists()


def test_author_cannot_schedule(client, people, page):
    login(client, people["author"])
    post_edit(client, page, go_live_at=tomorrow(), **{"action-publish": "Publish"})
    assert not page.revisions.filter(approved_go_live_at__isnull=False).exists()


def test_publisher_schedules_and_the_live_text_stays_until_then(client, people, page):
    login(client, people["publisher"])
    post_edit(
        client,
        page,
        summary="Embargoed until tomorrow.",
        go_live_at=tomorrow(),
        **{"action-publish": "Publish"},
    )
    scheduled = page.revisions.get(approved_go_live_at__isnull=False)
    assert scheduled.approved_go_live_at > timezone.now()
    assert AssessmentPage.objects.get(pk=page.pk).summary != "Embargoed until tomorrow."
    client.logout()
    html = client.get("/en/reports/2026/chapter-1/judgment-1-1/").content.decode()
    assert "Judgment 1.1 of 2026" in html
    assert "Embargoed until tomorrow." not in html


def test_every_publish_unpublish_and_schedule_is_in_the_audit_log(client, people, page):
    login(client, people["publisher"])
    post_edit(client, page, summary="v2", **{"action-publish": "Publish"})
    unpublish(client, page)
    post_edit(client, page, summary="v3", go_live_at=tomorrow(), **{"action-publish": "Publish"})
    entries = PageLogEntry.objects.filter(page=page, user=people["publisher"])
    actions = set(entries.values_list("action", flat=True))
    assert {"wagtail.publish", "wagtail.unpublish", "wagtail.publish.schedule"} <= actions


def test_roles_and_workflow_are_created_once(roles):
    ensure_editorial_roles(Page.get_first_root_node())
    assert Group.objects.filter(name__in=[AUTHORS, REVIEWERS, PUBLISHERS]).count() == 3
    assert Workflow.objects.filter(name=WORKFLOW_NAME).count() == 1
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert [t.name for t in workflow.tasks] == ["Review", "Sign-off"]
