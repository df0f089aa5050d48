"""Previews of unpublished text are never cached and never indexed."""

import pytest

from threatpress.reports.models import AssessmentPage

pytestmark = pytest.mark.django_db


def test_preview_of_a_draft_is_private_uncacheable_and_noindex(edition):
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    page.summary = "Draft text that is not public."
    page.save_revision()
    draft = page.get_latest_revision_as_object()
    response = draft.make_preview_request(preview_mode=draft.default_preview_mode)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft text that is not public." in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store", "no-cache", "max-age=0"} <= cache_control
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_public_page_is_indexable(client, edition):
    response = client.get("/en/reports/2026/chapter-1/judgment-1-1/")
    assert "noindex" not in response.content.decode()
    assert "X-Robots-Tag" not in response
