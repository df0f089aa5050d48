"""The "Cite this" control as the server renders it (the browser test clicks it)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.staticfiles import finders

from threatpress.discovery.tests.conftest import ORGANISATION, assessment

pytestmark = pytest.mark.django_db
JUDGMENT = "/en/reports/2026/chapter-1/judgment-1-2/"
# Late evening in Vilnius, already the next day in UTC: the access date is the site's day.
READ_AT = datetime.datetime(2026, 11, 5, 23, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Vilnius"))


def control(client, path: str) -> BeautifulSoup | None:
    with time_machine.travel(READ_AT, tick=False):
        response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser").select_one("details.cite")


def formats(cite: BeautifulSoup) -> dict[str, str]:
    return {
        figure.figcaption.get_text(): figure.select_one("#cite-apa, #cite-chicago, #cite-bibtex")
        for figure in cite.select("figure")
    }


def test_an_assessment_offers_apa_chicago_and_bibtex(client, bilingual):
    cite = control(client, JUDGMENT)
    page = assessment(bilingual, "judgment-1-2")
    url = f"http://testserver{JUDGMENT}"
    assert cite is not None
    assert cite.summary.get_text() == "Cite this assessment"
    assert "open" not in cite.attrs  # closed until a reader opens it
    found = formats(cite)
    assert list(found) == ["APA", "Chicago", "BibTeX"]
    # What the copy button copies is the element's text.
    assert found["APA"].get_text() == (
        f"{ORGANISATION}. (2026). {page.title} In National Threat Assessment 2026. {url}"
    )
    assert found["APA"].i.get_text() == "National Threat Assessment 2026"
    assert found["Chicago"].get_text().endswith(f"Accessed 5 November 2026. {url}.")
    bibtex = found["BibTeX"].get_text()
    assert found["BibTeX"].name == "pre"
    assert bibtex.startswith("@incollection{state_assessment_office2026judgment,")
    assert "  urldate = {2026-11-05},\n" in bibtex
    assert "5 November 2026" in cite.select_one(".cite__note").get_text()


def test_an_edition_offers_them_too(client, bilingual):
    cite = control(client, "/en/reports/2026/")
    assert cite.summary.get_text() == "Cite this edition"
    found = formats(cite)
    assert found["APA"].get_text() == (
        f"{ORGANISATION}. (2026). National Threat Assessment 2026. http://testserver/en/reports/2026/"
    )
    assert found["BibTeX"].get_text().startswith("@techreport{")


def test_in_lithuanian_the_control_and_the_citations_are_lithuanian(client, bilingual):
    cite = control(client, "/lt/reports/2026/chapter-1/judgment-1-2/")
    assert cite.summary.get_text() == "Cituoti šį vertinimą"
    found = formats(cite)
    assert " Iš LT National Threat Assessment 2026. " in found["APA"].get_text()
    accessed = "Žiūrėta 2026\u00a0m. lapkričio 5\u00a0d. http://testserver/lt/"
    assert accessed in found["Chicago"].get_text()
    assert "langid = {lithuanian}" in found["BibTeX"].get_text()
    buttons = cite.select("button")
    assert {button.get_text() for button in buttons} == {"Kopijuoti"}
    assert buttons[0]["aria-label"] == "Kopijuoti APA nuorodą"


def test_other_pages_have_no_control(client, bilingual):
    for path in (
        "/en/",
        "/en/reports/",
        "/en/reports/2026/summary/",
        "/en/reports/2026/chapter-1/",
    ):
        assert control(client, path) is None, path


def test_copying_is_progressive_enhancement(client, bilingual):
    with time_machine.travel(READ_AT, tick=False):
        html = client.get(JUDGMENT).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    cite = soup.select_one("details.cite")
    # Without script the buttons stay hidden and the citations can be selected by hand.
    buttons = cite.select("button[data-cite-copy]")
    assert len(buttons) == 3
    assert all(button.has_attr("hidden") for button in buttons)
    for button in buttons:
        assert soup.find(id=button["data-cite-copy"]) is not None
        # The accessible name starts with the visible word (WCAG 2.5.3).
        assert button["aria-label"].startswith(button.get_text())
    status = cite.select_one("[role=status]")
    assert status["data-copied"] == "Copied."
    # The script is a file (the CSP allows no inline script), and it exists.
    assert soup.select_one('script[src="/static/citation/cite.js"]') is not None
    assert finders.find("citation/cite.js")
    # The BibTeX box scrolls sideways on a phone, so it can take the keyboard focus.
    assert cite.select_one("pre")["tabindex"] == "0"


def test_print_leaves_the_control_out():
    with open(finders.find("css/print.css"), encoding="utf-8") as stylesheet:
        rules = stylesheet.read()
    hidden = rules.split("{\n  display: none !important;", 1)[0]
    assert ".cite," in hidden
