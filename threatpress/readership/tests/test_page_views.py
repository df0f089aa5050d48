"""Page views: counted once per successful read of a public page by a reader, nothing else."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from threatpress.readership import counting
from threatpress.readership.models import PageViewDay
from threatpress.reports.models import AssessmentPage, EditionPage

pytestmark = pytest.mark.django_db

ASSESSMENT = "/en/reports/2026/chapter-1/judgment-1-1/"
OTHER = "/en/reports/2026/chapter-2/judgment-2-1/"


def views() -> dict[tuple[str, str], int]:
    """Stored totals by page slug and route, for today."""
    return {
        (row.page.slug, row.route): row.views
        for row in PageViewDay.objects.select_related("page").filter(date=counting.today())
    }


def test_a_read_is_counted_once_for_the_right_page_after_a_flush(reader, edition):
    assert reader.get(ASSESSMENT).status_code == 200
    assert reader.get(ASSESSMENT).status_code == 200
    assert reader.get(OTHER).status_code == 200
    assert PageViewDay.objects.count() == 0  # buffered, not yet written
    assert counting.flush() == 3
    assert views() == {("judgment-1-1", ""): 2, ("judgment-2-1", ""): 1}
    row = PageViewDay.objects.get(page__slug="judgment-1-1")
    assert row.page_id == AssessmentPage.objects.get(slug="judgment-1-1").pk
    assert counting.flush() == 0  # nothing counted twice


def test_later_flushes_add_to_the_days_total(reader, edition):
    reader.get(ASSESSMENT)
    counting.flush()
    reader.get(ASSESSMENT)
    reader.get(ASSESSMENT)
    counting.flush()
    assert views() == {("judgment-1-1", ""): 3}
    assert PageViewDay.objects.count() == 1


def test_reading_a_page_writes_nothing_to_the_database(reader, edition):
    reader.get(ASSESSMENT)  # warm caches
    with CaptureQueriesContext(connection) as queries:
        assert reader.get(ASSESSMENT).status_code == 200
    writes = [
        q["sql"] for q in queries.captured_queries if not q["sql"].lstrip().startswith("SELECT")
    ]
    assert writes == []
    assert counting.buffer.pending() == 2


def test_a_counted_response_sets_no_cookie(reader, edition):
    response = reader.get(ASSESSMENT)
    assert response.status_code == 200 and counting.buffer.pending() == 1
    assert not response.cookies
    assert "Set-Cookie" not in response.headers
    assert not reader.cookies


def test_routes_of_an_edition_are_counted_apart(reader, edition):
    reader.get("/en/reports/2026/")
    reader.get("/en/reports/2026/summary/")
    reader.get("/en/reports/2026/summary/")
    reader.get("/en/reports/2026/print/")  # a stylesheet, not a page someone reads
    counting.flush()
    assert views() == {("2026", ""): 1, ("2026", "summary"): 2}


def test_a_page_is_filed_under_the_day_in_the_sites_time_zone(reader, edition):
    # 22:30 UTC on 31 March is 01:30 on 1 April in Vilnius (UTC+3 in summer).
    with time_machine.travel(datetime.datetime(2026, 3, 31, 22, 30, tzinfo=datetime.UTC)):
        reader.get(ASSESSMENT)
    counting.flush()
    assert PageViewDay.objects.get().date == datetime.date(2026, 4, 1)


@pytest.mark.parametrize(
    "path",
    [
        "/en/reports/2026/chapter-1/no-such-judgment/",  # 404
        "/en/reports/1999/",  # 404
        "/en/reports/chapter-1/judgment-1-1/",  # year-less: a redirect
        "/admin/login/",
        "/healthz",
    ],
)
def test_what_is_not_a_successful_page_read_is_not_counted(reader, edition, path):
    reader.get(path)
    assert counting.buffer.pending() == 0


def test_head_and_post_are_not_counted(reader, edition):
    assert reader.head(ASSESSMENT).status_code == 200
    reader.post(ASSESSMENT)
    assert counting.buffer.pending() == 0


@pytest.mark.parametrize(
    "user_agent",
    [
        "",
        "   ",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0 Safari/537.36",
        "curl/8.5.0",
        "Wget/1.21.3",
        "python-requests/2.32.3",
        "Python-urllib/3.11",
        "Go-http-client/1.1",
        "Scrapy/2.11 (+https://scrapy.org)",
        "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
        "Mozilla/5.0 (compatible; Pingdom.com_bot_version_1.4)",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "Feedly/1.0 (+http://www.feedly.com/fetcher.html)",
    ],
)
def test_bots_are_not_counted(client, edition, user_agent):
    assert client.get(ASSESSMENT, HTTP_USER_AGENT=user_agent).status_code == 200
    assert counting.buffer.pending() == 0


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
        "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0 Mobile Safari/537.36",
        "Lynx/2.9.0dev.12 libwww-FM/2.14 SSL-MM/1.4.1 GNUTLS/3.7.9",
    ],
)
def test_browsers_are_counted(client, edition, user_agent):
    client.get(ASSESSMENT, HTTP_USER_AGENT=user_agent)
    assert counting.buffer.pending() == 1


@pytest.mark.parametrize("header", ["HTTP_DNT", "HTTP_SEC_GPC"])
def test_a_reader_who_asks_not_to_be_tracked_is_not_counted(reader, edition, header):
    assert reader.get(ASSESSMENT, **{header: "1"}).status_code == 200
    assert counting.buffer.pending() == 0
    reader.get(ASSESSMENT, **{header: "0"})
    assert counting.buffer.pending() == 1


def test_signed_in_editors_are_not_counted(reader, edition):
    editor = get_user_model().objects.create_superuser("editor", password="x" * 20)
    reader.force_login(editor)
    assert reader.get(ASSESSMENT).status_code == 200
    assert counting.buffer.pending() == 0


def test_previews_are_not_counted(reader, edition):
    editor = get_user_model().objects.create_superuser("editor", password="x" * 20)
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    response = page.make_preview_request(preview_mode=page.default_preview_mode)
    assert response.status_code == 200
    reader.force_login(editor)
    reader.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert counting.buffer.pending() == 0


def test_preview_links_are_not_counted(reader, edition):
    from django.utils import timezone

    from threatpress.publishing.models import PreviewLink

    owner = get_user_model().objects.create_superuser("publisher", password="x" * 20)
    _link, token = PreviewLink.create(
        EditionPage.objects.get(), "Minister", timezone.now() + datetime.timedelta(days=1), owner
    )
    assert reader.get(f"/preview/{token}/chapter-1/judgment-1-1/").status_code == 200
    assert counting.buffer.pending() == 0


def test_a_live_page_under_a_draft_chapter_is_not_counted(reader, edition):
    Page.objects.filter(slug="chapter-1").update(live=False)
    assert reader.get(ASSESSMENT).status_code == 404
    assert counting.buffer.pending() == 0


def test_a_page_that_stopped_being_public_before_the_flush_is_not_written(reader, edition):
    reader.get(ASSESSMENT)
    reader.get(OTHER)
    AssessmentPage.objects.get(slug="judgment-1-1").unpublish()
    counting.flush()
    assert views() == {("judgment-2-1", ""): 1}


def test_a_page_behind_a_password_is_not_written(reader, edition):
    chapter = Page.objects.get(slug="chapter-1")
    restriction = PageViewRestriction.objects.create(
        page=chapter, restriction_type=PageViewRestriction.PASSWORD, password="opensesame"
    )
    response = reader.get(ASSESSMENT)
    assert response.status_code == 200 and b"opensesame" not in response.content  # the form
    assert counting.buffer.pending() == 0
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])
    reader.post(url, {"password": "opensesame", "return_url": ASSESSMENT})
    assert "summary of the judgment" in reader.get(ASSESSMENT).content.decode()
    counting.flush()  # read by someone with the password: not a public page, not written
    assert views() == {}


def test_nothing_is_counted_when_counting_is_off(reader, edition, settings):
    settings.THREATPRESS_READERSHIP = False
    assert reader.get(ASSESSMENT).status_code == 200
    assert counting.buffer.pending() == 0
