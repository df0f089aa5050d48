"""Bad input gets the site's own 4xx page, never a 500."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_no_raise():
    # raise_request_exception=False: a server error becomes a 500 response we can assert against.
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "path",
    [
        "/en/reports/1999/",
        "/en/reports/9999/chapter-1/judgment-1-1/",
        "/en/reports/2026/no-such-chapter/",
        "/en/reports/2026/chapter-1/no-such-judgment/",
        "/en/reports/2026/chapter-1/judgment-1-1/extra/",
        "/en/reports/2026/summary/extra/",
        "/en/reports/" + "a" * 300 + "/",
        "/en/reports/2026/" + "x/" * 200,
        "/de/reports/2026/",  # no such language: redirected to /en/de/..., which is not a page
        "/en/reports/%C4%8Dia/",  # valid UTF-8 (č), just not a page
    ],
)
def test_unknown_pages_are_404_with_the_site_page(client_no_raise, edition, path):
    response = client_no_raise.get(path, follow=True)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'class="site-header"' in html


@pytest.mark.parametrize(
    "path",
    [
        "/en/reports/%FF%FE/",  # not UTF-8
        "/en/reports/%C0%AF/",  # overlong UTF-8 encoding of "/"
        "/en/reports/2026/%00/",  # NUL: PostgreSQL would refuse it in a query
        "/en/reports/2026/chapter-1/%0Ajudgment/",  # control character
        "/en/reports/%E2%80%AE/",  # right-to-left override
        "/en/reports/2026/%25/",  # a literal percent sign
        "/en/" + "a" * 5000 + "/",
    ],
)
def test_malformed_paths_are_400_with_the_site_page(client_no_raise, edition, path):
    response = client_no_raise.get(path)
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?" + "junk=" + "x" * 4000,
        "?%FF%FE=%FF",
        "?a=1&a=2&b[]=3&c=%22%27%3C%3E",
        "?page=-1&year=abc",
        "?" + "&".join(f"k{i}=v" for i in range(500)),
    ],
)
def test_junk_query_strings_do_not_break_pages(client_no_raise, edition, query):
    response = client_no_raise.get("/en/reports/2026/chapter-1/judgment-1-1/" + query)
    assert response.status_code == 200
    assert "Judgment 1.1 of 2026" in response.content.decode()


def test_nul_in_query_string_is_400(client_no_raise, edition):
    response = client_no_raise.get("/en/reports/2026/?q=%00")
    assert response.status_code == 400


def test_unknown_host_is_400_not_500(edition):
    response = Client(raise_request_exception=False, HTTP_HOST="evil.example").get("/en/")
    assert response.status_code == 400


def test_forged_post_to_a_page_is_refused_cleanly(edition):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post("/en/reports/2026/", {"x": "y"})
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


HUGE_ID = "9223372036854775808"  # one past the widest key a database row can have


@pytest.mark.parametrize(
    "path",
    [
        f"/admin/releases/edition/{HUGE_ID}/",
        f"/admin/readiness/edition/{HUGE_ID}/",
        f"/admin/editions/{HUGE_ID}/manuscript.docx",
        f"/admin/translations/page/{HUGE_ID}/",
        f"/admin/preview-links/new/{HUGE_ID}/",
        f"/admin/exports/file/{HUGE_ID}/",
        "/admin/readiness/edition/999999/",
        "/admin/no-such-screen/",
    ],
)
def test_an_admin_address_with_no_such_row_is_a_404_for_an_editor(client_no_raise, edition, path):
    """Not a 500 (SQLite refuses a number wider than 64 bits), and not a redirect to the same
    address under /en/ either: the admin has no language prefix."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("chief", password="x" * 20)
    client_no_raise.force_login(user)
    response = client_no_raise.get(path, follow=True)  # a missing slash: added, then 404
    assert response.status_code == 404
    assert not any(url.startswith("/en/") for url, _status in response.redirect_chain)


@pytest.mark.parametrize("page", ["abc", "", "1.5", "\x00", "²", HUGE_ID])
def test_asking_to_make_a_file_again_for_no_page_is_a_404(client_no_raise, edition, page):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("chief", password="x" * 20)
    client_no_raise.force_login(user)
    response = client_no_raise.post("/admin/exports/", {"page": page, "format": "pdf"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path", ["/documents/0/missing.pdf", "/preview/" + "a" * 30 + "/no/such/", "/media/nothing.png"]
)
def test_a_missing_file_or_preview_is_a_404_where_it_was_asked(client_no_raise, edition, path):
    """Not first a redirect to /en/documents/… (the preview's token copied into it)."""
    response = client_no_raise.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_file_of_a_chapter_outside_every_edition_is_a_404(client_no_raise, edition):
    """A chapter put under the home page by a script has no edition, so no files."""
    from wagtail.models import Page

    from threatpress.reports.models import ChapterPage

    home = Page.objects.get(depth=2, locale__language_code="en")
    stray = home.add_child(instance=ChapterPage(title="Stray", slug="stray"))
    stray.save_revision().publish()
    response = client_no_raise.get("/en/stray/stray-2026.pdf")
    assert response.status_code == 404
