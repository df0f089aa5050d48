"""record_download and record_search: the calls the PDF/audio (issue 4) and search (issue 7)
features will make."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import RequestFactory

from threatpress.readership import counting
from threatpress.readership.counting import normalise_query, record_download, record_search
from threatpress.readership.models import DownloadDay, SearchTermDay
from threatpress.reports.models import AssessmentPage, EditionPage

from .conftest import BROWSER

pytestmark = pytest.mark.django_db
NOON = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


def downloads() -> dict[tuple, int]:
    return {
        (row.page.slug, row.kind, row.format, row.language, row.date): row.downloads
        for row in DownloadDay.objects.select_related("page")
    }


def test_downloads_add_up_per_day_kind_format_and_language(edition):
    english = EditionPage.objects.get()
    with time_machine.travel(NOON):
        for _ in range(3):
            record_download(english, "pdf", "screen", "en")
        record_download(english, "pdf", "print", "en")
        record_download(english.pk, "audio", "MP3", "en")  # a page id will do; names lowercased
        record_download(english, "pdf", "screen", "lt")
    with time_machine.travel(NOON + datetime.timedelta(days=1)):
        record_download(english, "pdf", "screen", "en")
    counting.flush()
    day = datetime.date(2026, 11, 20)
    next_day = day + datetime.timedelta(days=1)
    assert downloads() == {
        ("2026", "pdf", "screen", "en", day): 3,
        ("2026", "pdf", "print", "en", day): 1,
        ("2026", "audio", "mp3", "en", day): 1,
        ("2026", "pdf", "screen", "lt", day): 1,
        ("2026", "pdf", "screen", "en", next_day): 1,
    }


@pytest.mark.parametrize(
    "arguments",
    [("epub", "screen", "en"), ("pdf", "", "en"), ("pdf", "a/../b", "en"), ("pdf", "x", "e n")],
)
def test_a_download_that_is_not_a_pdf_or_audio_file_is_a_programming_error(edition, arguments):
    with pytest.raises(ValueError):
        record_download(EditionPage.objects.get(), *arguments)


def test_a_download_by_a_bot_or_of_a_page_that_is_not_public_is_not_counted(edition):
    factory = RequestFactory()
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    bot = factory.get("/", HTTP_USER_AGENT="Googlebot/2.1")
    assert record_download(page, "pdf", "screen", "en", request=bot) is False
    reader = factory.get("/", HTTP_USER_AGENT=BROWSER)
    assert record_download(page, "pdf", "screen", "en", request=reader) is True
    draft = AssessmentPage.objects.get(slug="judgment-1-2")
    draft.unpublish()
    assert record_download(draft, "pdf", "screen", "en") is True  # buffered...
    counting.flush()
    assert list(DownloadDay.objects.values_list("page__slug", "downloads")) == [
        ("judgment-1-1", 1)  # ...but only public pages are written
    ]


@pytest.mark.parametrize(
    ("query", "normalised"),
    [
        ("  Belarus  ", "belarus"),
        ("CYBER   Attacks\n", "cyber attacks"),
        ("ＲＵＳＳＩＡ", "russia"),  # full-width letters (NFKC)
        ("Straße", "strasse"),  # case folding
        ("Grėsmės vertinimas", "grėsmės vertinimas"),  # Lithuanian letters kept
        ("nato 2026", "nato 2026"),
        ("   ", None),
        ("jonas@example.lt", ""),  # an e-mail address: withheld
        ("+370 612 34567", ""),  # a phone number
        ("39001010000", ""),  # a personal code
        ("https://example.lt/preview/abc", ""),  # a web address
        ("www.example.lt", ""),
        ("xK9f2Lq8Zp4Rt7Wm3N", ""),  # a token
    ],
)
def test_queries_are_normalised_and_personal_looking_ones_withheld(query, normalised):
    assert normalise_query(query) == normalised


def test_a_long_query_is_cut_at_a_word():
    query = "influence " * 30
    assert normalise_query(query) == ("influence " * 10).strip()  # 99 characters
    assert len(normalise_query("x" * 300)) == 100


def test_searches_add_up_per_day_query_and_language_with_zero_results(edition):
    with time_machine.travel(NOON):
        record_search("Belarus", "en", 4)
        record_search("  belarus ", "en", 0)
        record_search("BELARUS", "lt", 2)
        record_search("hybrid warfare", "en", 0)
        record_search("me@example.com", "en", 0)
        record_search("", "en", 0)  # an empty search is not a query
    counting.flush()
    rows = {
        (row.query, row.language): (row.searches, row.zero_results)
        for row in SearchTermDay.objects.all()
    }
    assert rows == {
        ("belarus", "en"): (2, 1),
        ("belarus", "lt"): (1, 0),
        ("hybrid warfare", "en"): (1, 1),
        ("", "en"): (1, 1),  # withheld: counted, its text not kept
    }
    assert not SearchTermDay.objects.filter(query__contains="example").exists()


def test_a_search_from_a_reader_who_opted_out_is_not_counted(edition):
    request = RequestFactory().get("/", HTTP_USER_AGENT=BROWSER, HTTP_DNT="1")
    assert record_search("belarus", "en", 1, request=request) is False
    assert counting.buffer.pending() == 0
