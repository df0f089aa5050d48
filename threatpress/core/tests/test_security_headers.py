"""Strict security headers on every kind of response a reader can get."""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/en/reports/2026/chapter-1/judgment-1-1/", 200),
        ("/en/reports/2026/no-such-page/", 404),
        ("/en/reports/%FF/", 400),
    ],
)
def test_every_response_carries_the_security_headers(edition, path, status):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == status
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()"):
        assert feature in policy


def test_passwords_are_hashed_with_argon2():
    from threatpress.settings import base

    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        assert make_password("a-long-chosen-password").startswith("argon2$")
