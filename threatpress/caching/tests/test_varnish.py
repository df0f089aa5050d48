"""Varnish with deploy/varnish/threatpress.vcl in front of a real gunicorn: what a reader, an
editor and an operator notice. One varnishd and one site for the module (varnish_stack.py)."""

from __future__ import annotations

import gzip
import re
import socket
import sqlite3
import time
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from wagtail.models import Locale, Page

from threatpress.conftest import build_edition, build_site, publish_all
from threatpress.consent.registry import get_registry
from threatpress.core.locales import ensure_locales
from threatpress.reports.models import AssessmentPage

from .varnish_stack import AppServer, Varnish, free_port, request

pytestmark = [
    pytest.mark.django_db,  # for the fixture's set-up; the tests use gunicorn's copy
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="gunicorn serves a copy of the SQLite test database"
    ),
]


@dataclass
class Site:
    version: str  # the consent policy's
    session: str  # the editor's session cookie
    draft_id: int  # a page with an unpublished change


PAGE = "/en/reports/2026/chapter-1/judgment-1-1/"
OTHER_PAGE = "/en/reports/2026/chapter-1/judgment-1-2/"
SHARED_SECONDS = 2  # the app's s-maxage here, so that "stale" comes within a test's time
EDITED_TITLE = "Published through the admin behind Varnish"
DIALOG_OPEN = re.compile(r'<dialog class="consent"[^>]*\sopen[\s>]')


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    """The site, an editor with a session and a draft, gunicorn and Varnish."""
    folder = tmp_path_factory.mktemp("varnish")
    varnish = Varnish(free_port(), folder)
    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
        ensure_locales()
        if not Page.get_first_root_node():  # a transactional test before us flushed it away
            Page.add_root(instance=Page(title="Root", slug="root", locale=Locale.get_default()))
        with transaction.atomic():
            tree = build_site()
            publish_all(build_edition(tree.reports, 2026, chapters=1, per_chapter=2))
            editor = get_user_model().objects.create_superuser("editor", "e@example.com", "pw")
            draft = AssessmentPage.objects.get(url_path__endswith="/judgment-1-2/")
            draft.title = EDITED_TITLE
            draft.save_revision(user=editor)  # the public page is unchanged until published
        browser = Client()
        browser.force_login(editor)  # a session row in the database gunicorn reads
        site = Site(
            version=get_registry().version,
            session=browser.cookies["sessionid"].value,
            draft_id=draft.pk,
        )
        # gunicorn gets a copy: each test here runs in a transaction of the test database
        # (which would lock SQLite for gunicorn), and the tests after these find it as it was.
        database = folder / "site.sqlite3"
        with sqlite3.connect(database) as copy:
            connection.connection.backup(copy)
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(before)
    app = AppServer(
        free_port(),
        {
            "DJANGO_SETTINGS_MODULE": "threatpress.settings.test",
            "DATABASE_URL": f"sqlite:///{database}",
            "THREATPRESS_CACHE_PURGE_LOG": str(folder / "purges.log"),
            "THREATPRESS_VARNISH_URL": f"http://127.0.0.1:{varnish.port}",
            "THREATPRESS_CACHE_SHARED_SECONDS": str(SHARED_SECONDS),
        },
        folder / "gunicorn.log",
    )
    try:
        app.start()
        varnish.start(app.port)
        yield varnish, app, site
    finally:
        app.stop()
        varnish.stop()


@pytest.fixture
def front(stack):
    """Varnish emptied before each test, so that each starts with a miss."""
    varnish, app, _ = stack
    if app.process is None:
        app.start()
    varnish.wait_until("healthy")
    varnish.forget_everything()
    return stack


def get(varnish: Varnish, path: str = PAGE, **headers) -> object:
    return request(varnish.port, path, headers=headers)


def consent_cookie(version: str, consent_id: str, granted: str = "-") -> str:
    return f"tp_consent={version}.{consent_id * 32}.{granted}"


def test_a_page_is_fetched_once_then_served_from_varnish(front):
    varnish, _, _ = front
    first, second = get(varnish), get(varnish)
    assert (first.status, first.cache) == (200, "MISS")
    assert (second.status, second.cache) == (200, "HIT")
    assert second.body == first.body
    assert "s-maxage=" in second.headers["cache-control"]
    # Browsers and caches further out still learn that the page depends on cookies.
    assert "cookie" in second.headers["vary"].lower()


def test_a_browser_gets_the_page_gzipped_a_plain_client_gets_it_plain_both_from_varnish(front):
    varnish, _, _ = front
    browser = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    plain = [get(varnish), get(varnish, **{"Accept-Encoding": "gzip;q=0, identity"})]
    packed = [get(varnish, **browser), get(varnish, **browser)]
    assert [reply.cache for reply in plain + packed] == ["MISS", "HIT", "MISS", "HIT"]
    assert all("content-encoding" not in reply.headers for reply in plain)
    assert all(reply.headers["content-encoding"] == "gzip" for reply in packed)
    assert gzip.decompress(packed[1].data) == plain[1].data
    assert len(packed[1].data) < len(plain[1].data) / 3  # about 30 KB down to under 10
    for reply in plain + packed:
        assert "accept-encoding" in reply.headers["vary"].lower()
        assert int(reply.headers["content-length"]) == len(reply.data)
    # Each form is kept as the app sent it, not unzipped by Varnish on delivery (which would
    # weaken the plain copy's ETag): a plain client can revalidate with its strong tag.
    assert not plain[1].headers["etag"].startswith("W/")
    assert packed[1].headers["etag"] == "W/" + plain[1].headers["etag"]
    again = get(varnish, **{"If-None-Match": plain[1].headers["etag"]})
    assert (again.status, again.data) == (304, b"")
    # One PURGE removes both forms.
    assert request(varnish.port, PAGE, method="PURGE").status == 200
    assert (get(varnish).cache, get(varnish, **browser).cache) == ("MISS", "MISS")


def test_the_consent_answer_selects_one_of_two_copies_whatever_the_other_cookies(front):
    varnish, _, site = front
    undecided = get(varnish, Cookie="_ga=GA1.2.3; theme=dark")
    decided = get(varnish, Cookie=f"lang=lt; {consent_cookie(site.version, 'a')}; _ga=GA1.9")
    # A third reader: another consent id, other categories, no other cookie.
    another = get(varnish, Cookie=consent_cookie(site.version, "b", "analytics"))
    undecided_again = get(varnish)
    assert (undecided.cache, decided.cache) == ("MISS", "MISS")
    assert DIALOG_OPEN.search(undecided.body)
    assert not DIALOG_OPEN.search(decided.body)
    assert (another.cache, another.body) == ("HIT", decided.body)
    assert (undecided_again.cache, undecided_again.body) == ("HIT", undecided.body)


def test_an_answer_to_an_older_policy_gets_the_dialog_as_the_app_gives_it_and_no_one_else(front):
    """After a policy change the app asks again those who answered the old version; Varnish must
    neither store that page as the "answered" copy nor give them the current readers' copy."""
    varnish, _, site = front
    older = "0" * 10 if site.version != "0" * 10 else "1" * 10
    stale = get(varnish, Cookie=consent_cookie(older, "d"))
    current = get(varnish, Cookie=consent_cookie(site.version, "e"))
    stale_again = get(varnish, Cookie=consent_cookie(older, "f", "analytics"))
    current_again = get(varnish, Cookie=consent_cookie(site.version, "a"))
    assert DIALOG_OPEN.search(stale.body)
    assert current.cache == "MISS" and not DIALOG_OPEN.search(current.body)
    assert (stale_again.cache, stale_again.body) == ("HIT", stale.body)
    assert (current_again.cache, current_again.body) == ("HIT", current.body)


def test_a_malformed_consent_cookie_gets_the_page_with_the_dialog(front):
    varnish, _, site = front
    get(varnish)
    forged = get(varnish, Cookie=f"tp_consent={site.version}.not-an-id.-")
    assert forged.cache == "HIT"
    assert DIALOG_OPEN.search(forged.body)


@pytest.mark.parametrize("path", [PAGE, "/admin/login/", f"{PAGE}?preview=1"])
def test_sessions_the_admin_and_query_strings_are_passed_to_the_app(front, path):
    varnish, _, _ = front
    cookie = {"Cookie": "sessionid=abc"} if path == PAGE else {}
    replies = [get(varnish, path, **cookie) for _ in range(2)]
    assert [reply.cache for reply in replies] == ["PASS", "PASS"]
    if path == PAGE:
        assert replies[1].headers["cache-control"] == "private, no-store"


def test_an_editors_publish_is_visible_through_varnish_within_two_seconds(front):
    varnish, _, site = front
    assert get(varnish, OTHER_PAGE).cache == "MISS"
    assert get(varnish, OTHER_PAGE).cache == "HIT"
    assert EDITED_TITLE not in get(varnish, OTHER_PAGE).body
    # The editor publishes the draft in the admin, through Varnish (their session is passed).
    action = f"/admin/bulk/wagtailcore/page/publish/?id={site.draft_id}"
    confirm = request(varnish.port, action, headers={"Cookie": f"sessionid={site.session}"})
    assert (confirm.status, confirm.cache) == (200, "PASS"), confirm.body[:300]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', confirm.body)[1]
    csrf_cookie = re.search(r"csrftoken=([^;]+)", confirm.headers.get("set-cookie", ""))
    cookies = f"sessionid={site.session}; csrftoken={csrf_cookie[1]}"
    published = request(
        varnish.port, action, method="POST", body=f"csrfmiddlewaretoken={csrf}".encode(),
        headers={"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded",
                 "Referer": f"http://testserver{action}"},
    )  # fmt: skip
    assert published.status == 302, published.body[:300]
    started = time.monotonic()
    while EDITED_TITLE not in get(varnish, OTHER_PAGE).body:
        assert time.monotonic() - started < 2, "Varnish still served the old page after 2 s"
        time.sleep(0.05)


def test_a_purge_from_the_app_servers_address_removes_both_consent_copies(front):
    varnish, _, site = front
    decided = {"Cookie": consent_cookie(site.version, "c")}
    get(varnish), get(varnish, **decided)
    purge = request(varnish.port, PAGE, method="PURGE")
    assert purge.status == 200
    assert get(varnish).cache == "MISS"
    assert get(varnish, **decided).cache == "MISS"


def test_a_purge_of_an_api_listing_removes_its_answers_with_a_query_string_too(front):
    varnish, _, _ = front
    filtered = "/api/v2/pages/?type=reports.AssessmentPage"
    other = "/api/v2/editions/?offset=1"
    assert [get(varnish, filtered).cache, get(varnish, filtered).cache] == ["MISS", "HIT"]
    get(varnish, other)
    assert request(varnish.port, "/api/v2/pages/", method="PURGE").status == 200
    assert get(varnish, filtered).cache == "MISS"
    assert get(varnish, other).cache == "HIT"  # another listing's answers stay


def test_a_purge_from_any_other_address_is_refused(front):
    varnish, _, _ = front
    get(varnish)
    # Another loopback address is still this machine, but not in the ACL.
    with socket.create_connection(
        ("127.0.0.1", varnish.port), source_address=("127.0.0.2", 0)
    ) as s:
        s.sendall(
            f"PURGE {PAGE} HTTP/1.1\r\nHost: testserver\r\nConnection: close\r\n\r\n".encode()
        )
        answer = s.recv(200).decode()
    assert answer.startswith("HTTP/1.1 405")
    assert get(varnish).cache == "HIT"


def test_with_the_app_down_readers_get_the_last_good_page_and_no_error_is_kept(front):
    varnish, app, _ = front
    good = get(varnish)
    assert good.status == 200
    time.sleep(SHARED_SECONDS + 0.5)  # the copy is now past its s-maxage
    app.stop()
    varnish.wait_until("sick")
    stale = get(varnish)
    assert (stale.status, stale.body) == (200, good.body)
    assert int(stale.headers["age"]) >= SHARED_SECONDS
    never_cached = get(varnish, OTHER_PAGE)
    assert never_cached.status == 503
    assert never_cached.headers["cache-control"] == "no-store"
    assert "temporarily unavailable" in never_cached.body
    app.start()
    deadline = time.monotonic() + 5
    while (back := get(varnish, OTHER_PAGE)).status != 200:
        assert time.monotonic() < deadline, "the error page outlived the outage"
        time.sleep(0.1)
    assert back.cache == "MISS"
