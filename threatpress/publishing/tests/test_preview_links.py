"""Preview links: a publisher shows an embargoed edition to someone outside the CMS."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from threatpress.conftest import as_drafts, build_edition
from threatpress.publishing.models import PreviewLink, PreviewLinkUse
from threatpress.reports.models import AssessmentPage, EditionPage

from .media import figure_block, make_image, use_disk_storage

pytestmark = pytest.mark.django_db
SECRET = "Draft judgment text for the minister"


@pytest.fixture
def draft_edition(site_tree, settings, tmp_path) -> EditionPage:
    use_disk_storage(settings, tmp_path)
    edition = build_edition(site_tree.reports, 2027, chapters=1, per_chapter=2)
    image = make_image("Draft chart", "draft-chart.png")
    marked = AssessmentPage.objects.descendant_of(edition).get(slug="judgment-1-1")
    marked.summary = SECRET
    marked.body = [figure_block(image)]
    marked.save()
    as_drafts(edition)
    return EditionPage.objects.get(pk=edition.pk)


def make_link(edition, publisher, days: int = 7) -> str:
    _, token = PreviewLink.create(
        edition, "Office of the Minister", timezone.now() + datetime.timedelta(days=days), publisher
    )
    return f"/preview/{token}/"


def test_a_link_opens_the_whole_embargoed_edition_and_nothing_else(client, draft_edition, people):
    base = make_link(draft_edition, people["publisher"])
    response = client.get(base)
    assert response.status_code == 200
    landing = response.content.decode()
    # The contents list the drafts, and their links stay inside the preview.
    assert f'href="{base}chapter-1/judgment-1-1/"' in landing
    assert 'href="/en/reports/2027/' not in landing

    response = client.get(f"{base}chapter-1/judgment-1-1/")
    page = response.content.decode()
    assert response.status_code == 200 and SECRET in page
    image_src = re.search(r'src="(/preview-files/[^"]+)"', page).group(1)
    assert client.get(image_src).status_code == 200
    assert SECRET in client.get(f"{base}summary/").content.decode()
    # Not the rest of the site: the public URL of the same page is still 404.
    assert client.get("/en/reports/2027/chapter-1/judgment-1-1/").status_code == 404


def test_a_preview_is_never_cached_indexed_or_referred(client, draft_edition, people):
    response = client.get(make_link(draft_edition, people["publisher"]) + "chapter-1/judgment-1-1/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def test_the_token_is_not_stored_only_its_fingerprint(draft_edition, people):
    url = make_link(draft_edition, people["publisher"])
    token = url.split("/")[2]
    assert len(token) >= 32
    assert not PreviewLink.objects.filter(token_hash__contains=token).exists()
    assert PreviewLink.find(token) is not None


def test_an_expired_link_is_refused_and_the_attempt_logged(client, draft_edition, people):
    url = make_link(draft_edition, people["publisher"], days=1)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        response = client.get(url)
    assert response.status_code == 410
    assert "no longer valid" in response.content.decode()
    assert SECRET not in response.content.decode()
    assert PreviewLinkUse.objects.get().outcome == PreviewLinkUse.EXPIRED


def test_a_revoked_link_is_refused_at_once(client, draft_edition, people):
    url = make_link(draft_edition, people["publisher"])
    assert client.get(url).status_code == 200
    PreviewLink.objects.get().revoke(people["publisher"])
    assert client.get(url + "chapter-1/judgment-1-1/").status_code == 410
    outcomes = list(PreviewLinkUse.objects.order_by("at").values_list("outcome", "path"))
    assert outcomes == [("served", "/"), ("revoked", "/chapter-1/judgment-1-1/")]


def test_an_unknown_token_or_path_is_a_plain_404(client, draft_edition, people):
    # (Django's locale middleware first tries the same address under /en/; it is 404 there too.)
    assert client.get("/preview/" + "x" * 32 + "/", follow=True).status_code == 404
    url = make_link(draft_edition, people["publisher"])
    assert client.get(url + "no-such-chapter/", follow=True).status_code == 404
    files = url.replace("/preview/", "/preview-files/")
    assert client.get(files + "images/x.png", follow=True).status_code == 404


def test_every_use_is_logged_with_address_and_browser(client, draft_edition, people):
    url = make_link(draft_edition, people["publisher"])
    client.get(url + "chapter-1/", HTTP_USER_AGENT="Minister's tablet", REMOTE_ADDR="127.0.0.9")
    use = PreviewLinkUse.objects.get()
    assert (use.path, use.outcome, use.ip_address, use.user_agent) == (
        "/chapter-1/",
        "served",
        "127.0.0.9",
        "Minister's tablet",
    )


def test_what_the_browser_fetches_for_a_page_is_not_logged_as_a_use(client, draft_edition, people):
    """A previewed page asks for the edition's print style sheet through the link, by itself:
    the log lists the page the recipient opened, once, not a "/print/" they never asked for."""
    url = make_link(draft_edition, people["publisher"])
    page = client.get(url).content.decode()
    sheet = re.search(r'<link rel="stylesheet" href="(/preview/[^"]+/print/)"', page)[1]
    assert client.get(sheet)["Content-Type"].startswith("text/css")
    assert list(PreviewLinkUse.objects.values_list("path", flat=True)) == ["/"]


# --- The admin screens, each tried anonymously, without the right and with it ------------------


def create_url(page) -> str:
    return reverse("threatpress_create_preview_link", args=[page.pk])


def in_a_week() -> str:
    return timezone.localtime(timezone.now() + datetime.timedelta(days=7)).strftime(
        "%Y-%m-%dT%H:%M"
    )


def test_anonymous_visitor_cannot_create_or_read_links(client, draft_edition, people):
    response = client.post(create_url(draft_edition), {"recipient": "X", "expires_at": in_a_week()})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not PreviewLink.objects.exists()


def test_an_author_cannot_create_revoke_or_read_links(client, draft_edition, people):
    make_link(draft_edition, people["publisher"])
    link = PreviewLink.objects.get()
    client.force_login(people["author"])
    home = reverse("wagtailadmin_home")
    detail = reverse("threatpress_preview_link", args=[link.pk])
    for response in (
        client.post(create_url(draft_edition), {"recipient": "X", "expires_at": in_a_week()}),
        client.get(detail),
        client.post(detail),
    ):
        assert response.status_code == 302 and response["Location"] == home
    assert PreviewLink.objects.count() == 1 and PreviewLink.objects.get().is_active
    assert (
        "Office of the Minister"
        not in client.get(reverse("threatpress_preview_links")).content.decode()
    )


def test_a_publisher_creates_a_link_sees_it_once_reads_its_log_and_revokes_it(
    client, draft_edition, people
):
    client.force_login(people["publisher"])
    response = client.post(
        create_url(draft_edition), {"recipient": "Ministry lawyer", "expires_at": in_a_week()}
    )
    assert response.status_code == 200
    url = re.search(r'value="(http://testserver/preview/[^"]+)"', response.content.decode())[1]
    assert "Copy it now" in response.content.decode()

    client.logout()
    assert SECRET in client.get(url + "chapter-1/judgment-1-1/").content.decode()

    client.force_login(people["publisher"])
    link = PreviewLink.objects.get()
    detail = reverse("threatpress_preview_link", args=[link.pk])
    log = client.get(detail).content.decode()
    assert "Ministry lawyer" in log and "/chapter-1/judgment-1-1/" in log
    assert url.split("/")[-2] not in log  # the token is shown once, never again
    client.post(detail)
    client.logout()
    assert client.get(url).status_code == 410


@pytest.mark.parametrize(
    ("expires", "message"),
    [
        ("2001-01-01T10:00", "Choose a time in the future."),
        ("2099-01-01T10:00", "at most 90 days"),
        ("soon", "Enter a valid date"),
    ],
)
def test_a_bad_expiry_gets_a_form_error_and_no_link(
    client, draft_edition, people, expires, message
):
    client.force_login(people["publisher"])
    response = client.post(create_url(draft_edition), {"recipient": "X", "expires_at": expires})
    assert response.status_code == 200 and message in response.content.decode()
    assert not PreviewLink.objects.exists()
