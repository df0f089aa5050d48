"""The table block on the page, in search and in the API: wherever a body block is used."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from threatpress.conftest import build_edition, publish_all
from threatpress.reports.blocks import TableBlock, table_value
from threatpress.reports.models import AssessmentPage

pytestmark = pytest.mark.django_db

ROWS = [["Port", "2029", "2030"], ["Klaipėda", "12", "14"], ["Liepāja", "7", ""]]
TABLE = {"type": "table", "value": table_value(ROWS, header_column=True, caption="Ships stopped")}


@pytest.fixture
def page(site_tree):
    edition = build_edition(site_tree.reports, 2026, chapters=1, per_chapter=1)
    assessment = AssessmentPage.objects.descendant_of(edition).get()
    assessment.body = [{"type": "paragraph", "value": "<p>Before.</p>"}, TABLE]
    assessment.save()
    publish_all(edition)
    return AssessmentPage.objects.get(pk=assessment.pk)


def test_table_value_is_what_the_block_stores_and_pads_short_rows():
    value = table_value([["a", "b"], ["c"]], header_row=False, header_column=True, caption="C")
    assert value["data"] == [["a", "b"], ["c", ""]]
    assert value["table_header_choice"] == "column"
    block = TableBlock()
    cleaned = block.clean(block.to_python(value))
    assert cleaned["first_row_is_table_header"] is False and cleaned["first_col_is_header"] is True
    assert cleaned["table_caption"] == "C"


def test_an_old_value_with_a_header_column_keeps_it_when_saved_again():
    value = table_value([["a", "b"]], header_row=False, header_column=True)
    del value["table_header_choice"]  # stored before Wagtail 6 had the choice
    block = TableBlock()
    assert block.clean(block.to_python(value))["first_col_is_header"] is True


def test_the_page_shows_a_captioned_table_with_header_scopes_in_a_labelled_region(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    region = soup.select_one(".assessment__body .table-block")
    assert region["role"] == "region" and region["tabindex"] == "0"
    assert region["aria-label"] == "Ships stopped"
    table = region.table
    assert table.caption.get_text(strip=True) == "Ships stopped"
    assert [th.get_text() for th in table.select("thead th[scope=col]")] == ROWS[0]
    assert [th.get_text() for th in table.select("tbody th[scope=row]")] == ["Klaipėda", "Liepāja"]
    assert [td.get_text() for td in table.select("tbody td")] == ["12", "14", "7", ""]


def test_cells_are_text_never_markup(client, page):
    page.body = [
        {"type": "table", "value": table_value([["<b>x</b>", "<script>alert(1)</script>"]])}
    ]
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.search_index
def test_the_table_text_is_found_by_the_search(client, page):
    response = client.get("/en/search/", {"q": "Liepāja"})
    assert page.title in response.content.decode()
    response = client.get("/en/search/", {"q": "ships stopped"})
    assert page.title in response.content.decode()


def test_the_api_gives_the_table_as_html_and_one_row_a_line_as_text(client, page):
    data = json.loads(client.get(f"/api/v2/assessments/{page.pk}/").content)
    assert '<th scope="col">Port</th>' in data["body"]
    lines = data["body_text"].split("\n\n")
    assert lines[1:] == ["Ships stopped", "Port 2029 2030", "Klaipėda 12 14", "Liepāja 7"]
