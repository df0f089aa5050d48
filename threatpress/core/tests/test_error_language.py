"""Error pages speak the language of the address: /lt/nope is a Lithuanian 404, /en/nope an
English one, and so for 400, 403 and 500 (LocaleMiddleware has chosen the language from the
prefix before any of them is rendered)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

WORDS = {
    404: {"en": "Page not found", "lt": "Puslapis nerastas"},
    400: {"en": "Bad request", "lt": "Netinkama užklausa"},
    403: {"en": "Not allowed", "lt": "Neleidžiama"},
    500: {"en": "Something went wrong", "lt": "Kažkas nepavyko"},
}
OTHER = {"en": "lt", "lt": "en"}


@pytest.fixture
def client_no_raise():
    return Client(raise_request_exception=False)


def assert_in_language(response, status: int, language: str) -> None:
    assert response.status_code == status
    html = response.content.decode()
    assert re.search(rf'<html lang="{language}"', html), html[:200]
    assert f"<title>{WORDS[status][language]}" in html
    assert WORDS[status][OTHER[language]] not in html


@pytest.mark.parametrize("language", ["en", "lt"])
def test_404_speaks_the_language_of_the_prefix(client_no_raise, edition, language):
    response = client_no_raise.get(f"/{language}/nope/")
    assert_in_language(response, 404, language)


@pytest.mark.parametrize("language", ["en", "lt"])
def test_400_from_the_malformed_request_middleware_speaks_it_too(
    client_no_raise, site_tree, language
):
    response = client_no_raise.get(f"/{language}/reports/%FF%FE/")
    assert_in_language(response, 400, language)


@pytest.mark.parametrize("language", ["en", "lt"])
def test_403_for_a_forged_consent_form_speaks_it_too(client_no_raise, site_tree, language):
    response = client_no_raise.post(
        f"/{language}/consent/", {"choice": "accept_all"}, headers={"sec-fetch-site": "cross-site"}
    )
    assert_in_language(response, 403, language)


@pytest.mark.parametrize("language", ["en", "lt"])
def test_500_speaks_it_too(client_no_raise, site_tree, language, monkeypatch):
    def broken(request):
        raise RuntimeError("a bug")

    monkeypatch.setattr("threatpress.consent.views.settings_page", broken)
    word = {"lt": "slapukai"}.get(language, "consent")  # the settings page in the language
    response = client_no_raise.get(f"/{language}/{word}/")
    assert_in_language(response, 500, language)
