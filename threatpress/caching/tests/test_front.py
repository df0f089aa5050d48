"""Hits served by the WSGI front, before Django: same bytes and headers, the rules kept."""

from __future__ import annotations

import gzip
from unittest import mock

import pytest
from django.db import connection

from threatpress.caching import purge_log, store
from threatpress.conftest import translate_tree
from threatpress.consent.registry import get_registry
from threatpress.readership import counting
from threatpress.readership.models import PageViewDay

pytestmark = pytest.mark.django_db
PAGE = "/en/reports/2026/chapter-1/judgment-1-1/"
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


def no_database():
    """Any query fails, as when the database is down."""
    return mock.patch.object(connection, "cursor", side_effect=RuntimeError("database down"))


def test_a_hit_repeats_the_full_response_without_touching_the_database(wsgi, editions):
    status, headers, body = wsgi(PAGE, **BROWSER)
    assert status.startswith("200")
    with no_database():
        hit_status, hit_headers, hit_body = wsgi(PAGE, **BROWSER)
    assert (hit_status, hit_headers, hit_body) == (status, headers, body)
    names = {name.lower() for name, _ in hit_headers}
    assert {"content-security-policy", "x-content-type-options", "vary", "etag"} <= names


def test_a_hit_answers_revalidation_and_head(wsgi, editions):
    _, headers, _ = wsgi(PAGE)
    etag = dict(headers)["ETag"]
    with no_database():
        status, headers304, body = wsgi(PAGE, HTTP_IF_NONE_MATCH=etag)
        assert status.startswith("304") and body == b""
        assert dict(headers304)["ETag"] == etag
        status, head_headers, body = wsgi(PAGE, method="HEAD")
    assert status.startswith("200") and body == b"" and dict(head_headers)["ETag"] == etag


def test_the_consent_bit_selects_the_version_with_the_dialog_open_or_closed(wsgi, editions):
    version = get_registry().version
    decided = {"HTTP_COOKIE": f"tp_consent={version}.{'a' * 32}.-; other=1"}
    _, _, fresh = wsgi(PAGE)
    _, _, answered = wsgi(PAGE, **decided)
    assert fresh != answered
    with no_database():
        assert wsgi(PAGE, **decided)[2] == answered
        # Another reader's consent id, same version: the same stored page.
        assert wsgi(PAGE, HTTP_COOKIE=f"tp_consent={version}.{'b' * 32}.-")[2] == answered
        # An answer to an older policy: the dialog opens again, as for a first visit.
        assert wsgi(PAGE, HTTP_COOKIE=f"tp_consent=0000000000.{'a' * 32}.-")[2] == fresh
        # A malformed answer for the current version counts as no answer, as the page says.
        assert wsgi(PAGE, HTTP_COOKIE=f"tp_consent={version}.forged")[2] == fresh


def test_sessions_query_strings_and_the_language_redirect_bypass_the_cache(
    wsgi, editions, site_tree
):
    translate_tree(site_tree.home, descendants=False)
    wsgi(PAGE)
    # With the database down, only what is served from the cache still works.
    with no_database():
        assert wsgi(PAGE)[0].startswith("200")
        assert wsgi(PAGE, HTTP_COOKIE="sessionid=abc")[0].startswith("500")
        assert wsgi(PAGE + "?utm=x")[0].startswith("500")
    wsgi("/", HTTP_ACCEPT_LANGUAGE="en")
    status, _, _ = wsgi("/", HTTP_ACCEPT_LANGUAGE="lt")
    assert status.startswith("302") or status.startswith("301")
    assert dict(wsgi("/", HTTP_ACCEPT_LANGUAGE="lt")[1])["Location"].startswith("/lt/")


def test_a_hit_is_counted_like_a_page_view(wsgi, editions):
    counting.buffer.clear()
    wsgi(PAGE, **BROWSER)  # rendered: counted by the page hook
    wsgi(PAGE, **BROWSER)  # hit
    wsgi(PAGE, HTTP_USER_AGENT="Googlebot/2.1")  # bot: not counted
    wsgi(PAGE, HTTP_DNT="1", **BROWSER)  # Do Not Track: not counted
    wsgi(PAGE, method="HEAD", **BROWSER)
    counting.flush()
    assert sum(PageViewDay.objects.values_list("views", flat=True)) == 2


def test_a_purge_reaches_the_cache_and_the_next_reader_gets_the_new_page(wsgi, editions):
    wsgi(PAGE)
    purge_log.append(["/en/reports/2025/"])  # another edition: this entry stays
    with no_database():
        assert wsgi(PAGE)[0].startswith("200")
    purge_log.append([PAGE])  # as another process records it
    with no_database():
        assert wsgi(PAGE)[0].startswith("500")


def test_a_response_rendered_across_a_purge_is_not_stored(wsgi, editions):
    from threatpress.caching import middleware

    real = middleware.CacheHeadersMiddleware.__call__

    def purge_while_rendering(self, request):
        response = real(self, request)
        purge_log.append([PAGE])  # the change committed after this request read the page
        return response

    with mock.patch.object(middleware.CacheHeadersMiddleware, "__call__", purge_while_rendering):
        status, headers, body = wsgi(PAGE)
    assert status.startswith("200") and b"<h1" in body
    assert store.cache().get(store.key_for(PAGE, "c0")) is None
    # Nor may a shared cache in front keep it: Varnish's PURGE may already have passed.
    raced = dict(headers)
    assert raced["Cache-Control"] == "private, no-cache"
    assert "ETag" not in raced and "Last-Modified" not in raced
    status, headers, _ = wsgi(PAGE)
    assert store.cache().get(store.key_for(PAGE, "c0")) is not None
    assert "s-maxage=" in dict(headers)["Cache-Control"]


@pytest.mark.parametrize("path", ["/en/reports/2026/print/", "/print.css"])
def test_the_print_stylesheets_every_page_links_are_kept_but_never_counted(wsgi, editions, path):
    # Every page links the site's and its edition's print stylesheets, so each reader's browser
    # asks for them with each page: they are kept like the page, and a hit is not a page view.
    counting.buffer.clear()
    status, headers, body = wsgi(path, **BROWSER)
    assert status.startswith("200") and dict(headers)["Content-Type"].startswith("text/css")
    assert "s-maxage" in dict(headers)["Cache-Control"]
    etag = dict(headers)["ETag"]
    with no_database():
        assert wsgi(path, **BROWSER)[2] == body
        assert wsgi(path, HTTP_IF_NONE_MATCH=etag)[0].startswith("304")
    counting.flush()
    assert not PageViewDay.objects.exists()


def test_an_api_answer_is_kept_for_its_minute_and_withdrawn_with_its_page(
    wsgi, editions, django_capture_on_commit_callbacks
):
    import json
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from threatpress.reports.models import AssessmentPage

    judgment = AssessmentPage.objects.get(url_path__endswith="/2026/chapter-1/judgment-1-1/")
    listing, record = "/api/v2/assessments/", f"/api/v2/assessments/{judgment.pk}/"

    def listed() -> set[int]:
        status, _, body = wsgi(listing)
        assert status.startswith("200")
        return {item["id"] for item in json.loads(body)["items"]}

    status, headers, body = wsgi(record)
    assert status.startswith("200") and listed() >= {judgment.pk}
    with no_database():  # both answered from the page cache, headers and all
        assert wsgi(record) == (status, headers, body)
        assert listed() >= {judgment.pk}
        assert wsgi(record, HTTP_IF_NONE_MATCH=dict(headers)["ETag"])[0].startswith("304")
        assert wsgi(listing + "?language=en")[0].startswith("500")  # a query: never kept
    with django_capture_on_commit_callbacks(execute=True):
        judgment.unpublish()
    assert judgment.pk not in listed()
    assert wsgi(record)[0].startswith("404")
    # Kept no longer than the API lets a shared cache keep it: a purge that never came (a
    # change made straight in the database) shows after a minute.
    AssessmentPage.objects.filter(pk=judgment.pk).update(live=True)
    assert judgment.pk not in listed()
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert judgment.pk in listed()


GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}  # what browsers send


def test_a_browser_gets_the_page_gzipped_and_a_client_without_gzip_gets_it_plain(wsgi, editions):
    status, packed_headers, packed = wsgi(PAGE, **GZIP)  # the render that stores it
    assert status.startswith("200")
    packed_named = dict(packed_headers)
    assert packed_named["Content-Encoding"] == "gzip"
    assert int(packed_named["Content-Length"]) == len(packed)
    with no_database():  # all from the page cache: nothing is compressed per request
        _, plain_headers, plain = wsgi(PAGE)
        _, refused_headers, refused = wsgi(PAGE, HTTP_ACCEPT_ENCODING="gzip;q=0, identity")
        assert wsgi(PAGE, **GZIP) == (status, packed_headers, packed)
    plain_named = dict(plain_headers)
    assert gzip.decompress(packed) == plain == refused
    assert "<h1" in plain.decode() and len(packed) * 3 < len(plain)
    assert "Content-Encoding" not in plain_named | dict(refused_headers)
    assert int(plain_named["Content-Length"]) == len(plain)
    for named in (packed_named, plain_named):  # a cache in front keeps the two forms apart
        assert "accept-encoding" in named["Vary"].lower()
    # Each form revalidates with its own validator: strong for the plain bytes, weak for gzip.
    assert packed_named["ETag"] == "W/" + plain_named["ETag"]
    with no_database():
        status, headers, body = wsgi(PAGE, HTTP_IF_NONE_MATCH=packed_named["ETag"], **GZIP)
        assert (status[:3], body, dict(headers)["ETag"]) == ("304", b"", packed_named["ETag"])
        status, headers, body = wsgi(PAGE, method="HEAD", **GZIP)
    assert (status[:3], body) == ("200", b"")
    assert dict(headers)["Content-Length"] == str(len(packed))


def test_the_api_is_gzipped_too_and_nothing_a_single_reader_gets_is(wsgi, editions):
    import json

    _, headers, body = wsgi("/api/v2/assessments/", **GZIP)
    assert dict(headers)["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(body))["items"]
    # A response the cache does not share (a session's) is sent as rendered: a page that may
    # hold a secret is never compressed (compression.py, BREACH).
    _, headers, body = wsgi(PAGE, HTTP_COOKIE="sessionid=abc", **GZIP)
    assert "Content-Encoding" not in dict(headers) and b"<h1" in body


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("*", True),
        ("br;q=1.0, *;q=0.1", True),
        (None, False),
        ("", False),
        ("identity", False),
        ("br, zstd", False),
        ("gzip;q=0", False),
        ("gzip;q=0.000, *", False),
        ("*;q=0", False),
        ("gzip;q=bad", False),
    ],
)
def test_which_accept_encoding_headers_allow_gzip(header, accepted):
    from threatpress.caching.compression import accepts_gzip

    environ = {} if header is None else {"HTTP_ACCEPT_ENCODING": header}
    assert accepts_gzip(environ) is accepted


def test_short_or_already_compressed_answers_are_not_gzipped():
    from threatpress.caching.compression import MIN_BYTES, compress

    html = (("Content-Type", "text/html; charset=utf-8"),)
    assert compress(html, b"x" * (MIN_BYTES - 1)) is None
    assert gzip.decompress(compress(html, b"<p>text</p>" * 200)) == b"<p>text</p>" * 200
    assert compress((("Content-Type", "image/png"),), b"x" * 5000) is None
    assert compress((*html, ("Content-Encoding", "br")), b"x" * 5000) is None
