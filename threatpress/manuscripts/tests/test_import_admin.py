"""Admin › Import manuscript, through Django's test client: who may, and each step."""

from __future__ import annotations

import os
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import Page, Revision

from threatpress.manuscripts import uploads
from threatpress.regions.models import Region
from threatpress.reports.models import AssessmentPage, EditionPage

from .builders import JUDGMENTS
from .docx_builder import small_manuscript

pytestmark = pytest.mark.django_db
UPLOAD_URL = "/admin/manuscripts/import/"


@pytest.fixture(autouse=True)
def private_folder(settings, tmp_path):
    settings.THREATPRESS_MANUSCRIPT_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def gone(client, url, method="get") -> bool:
    """A 404 in the end: Django's LocaleMiddleware first redirects an unprefixed 404 to the
    /en/ address (where the page tree answers it)."""
    response = getattr(client, method)(url, follow=True)
    return response.status_code == 404


def upload(client, year=2027, language="en", content: bytes | None = None):
    """Uploads a .docx built with python-docx (`small_manuscript`) unless given other bytes."""
    docx = SimpleUploadedFile("edition-2027.docx", content or small_manuscript())
    return client.post(UPLOAD_URL, {"file": docx, "year": year, "language": language})


def test_anonymous_visitors_are_sent_to_the_login_page(client, site_tree):
    response = client.get(UPLOAD_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = upload(client)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not EditionPage.objects.filter(year=2027).exists()


def test_an_author_may_not_import(client, people):
    client.force_login(people["author"])
    # Wagtail answers a refused admin view by sending the user back to the dashboard.
    home = reverse("wagtailadmin_home")
    for response in (client.get(UPLOAD_URL), upload(client)):
        assert response.status_code == 302 and response["Location"] == home
    assert not EditionPage.objects.filter(year=2027).exists()
    menu = client.get(home).content.decode()
    assert "Import manuscript" not in menu


def test_a_publisher_uploads_confirms_and_gets_drafts(client, people, private_folder):
    belarus = Region.objects.create(name="Belarus", slug="belarus")
    lithuania = Region.objects.create(name="Lithuania", slug="lithuania")
    client.force_login(people["publisher"])
    assert "Import manuscript" in client.get(reverse("wagtailadmin_home")).content.decode()

    response = upload(client)
    assert response.status_code == 302
    confirm_url = response["Location"]
    assert len(list(private_folder.iterdir())) == 2  # the file and what it is for
    page = client.get(confirm_url).content.decode()
    assert page.count("data-assessment=") == 4
    # the proposal is preselected: "likely" and Belarus for 1.1
    assert '<option value="likely" selected>' in page
    assert page.count(" checked") == 1 and f'value="{belarus.pk}"' in page

    response = client.post(
        confirm_url,
        {
            "probability_1.1": "highly-likely",
            "regions_1.1": [str(lithuania.pk)],
            "probability_2.2": "unlikely",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    edition = EditionPage.objects.get(year=2027)
    assert reverse("wagtailadmin_explore", args=[edition.pk]) in body
    for page in Page.objects.descendant_of(edition, inclusive=True):
        assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in body
        assert not page.live
    assert body.count('data-outcome="created"') == 7
    first = AssessmentPage.objects.get(title__startswith="Russia will keep")
    assert first.probability == "highly-likely" and list(first.regions.all()) == [lithuania]
    assert Revision.objects.filter(user=people["publisher"]).count() == 7
    assert list(private_folder.iterdir()) == []  # removed after the save
    assert gone(client, confirm_url)  # and the token is spent


def test_a_blocking_problem_stops_the_upload_with_its_heading(client, people):
    client.force_login(people["publisher"])
    response = upload(client, content=small_manuscript(picture_without_alt=True))
    assert response.status_code == 422
    body = response.content.decode()
    assert escape(JUDGMENTS[2][0]) in body and "A picture has no alternative text" in body
    assert not EditionPage.objects.filter(year=2027).exists()


def test_a_probability_outside_the_scale_is_a_form_error(client, people):
    client.force_login(people["publisher"])
    confirm_url = upload(client)["Location"]
    response = client.post(confirm_url, {"probability_1.1": "certain"})
    assert response.status_code == 200  # the form again, with the error
    assert "Select a valid choice" in response.content.decode()
    assert not EditionPage.objects.filter(year=2027).exists()


def test_a_file_over_the_limit_is_a_form_error(client, people, settings):
    settings.THREATPRESS_MANUSCRIPT_MAX_BYTES = 1000
    client.force_login(people["publisher"])
    response = upload(client, content=b"x" * 2000)
    assert response.status_code == 200
    assert "at most 1000" in response.content.decode()


def test_wrong_foreign_and_expired_tokens_are_4xx(client, people, private_folder):
    client.force_login(people["publisher"])
    confirm_url = upload(client)["Location"]
    token = confirm_url.rstrip("/").rsplit("/", 1)[1]
    assert gone(client, UPLOAD_URL + "not-a-token/")
    assert gone(client, UPLOAD_URL + "A" * 32 + "/")
    assert gone(client, UPLOAD_URL + "..%2F..%2Fetc%2Fpasswd/", method="post")

    other = people["publisher"].__class__.objects.create_user("other", password="x" * 20)
    other.groups.set(people["publisher"].groups.all())
    client.force_login(other)
    assert gone(client, confirm_url)  # another publisher's upload

    client.force_login(people["publisher"])
    hour_ago = time.time() - uploads.LIFETIME - 1
    for path in private_folder.iterdir():
        os.utime(path, (hour_ago, hour_ago))
    response = client.get(confirm_url)
    assert response.status_code == 410
    assert not (private_folder / f"{token}.docx").exists()


def test_notes_are_shown_and_a_second_import_changes_nothing(client, people):
    client.force_login(people["publisher"])
    confirm_url = upload(client, content=small_manuscript(underline=True))["Location"]
    page = client.get(confirm_url).content.decode()
    assert 'data-problem="underline"' in page
    assert "Underlined text: kept the text, dropped the underline." in page
    client.post(confirm_url, {})

    revisions = Revision.objects.count()
    # the second document lacks one judgment
    second = small_manuscript(underline=True, leave_out_last=True)
    confirm_url = upload(client, content=second)["Location"]
    body = client.post(confirm_url, {}).content.decode()
    assert body.count('data-outcome="unchanged"') == 6
    assert Revision.objects.count() == revisions
    assert "Not in the manuscript" in body
    dropped = AssessmentPage.objects.get(title__startswith="Migration pressure")
    assert reverse("wagtailadmin_pages:edit", args=[dropped.pk]) in body


def test_uploads_wait_outside_media_and_old_ones_are_swept(settings, tmp_path):
    settings.THREATPRESS_MANUSCRIPT_UPLOAD_DIR = ""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    default = uploads.folder()
    assert not default.resolve().is_relative_to((tmp_path / "media").resolve())
    assert default.stat().st_mode & 0o077 == 0  # only the site's own user may look inside

    settings.THREATPRESS_MANUSCRIPT_UPLOAD_DIR = str(tmp_path / "uploads")
    old = uploads.store(b"old", user_id=1, year=2027, language="en", name="old.docx")
    hour_ago = time.time() - uploads.LIFETIME - 1
    for path in (tmp_path / "uploads").iterdir():
        os.utime(path, (hour_ago, hour_ago))
    new = uploads.store(b"new", user_id=1, year=2027, language="en", name="new.docx")
    assert sorted(p.stem for p in (tmp_path / "uploads").iterdir()) == [new, new]
    with pytest.raises(uploads.UploadMissing):
        uploads.load(old, 1)
    assert uploads.load(new, 1).data == b"new"


def breadcrumb(html: str) -> str:
    """The text of the admin header's last breadcrumb: what the header shows as the page."""
    trail = html[html.index('aria-label="Breadcrumb"') : html.index("</nav>")]
    return re.sub(r"<[^>]+>|\s+", " ", trail.rsplit("<li", 1)[1].split(">", 1)[1]).strip()


def test_the_header_names_the_step_not_home(client, people):
    client.force_login(people["publisher"])
    assert breadcrumb(client.get(UPLOAD_URL).content.decode()) == "Import manuscript"
    confirm_url = upload(client)["Location"]
    assert breadcrumb(client.get(confirm_url).content.decode()) == "Import edition-2027.docx"


def test_a_second_import_keeps_the_countries_an_editor_added(client, people):
    """The text of 1.1 names Belarus; an editor also tagged it Lithuania by hand. The next
    upload of the manuscript offers both, ticked: it adds what the text names and drops
    nothing the publisher did not untick."""
    belarus = Region.objects.create(name="Belarus", slug="belarus")
    lithuania = Region.objects.create(name="Lithuania", slug="lithuania")
    client.force_login(people["publisher"])
    confirm_url = upload(client)["Location"]
    client.post(confirm_url, {"probability_1.1": "likely", "regions_1.1": [str(belarus.pk)]})
    first = AssessmentPage.objects.get(title__startswith="Russia will keep")
    draft = first.get_latest_revision_as_object()
    draft.regions = [belarus, lithuania]
    draft.save_revision(user=people["publisher"])

    page = client.get(upload(client)["Location"]).content.decode()
    row = page.split('data-assessment="1.1"', 1)[1].split("data-assessment=", 1)[0]
    ticked = re.findall(r'value="(\d+)"[^>]*checked', row)
    assert sorted(ticked) == sorted([str(belarus.pk), str(lithuania.pk)])
