"""APA, Chicago and BibTeX against citations written out by hand from the style manuals."""

from __future__ import annotations

from datetime import date

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware

from threatpress.citation.formats import (
    Work,
    apa,
    bibtex,
    bibtex_key,
    chicago,
    citations,
    headline_case,
)

URL = "https://threats.example.org/en/reports/2026/military/russia-will-keep-testing-nato/"
URL_LT = "https://threats.example.org/lt/ataskaitos/2026/karas/rusija/"
EDITION_URL = "https://threats.example.org/en/reports/2026/"
PUBLISHED = date(2026, 3, 10)
ACCESSED = date(2026, 11, 5)

ASSESSMENT = Work(
    kind="assessment",
    title="Russia will keep testing NATO’s resolve in the Baltic region through 2027.",
    organisation="State Assessment Office",
    published=PUBLISHED,
    url=URL,
    accessed=ACCESSED,
    language="en",
    container="National Threat Assessment 2026",
)
EDITION = Work(
    kind="edition",
    title="National Threat Assessment 2026",
    organisation="State Assessment Office",
    published=PUBLISHED,
    url=EDITION_URL,
    accessed=ACCESSED,
    language="en",
)
# A judgment that ends with an abbreviation ("m." is "metai", years), in Lithuanian.
ASSESSMENT_LT = Work(
    kind="assessment",
    title="Rusija toliau bandys NATO ryžtą Baltijos regione iki 2027 m.",
    organisation="Valstybės saugumo departamentas",
    published=PUBLISHED,
    url=URL_LT,
    accessed=ACCESSED,
    language="lt",
    container="Grėsmių nacionaliniam saugumui vertinimas 2026",
)


def by_style(work: Work) -> dict:
    return {citation.style: citation for citation in citations(work)}


def test_apa_for_an_assessment_and_an_edition():
    assert apa(ASSESSMENT).text == (
        "State Assessment Office. (2026). Russia will keep testing NATO’s resolve in the Baltic "
        "region through 2027. In National Threat Assessment 2026. " + URL
    )
    assert apa(ASSESSMENT).html == (
        "State Assessment Office. (2026). Russia will keep testing NATO’s resolve in the Baltic "
        "region through 2027. In <i>National Threat Assessment 2026</i>. " + URL
    )
    assert apa(EDITION).html == (
        f"State Assessment Office. (2026). <i>National Threat Assessment 2026</i>. {EDITION_URL}"
    )


def test_chicago_for_an_assessment_and_an_edition():
    assert chicago(ASSESSMENT).html == (
        "State Assessment Office. “Russia Will Keep Testing NATO’s Resolve in the Baltic Region "
        "through 2027.” In <i>National Threat Assessment 2026</i>. State Assessment Office, "
        '2026. Accessed <time datetime="2026-11-05" data-cite-accessed="long">5 November 2026'
        f"</time>. {URL}."
    )
    assert chicago(EDITION).text == (
        "State Assessment Office. National Threat Assessment 2026. State Assessment Office, "
        f"2026. Accessed 5 November 2026. {EDITION_URL}."
    )


def test_lithuanian_citations_use_lithuanian_words_dates_and_quotation_marks():
    found = by_style(ASSESSMENT_LT)
    assert found["apa"].html == (
        "Valstybės saugumo departamentas. (2026). Rusija toliau bandys NATO ryžtą Baltijos "
        "regione iki 2027 m. Iš <i>Grėsmių nacionaliniam saugumui vertinimas 2026</i>. " + URL_LT
    )
    # The abbreviation's period stays; Lithuanian puts other punctuation outside the quotes,
    # and keeps the title's own capitals.
    assert found["chicago"].text == (
        "Valstybės saugumo departamentas. „Rusija toliau bandys NATO ryžtą Baltijos regione iki "
        "2027 m.“ Iš Grėsmių nacionaliniam saugumui vertinimas 2026. Valstybės saugumo "
        f"departamentas, 2026. Žiūrėta 2026\u00a0m. lapkričio 5\u00a0d. {URL_LT}."
    )
    no_period = Work(**{**ASSESSMENT_LT.__dict__, "title": "Rusija toliau bandys NATO ryžtą"})
    assert "„Rusija toliau bandys NATO ryžtą“. Iš " in by_style(no_period)["chicago"].text


def test_a_question_keeps_its_mark_and_gets_no_period():
    question = Work(**{**ASSESSMENT.__dict__, "title": "Will the sabotage campaign widen?"})
    assert "(2026). Will the sabotage campaign widen? In " in apa(question).text
    assert "“Will the Sabotage Campaign Widen?” In " in chicago(question).text


def test_an_organisation_ending_in_a_period_gets_no_second_one():
    work = Work(**{**EDITION.__dict__, "organisation": "Threat Analysis Ltd."})
    assert apa(work).text.startswith("Threat Analysis Ltd. (2026). ")
    assert chicago(work).text.startswith("Threat Analysis Ltd. National Threat")


def test_titles_are_escaped_in_html_and_kept_in_text():
    work = Work(**{**ASSESSMENT.__dict__, "title": "Sabotage <b>& </i>arson"})
    assert "Sabotage &lt;b&gt;&amp; &lt;/i&gt;arson. In <i>" in apa(work).html
    assert "Sabotage <b>& </i>arson. In " in apa(work).text


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "the threat of sabotage to undersea cables through 2027",
            "The Threat of Sabotage to Undersea Cables through 2027",
        ),
        (
            "a built-in bias: what the long-term data say",
            "A Built-in Bias: What the Long-Term Data Say",
        ),
        ("NATO’s eastern flank and the EU", "NATO’s Eastern Flank and the EU"),
        ("what it is made of", "What It Is Made Of"),
        ("(the “grey zone”) as a weapon", "(The “Grey Zone”) as a Weapon"),
        ("iPhone spyware in 2026", "iPhone Spyware in 2026"),
    ],
)
def test_chicago_headline_style(title, expected):
    assert headline_case(title) == expected


def test_bibtex_for_an_assessment():
    assert bibtex(ASSESSMENT).text == (
        "@incollection{state_assessment_office2026russia,\n"
        "  author = {{State Assessment Office}},\n"
        "  title = {{Russia will keep testing NATO's resolve in the Baltic region through "
        "2027.}},\n"
        "  booktitle = {{National Threat Assessment 2026}},\n"
        "  publisher = {{State Assessment Office}},\n"
        "  year = {2026},\n"
        "  month = mar,\n"
        f"  url = {{{URL}}},\n"
        "  urldate = {2026-11-05},\n"
        "  langid = {english},\n"
        "}"
    )


def test_the_access_date_is_marked_for_the_pages_script():
    found = by_style(ASSESSMENT_LT)
    assert (
        'Žiūrėta <time datetime="2026-11-05" data-cite-accessed="long">'
        "2026\u00a0m. lapkričio 5\u00a0d.</time> https://" in found["chicago"].html
    )
    assert (
        'urldate = {<time datetime="2026-11-05" data-cite-accessed="iso">2026-11-05</time>},'
        in found["bibtex"].html
    )
    assert "<time" not in found["bibtex"].text


def test_bibtex_for_an_edition_is_a_report():
    text = by_style(EDITION)["bibtex"].text
    assert text.startswith("@techreport{state_assessment_office2026national,\n")
    assert "  institution = {{State Assessment Office}},\n  type = {Report},\n" in text


def test_bibtex_escapes_lithuanian_letters_and_latex_specials():
    hostile = Work(
        **{
            **ASSESSMENT_LT.__dict__,
            "title": "Ąžuolai – „NATO“ & 50 % {x} _a_ #1 $ ~ \\ ąčęėįšųūž ĄČĘĖĮŠŲŪŽ } {",
        }
    )
    text = bibtex(hostile).text
    assert text.isascii()
    assert "{\\k{A}}{\\v{z}}uolai" in text
    assert "{\\v{s}}" in text and "{\\.{e}}" in text and "{\\={u}}" in text
    # BibTeX reads it back, and LaTeX decoding gives the original text, braces balanced.
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "incollection"
    fields = {field.key: field.value for field in entry.fields}
    assert fields["title"] == hostile.title
    assert fields["author"] == "Valstybės saugumo departamentas"
    assert fields["booktitle"] == "Grėsmių nacionaliniam saugumui vertinimas 2026"
    assert fields["langid"] == "lithuanian"
    assert fields["urldate"] == "2026-11-05"


def test_bibtex_keys_are_ascii_and_skip_small_words():
    assert bibtex_key(ASSESSMENT_LT) == "valstybes_saugumo_departamentas2026rusija"
    work = Work(
        **{**EDITION.__dict__, "title": "The “grey zone” of 2026", "organisation": "Ūkio & Co"}
    )
    assert bibtex_key(work) == "ukio__co2026grey"


def test_each_style_names_itself():
    assert [(c.style, c.name) for c in citations(EDITION)] == [
        ("apa", "APA"),
        ("chicago", "Chicago"),
        ("bibtex", "BibTeX"),
    ]
