"""The admin's Readership screen: who may see it, and that it shows what was counted."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from threatpress.readership import counting
from threatpress.readership.models import DownloadDay, PageViewDay, SearchTermDay
from threatpress.reports.models import AssessmentPage, EditionPage

pytestmark = pytest.mark.django_db
URL = "/admin/readership/"


@pytest.fixture
def people(people):
    """One user of each editorial role (threatpress/conftest.py), and an administrator."""
    return {
        **people,
        "admin": get_user_model().objects.create_superuser("admin", password="x" * 20),
    }


def test_the_url_is_the_named_admin_route():
    assert reverse("threatpress_readership") == URL


def test_an_anonymous_visitor_is_sent_to_log_in(client, people):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_author_is_refused_and_does_not_see_the_menu_item(client, people):
    client.force_login(people["author"])
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert URL not in home


@pytest.mark.parametrize("who", ["reviewer", "publisher", "admin"])
def test_reviewers_publishers_and_superusers_see_it(client, people, who):
    client.force_login(people[who])
    response = client.get(URL)
    assert response.status_code == 200
    assert "Page views over time" in response.content.decode()
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert URL in home  # the menu item and the dashboard panel's link


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The text of each body row's cells in the table with this id."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def recorded(edition, people):
    """Counts recorded through the same service functions and flush as in production."""
    today = counting.today()
    first = AssessmentPage.objects.get(slug="judgment-1-1")
    second = AssessmentPage.objects.get(slug="judgment-2-1")
    for _ in range(7):
        counting._count(counting.view_key(today, first.pk, ""))
    for _ in range(3):
        counting._count(counting.view_key(today - datetime.timedelta(days=2), second.pk, ""))
    counting._count(counting.view_key(today - datetime.timedelta(days=40), second.pk, ""))
    edition_page = EditionPage.objects.get()
    for _ in range(4):
        counting.record_download(edition_page, "pdf", "screen", "en")
    counting.record_download(edition_page, "audio", "mp3", "lt")
    for _ in range(5):
        counting.record_search("Belarus", "en", 3)
    counting.record_search("hybrid warfare", "en", 0)
    counting.record_search("hybrid warfare", "en", 0)
    counting.record_search("me@example.com", "en", 0)
    counting.flush()
    assert PageViewDay.objects.exists() and DownloadDay.objects.exists()
    assert SearchTermDay.objects.exists()
    return {"first": first, "second": second, "today": today}


def test_the_tables_show_the_recorded_numbers(client, people, recorded):
    client.force_login(people["publisher"])
    html = client.get(URL).content.decode()

    views = dict(tuple(row) for row in table_rows(html, "readership-views-table"))
    assert len(views) == 30
    today, two_days_ago = recorded["today"], recorded["today"] - datetime.timedelta(days=2)
    assert views[f"{today.day} {today:%b %Y}"] == "7"
    assert views[f"{two_days_ago.day} {two_days_ago:%b %Y}"] == "3"
    assert sum(int(value) for value in views.values()) == 10  # the 40-day-old view is outside
    assert "10 page views in this period." in html

    pages = table_rows(html, "readership-pages-table")
    assert [(row[0], row[2]) for row in pages] == [
        (f"{recorded['first'].title} /en/reports/2026/chapter-1/judgment-1-1/", "7"),
        (f"{recorded['second'].title} /en/reports/2026/chapter-2/judgment-2-1/", "3"),
    ]
    assessments = table_rows(html, "readership-assessments-table")
    assert [(row[0], row[1]) for row in assessments] == [(row[0], row[2]) for row in pages]
    assert table_rows(html, "readership-downloads-table") == [
        ["PDF", "screen", "en", "4", ""],
        ["Audio", "mp3", "lt", "1", ""],
    ]
    assert table_rows(html, "readership-top-searches") == [
        ["belarus", "en", "5", "0", ""],
        ["hybrid warfare", "en", "2", "2", ""],
    ]
    assert table_rows(html, "readership-empty-searches") == [["hybrid warfare", "en", "2", "2", ""]]
    assert "1 query looked like personal data" in html
    assert "example.com" not in html


def test_the_chart_is_inline_svg_with_a_text_alternative_and_no_inline_style(
    client, people, recorded
):
    client.force_login(people["reviewer"])
    html = client.get(URL).content.decode()
    svg = re.search(r'<svg class="readership-chart".*?</svg>', html, re.S).group(0)
    assert 'role="img"' in svg and 'aria-labelledby="readership-views-title' in svg
    assert re.search(r'<title id="readership-views-title">Page views per day, ', svg)
    assert "10 in 30 days" in svg
    assert len(re.findall(r"<rect ", svg)) == 30
    body = html.split("<main", 1)[1]
    assert "style=" not in body.split("</main>", 1)[0].split("readership-intro", 1)[1]
    assert "<script" not in svg


def test_a_longer_period_includes_older_days(client, people, recorded):
    client.force_login(people["publisher"])
    html = client.get(URL, {"days": 90}).content.decode()
    assert len(table_rows(html, "readership-views-table")) == 90
    assert "11 page views in this period." in html
    assert 'href="?days=90" aria-current="page"' in html
    # An unknown period falls back to 30 days rather than running an unbounded query.
    html = client.get(URL, {"days": "100000"}).content.decode()
    assert len(table_rows(html, "readership-views-table")) == 30


def test_the_dashboard_panel_sums_the_last_week(client, people, recorded):
    client.force_login(people["publisher"])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "10 page views" in home and "5 downloads" in home and "8 searches" in home
    assert "readership/admin.css" in home


@pytest.mark.parametrize(
    ("largest", "top"), [(0, 2), (1, 2), (3, 4), (10, 10), (11, 12), (1049, 1200), (6979, 8000)]
)
def test_the_y_axis_ends_at_a_round_number_with_an_even_half(largest, top):
    from threatpress.readership.charts import nice_ceiling

    assert nice_ceiling(largest) == top and top >= largest and top % 2 == 0
