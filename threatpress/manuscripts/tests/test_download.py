"""The "Download as Word" action and `manage.py export_manuscript`: who gets the manuscript."""

from __future__ import annotations

import io

import docx
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from threatpress.conftest import as_drafts

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def draft_edition(edition):
    as_drafts(edition)  # an edition before its release: nothing of it is public
    return edition


def url(edition) -> str:
    return reverse("threatpress_download_manuscript", args=[edition.pk])


def test_anonymous_is_sent_to_the_login_page(client, draft_edition):
    response = client.get(url(draft_edition))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


def test_an_admin_user_without_rights_on_the_edition_gets_404(client, draft_edition):
    user = get_user_model().objects.create_user(username="outsider", password="x" * 20)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(url(draft_edition))
    assert response.status_code == 404
    assert DOCX_TYPE not in response.get("Content-Type", "")


@pytest.mark.parametrize("role", ["author", "reviewer", "publisher"])
def test_an_editor_downloads_the_drafts_as_a_word_file(client, draft_edition, people, role):
    client.force_login(people[role])
    response = client.get(url(draft_edition))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="threat-assessment-2026-en.docx"'
    )
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert "Judgment 1.1 of 2026 is a full sentence." in headings  # a draft, not yet live


def test_the_action_is_in_the_editions_menu_for_editors_only(client, draft_edition, people):
    explore = reverse("wagtailadmin_explore", args=[draft_edition.pk])
    client.force_login(people["author"])
    page = client.get(explore).content.decode()
    assert url(draft_edition) in page and "Download as Word" in page
    chapter = draft_edition.get_children().first()
    assert (
        "Download as Word"
        not in client.get(reverse("wagtailadmin_explore", args=[chapter.pk])).content.decode()
    )


def test_an_unknown_edition_is_404_for_an_editor(client, draft_edition, people):
    client.force_login(people["publisher"])
    assert (
        client.get(url(draft_edition).replace(str(draft_edition.pk), "999999")).status_code == 404
    )


def test_the_command_writes_the_file_and_refuses_an_edition_that_does_not_exist(
    draft_edition, tmp_path
):
    target = tmp_path / "nta-2026.docx"
    out = io.StringIO()
    call_command("export_manuscript", str(target), year=2026, language="en", stdout=out)
    assert "nta-2026.docx" in out.getvalue()
    titles = [p.text for p in docx.Document(target).paragraphs if p.style.name == "Title"]
    assert titles == [draft_edition.title]
    with pytest.raises(CommandError, match="no 'lt' edition for 2026"):
        call_command("export_manuscript", str(tmp_path / "x.docx"), year=2026, language="lt")
    # --live: no chapter of a draft edition is live, so only the edition's own text is written.
    call_command("export_manuscript", str(target), year=2026, language="en", live=True, stdout=out)
    headings = [p.text for p in docx.Document(target).paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Foreword"]
