"""The Content-Security-Policy follows the registry; pages say that they depend on the cookie."""

import pytest

pytestmark = pytest.mark.django_db
PAGE = "/en/reports/2026/chapter-1/judgment-1-1/"


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def test_without_a_registered_script_the_policy_allows_only_this_site(client, edition):
    csp = directives(client.get(PAGE))
    assert csp["script-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]


def test_a_registered_script_from_another_origin_is_allowed_there_and_nowhere_else(
    client, edition, statistics
):
    csp = directives(client.get(PAGE))
    assert csp["script-src"] == ["'self'", "https://stats.example.org"]
    assert csp["connect-src"] == ["'self'", "https://stats.example.org"]
    assert csp["img-src"] == ["'self'", "data:", "https://stats.example.org"]
    assert csp["style-src"] == ["'self'"] and "unsafe-inline" not in str(csp)


def test_the_admin_keeps_its_own_policy_without_the_registered_origin(client, edition, statistics):
    csp = directives(client.get("/admin/login/"))
    assert "'self'" in csp["script-src"]
    assert not any("stats.example.org" in source for sources in csp.values() for source in sources)


def test_pages_with_the_dialog_vary_on_cookie_and_others_do_not_need_to(client, edition):
    assert "Cookie" in client.get(PAGE)["Vary"]
    assert "Cookie" not in client.get("/healthz").get("Vary", "")
