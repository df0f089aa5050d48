"""With the database unreachable, every kind of address answers a calm 503, never a 500.

Here every query fails the way a stopped PostgreSQL makes it fail (Django's OperationalError
from the cursor); the real thing, a PostgreSQL stopped and started under a running gunicorn, and
a SQLite file taken away, is in threatpress/core/tests/test_outage_live.py.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import DataError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

from threatpress.conftest import publish_all
from threatpress.core.outage import is_outage

pytestmark = [pytest.mark.django_db, pytest.mark.search_index]

TITLE = {"en": "<title>Back in a moment</title>", "lt": "<title>Tuoj grįšime</title>"}


@pytest.fixture
def database_down(monkeypatch):
    """From here on, every query fails as it does once the database server has gone."""

    def refuse(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    def down():
        monkeypatch.setattr(CursorWrapper, "_execute_with_wrappers", refuse)
        monkeypatch.setattr(CursorWrapper, "callproc", refuse)

    return down


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


def assert_back_soon(response, language: str) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    # Never kept by a cache: the real page must come back as soon as the database does.
    # no-store whatever else is said (a signed-in editor's answer is also marked private)
    assert "no-store" in [d.strip() for d in response["Cache-Control"].split(",")]
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert TITLE[language] in html
    assert "Traceback" not in html and "OperationalError" not in html
    return html


@pytest.mark.parametrize("language", ["en", "lt"])
def test_a_page_answers_503_in_the_language_of_its_address(
    reader, edition, database_down, language
):
    publish_all(edition)
    url = f"/{language}/reports/{edition.slug}/"
    database_down()
    assert_back_soon(reader.get(url), language)


def test_the_page_is_the_sites_own_design_and_needs_no_database(reader, site_tree, database_down):
    database_down()
    html = assert_back_soon(reader.get("/en/reports/"), "en")
    assert 'class="site-header"' in html
    assert "/static/css/site.css" in html


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/en/search/?q=cyber",
        "/en/feed/",
        "/sitemap.xml",
        "/documents/1/report.pdf",
        "/media/original_images/map.png",
        "/en/reports/2026/report-2026.pdf",
    ],
)
def test_other_public_addresses_answer_503_too(reader, site_tree, database_down, path):
    database_down()
    response = reader.get(path, headers={"accept-language": "en"})
    assert response.status_code == 503, path
    # no-store whatever else is said (a signed-in editor's answer is also marked private)
    assert "no-store" in [d.strip() for d in response["Cache-Control"].split(",")]


def test_the_admin_answers_503_for_a_signed_in_editor(reader, site_tree, database_down):
    user = get_user_model().objects.create_superuser("editor", "e@example.org", "x" * 20)
    reader.force_login(user)
    database_down()
    response = reader.get("/admin/pages/", headers={"accept-language": "lt"})
    assert_back_soon(response, "lt")


def test_the_api_answers_503_in_json(reader, site_tree, database_down):
    database_down()
    response = reader.get("/api/v2/pages/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    # no-store whatever else is said (a signed-in editor's answer is also marked private)
    assert "no-store" in [d.strip() for d in response["Cache-Control"].split(",")]
    assert response.json() == {"message": "The service is briefly unavailable. Try again shortly."}


def test_the_health_check_says_the_database_is_unavailable(reader, database_down):
    database_down()
    response = reader.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "database unavailable"}


def test_other_database_errors_are_still_500s(reader, site_tree, monkeypatch):
    """A query our code gets wrong is a bug to fix, not an outage to wait out."""

    def wrong(request):
        raise DataError("value too long for type character varying(255)")

    monkeypatch.setattr("threatpress.consent.views.settings_page", wrong)
    response = reader.get("/en/consent/")
    assert response.status_code == 500
    assert not is_outage(DataError("x"))
    assert is_outage(RuntimeError("in a template")) is False


def test_an_outage_wrapped_in_another_exception_is_still_an_outage():
    try:
        try:
            raise OperationalError("could not connect to server")
        except OperationalError as exc:
            raise RuntimeError("while rendering") from exc
    except RuntimeError as wrapped:
        assert is_outage(wrapped)


def test_a_page_cache_keeps_no_503(reader, edition, database_down, monkeypatch, settings):
    """A full-page cache (here Django's own, for anonymous readers) must not go on serving the
    503 once the database is back."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.MIDDLEWARE = [
        "django.middleware.cache.UpdateCacheMiddleware",
        *settings.MIDDLEWARE,
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    publish_all(edition)
    url = f"/en/reports/{edition.slug}/"
    database_down()
    assert reader.get(url).status_code == 503
    monkeypatch.undo()  # the database is back
    response = reader.get(url)
    assert response.status_code == 200
    assert edition.title in response.content.decode()
