"""Cache-Control and validators as a reader's browser and a shared cache see them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db
PAGE = "/en/reports/2026/chapter-1/judgment-1-1/"


def test_an_anonymous_page_is_public_with_validators_and_answers_304(client, editions):
    response = client.get(PAGE)
    assert response.status_code == 200
    control = response["Cache-Control"]
    for part in (
        "public",
        "max-age=30",
        "s-maxage=3600",
        "stale-while-revalidate=30",
        "stale-if-error=86400",
    ):
        assert part in control
    etag, modified = response["ETag"], response["Last-Modified"]
    assert client.get(PAGE, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(PAGE, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(PAGE, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_signed_in_editor_gets_private_no_store(client, editions):
    user = get_user_model().objects.create_superuser("editor", password="e" * 20)
    client.force_login(user)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_any_session_cookie_makes_the_response_private(client, editions):
    client.cookies["sessionid"] = "whatever"
    assert client.get(PAGE)["Cache-Control"] == "private, no-store"


@pytest.mark.search_index
def test_search_is_not_kept_by_shared_caches(client, editions):
    response = client.get("/en/search/?q=judgment")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"


def test_errors_and_redirects_are_not_stored_for_long(client, editions):
    assert client.get("/en/reports/2026/nope/")["Cache-Control"] == "public, max-age=0, s-maxage=10"
    redirect = client.get("/", HTTP_ACCEPT_LANGUAGE="lt")
    assert redirect.status_code in (301, 302)
    assert redirect["Cache-Control"] == "no-store"


def test_a_refused_file_is_a_404_no_cache_keeps(client, editions, settings, tmp_path):
    """A figure or document of an embargoed edition becomes public at its release, whose purge
    names pages, not their files' addresses: a cache in front must not answer 404 for it after
    the release, even for the ten seconds a page's 404 may be kept."""
    from threatpress.publishing.tests.media import make_document, make_image, use_disk_storage

    use_disk_storage(settings, tmp_path)
    image = make_image("Embargoed chart", "embargoed-chart.png")  # used by no public page
    document = make_document("Embargoed annex", "embargoed-annex.txt", "Not yet.")
    for url in (image.file.url, document.url, "/media/original_images/never-uploaded.png"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Cache-Control"] == "no-store", url


def test_feed_and_sitemap_are_public(client, editions):
    for path in ("/en/feed/", "/sitemap.xml"):
        response = client.get(path)
        assert response.status_code == 200
        assert response["Cache-Control"].startswith("public, ")
