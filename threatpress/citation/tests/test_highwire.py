"""Highwire tags, read the way Zotero's Embedded Metadata translator reads them (zotero.py)."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup

from threatpress.discovery.tests.conftest import ORGANISATION, ORGANISATION_LT, assessment
from threatpress.reports.models import EditionPage

from . import zotero

pytestmark = pytest.mark.django_db
JUDGMENT = "/en/reports/2026/chapter-1/judgment-1-2/"


def save(client, path: str) -> zotero.Item:
    response = client.get(path)
    assert response.status_code == 200
    return zotero.read(response.content.decode())


def test_an_assessment_is_saved_as_a_report(client, bilingual):
    item = save(client, JUDGMENT)
    page = assessment(bilingual, "judgment-1-2")
    assert item.item_type == "report"
    assert item.fields["title"] == page.title
    assert item.fields["institution"] == ORGANISATION
    assert datetime.datetime.strptime(item.fields["date"], "%Y/%m/%d").date() == (
        datetime.date(2026, 3, 10)
    )
    assert item.fields["language"] == "en"
    assert item.fields["url"] == f"http://testserver{JUDGMENT}"
    assert item.fields["abstractNote"] == page.summary
    # Highwire cannot say the author is an organisation: Zotero splits the name, losing nothing.
    (author,) = item.creators
    assert f"{author['firstName']} {author['lastName']}" == ORGANISATION
    assert item.pdf is None  # no PDF has been made yet


def test_an_edition_is_saved_as_a_report_in_its_language(client, bilingual):
    item = save(client, "/lt/reports/2026/")
    assert item.item_type == "report"
    assert (
        item.fields["title"] == EditionPage.objects.get(year=2026, locale__language_code="lt").title
    )
    assert item.fields["institution"] == ORGANISATION_LT
    assert item.fields["language"] == "lt"
    assert item.fields["url"] == "http://testserver/lt/reports/2026/"


def test_the_pdf_is_offered_once_it_exists(client, bilingual, engines):
    from threatpress.exports import builder

    builder.build_due()
    item = save(client, JUDGMENT)
    assert item.pdf == f"http://testserver{JUDGMENT}judgment-1-2-2026.pdf"
    assert client.get(item.pdf).status_code == 200
    edition = save(client, "/en/reports/2026/")
    assert edition.pdf == ("http://testserver/en/reports/2026/national-threat-assessment-2026.pdf")


def test_an_organisation_with_a_comma_stays_one_author(client, bilingual):
    from threatpress.core.models import SiteIdentity

    identity = SiteIdentity.objects.get()
    identity.organisation = "Office of Assessments, Republic of Example"
    identity.save()
    item = save(client, JUDGMENT)
    # Without the closing semicolon Zotero would make two people of it; with it, one name read
    # as "Last, First" (nothing lost), and the institution whole.
    (author,) = item.creators
    assert author == {"lastName": "Office of Assessments", "firstName": "Republic of Example"}
    assert item.fields["institution"] == "Office of Assessments, Republic of Example"


def test_only_editions_and_assessments_carry_citation_tags(client, bilingual):
    for path in (
        "/en/",
        "/en/reports/",
        "/en/reports/2026/summary/",
        "/en/reports/2026/chapter-1/",
    ):
        soup = BeautifulSoup(client.get(path).content, "html.parser")
        assert not soup.select('meta[name^="citation_"]'), path


def test_the_tags_are_what_google_scholar_asks_for(client, bilingual):
    soup = BeautifulSoup(client.get(JUDGMENT).content, "html.parser")
    names = [meta["name"] for meta in soup.select('head meta[name^="citation_"]')]
    assert names == [
        "citation_title",
        "citation_author",
        "citation_publication_date",
        "citation_publisher",
        "citation_technical_report_institution",
        "citation_language",
        "citation_abstract",
        "citation_public_url",
    ]
    # No journal: that would make Zotero save a journal article.
    assert "citation_journal_title" not in names
