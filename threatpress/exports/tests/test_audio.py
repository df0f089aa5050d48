"""The 'Listen' files: what is read aloud (speech.py)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from threatpress.conftest import build_edition
from threatpress.exports import snapshot
from threatpress.exports.document import (
    AssessmentDoc,
    ChapterDoc,
    EditionDoc,
    ExportDocument,
    Figure,
    Heading,
    ImageFile,
    Quote,
    Term,
    build_document,
)
from threatpress.exports.inline import Inline, ListBlock, Paragraph
from threatpress.exports.speech import lt_noun, speakable, speech_script
from threatpress.reports.models import AssessmentPage

LABELS = {
    "chapter": "Chapter",
    "foreword": "Foreword",
    "figure": "Figure",
    "probability": "Probability",
    "time_horizon": "Time horizon",
    "published": "Published",
    "information_up_to": "Information up to",
}
NATO_URL = "https://www.nato.int/cps/en/natohq/official_texts_17120.htm"


def text(value: str) -> Inline:
    return Inline("text", value)


def paragraph(*inlines: Inline | str) -> Paragraph:
    return Paragraph([text(i) if isinstance(i, str) else i for i in inlines])


def english_assessment(n: int = 1, extra: str = "") -> AssessmentDoc:
    return AssessmentDoc(
        anchor=f"page-{n}",
        title=f"Russia will expand its forces facing NATO, judgment {n}.",
        summary="Moscow is building the commands and stockpiles for a larger force.",
        url=f"http://testserver/en/reports/2026/one/judgment-{n}/",
        body=[
            paragraph(
                "In February 2024 a decree restored the Leningrad district",
                Inline("footnote", number=1),
                ". " + extra,
            ),
            Heading("What a ceasefire would change"),
            paragraph(
                "See the treaty ",
                Inline("link", href=NATO_URL, children=[text("on the NATO website")]),
                " (",
                Inline("link", href=NATO_URL, children=[text(NATO_URL)]),
                ").",
            ),
            Quote("An attack against one shall be an attack against all.", "Article 5, 1949"),
            Figure(
                ImageFile(b"", "png", 10, 10),
                alt="Bar chart. Spending rose from 3.7% in 2021 to 7.1% in 2024.",
                caption="Source: SIPRI.",
            ),
            ListBlock(ordered=False, items=[[text("New divisions")], [text("New depots")]]),
        ],
        probability=Term("likely", "Likely", "50–75%"),
        horizon=Term("near", "Near term", "6 months–2 years"),
    )


def lithuanian_assessment() -> AssessmentDoc:
    return AssessmentDoc(
        anchor="page-9",
        title="Rusija toliau stiprins pajėgas prie šiaurės rytų NATO flango.",
        summary="Ąžuolas ėjo į Šiaulius, čia ūkis ir žąsys.",
        url="http://testserver/lt/ataskaitos/2026/vienas/vertinimas/",
        body=[
            paragraph("Karinės išlaidos 2024 m. siekė 7,1 proc. BVP, t. y. 15 000 mln. rublių."),
            paragraph("Tai sudarė 21% biudžeto", Inline("footnote", number=1), "."),
            Figure(ImageFile(b"", "png", 10, 10), alt="Stulpelinė diagrama: 3,7 % ir 7,1 %."),
        ],
        probability=Term("unlikely", "Mažai tikėtina", "<25%"),
        horizon=Term("short", "Trumpas laikotarpis", "0–6 mėn."),
    )


def make_doc(
    assessments: list[AssessmentDoc] | None = None,
    *,
    language: str = "en",
    scope: str = "assessment",
    labels: dict[str, str] | None = None,
) -> ExportDocument:
    assessments = assessments if assessments is not None else [english_assessment()]
    chapter = ChapterDoc(
        anchor="page-3",
        number=2,
        title="Russia’s military threat" if language == "en" else "Rusijos karinė grėsmė",
        url="http://testserver/en/reports/2026/one/",
        introduction=[paragraph("Russia is the only state that can threaten us by force.")],
        assessments=assessments,
    )
    edition = EditionDoc(
        anchor="page-2",
        title="National Threat Assessment 2026",
        year=2026,
        url="http://testserver/en/reports/2026/",
        published_at=timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0)),
        cutoff_date=datetime.date(2026, 1, 15),
        foreword=[paragraph("This is the public edition of our assessment.")],
        foreword_signed_by="Karin Aldane, Director",
        terms=[Term("likely", "Likely", "50–75%", "More likely than not.")],
        horizons=[Term("near", "Near term", "6 months–2 years", "Over the next two years.")],
    )
    title = edition.title if scope == "edition" else assessments[0].title
    return ExportDocument(
        scope=scope,
        language=language,
        title=title,
        organisation="State Assessment Office",
        url=assessments[0].url,
        edition=edition,
        chapters=[chapter],
        labels=labels if labels is not None else LABELS,
    )


def spoken(doc: ExportDocument) -> list[str]:
    return [segment.text for segment in speech_script(doc)]


# --- What is read ----------------------------------------------------------------------------


def test_assessment_reads_chapter_judgment_summary_terms_and_body_in_order():
    texts = spoken(make_doc())
    assert texts[:5] == [
        "Chapter 2. Russia’s military threat.",
        "Russia will expand its forces facing NATO, judgment 1.",
        "Moscow is building the commands and stockpiles for a larger force.",
        "Probability: Likely, 50 to 75 percent.",
        "Time horizon: Near term, 6 months to 2 years.",
    ]
    assert texts[5:] == [
        "In February 2024 a decree restored the Leningrad district.",
        "What a ceasefire would change.",
        "See the treaty on the NATO website.",
        "Quote: An attack against one shall be an attack against all.",
        "Article 5, 1949.",
        "Figure: Bar chart. Spending rose from 3.7 percent in 2021 to 7.1 percent in 2024.",
        "New divisions.",
        "New depots.",
    ]


def test_assessment_script_leaves_out_urls_markers_symbols_and_the_caption():
    everything = " ".join(spoken(make_doc()))
    for absent in ("http", "nato.int", "www", "%", "–", "district1", "Source: SIPRI"):
        assert absent not in everything


def test_pauses_mark_headings_items_and_the_end_of_an_assessment():
    segments = speech_script(make_doc())
    by_text = {segment.text: segment.pause for segment in segments}
    assert by_text["What a ceasefire would change."] > by_text["New divisions."]
    assert segments[-1].pause >= 1.0


def test_lithuanian_assessment_writes_out_numbers_and_units_with_agreement():
    doc = make_doc([lithuanian_assessment()], language="lt")
    texts = spoken(doc)
    # The document's labels are still English (untranslated): Lithuanian words are spoken.
    assert texts[0] == "Skyrius 2. Rusijos karinė grėsmė."
    assert "Tikimybė: Mažai tikėtina, mažiau nei 25 procentai." in texts
    assert "Laikotarpis: Trumpas laikotarpis, nuo 0 iki 6 mėnesių." in texts
    assert (
        "Karinės išlaidos 2024 metais siekė 7,1 procento BVP, tai yra 15000 milijonų rublių."
        in texts
    )
    assert "Tai sudarė 21 procentas biudžeto." in texts
    assert "Paveikslas: Stulpelinė diagrama: 3,7 procento ir 7,1 procento." in texts
    assert "Ąžuolas ėjo į Šiaulius, čia ūkis ir žąsys." in texts
    assert "%" not in " ".join(texts)


def test_translated_labels_are_used_as_they_are():
    labels = {**LABELS, "chapter": "Dalis", "probability": "Tikimybės lygis"}
    texts = spoken(make_doc([lithuanian_assessment()], language="lt", labels=labels))
    assert texts[0].startswith("Dalis 2.")
    assert any(t.startswith("Tikimybės lygis:") for t in texts)


def test_edition_reads_title_dates_foreword_then_chapters_without_the_scale():
    first, second = english_assessment(1), english_assessment(2)
    texts = spoken(make_doc([first, second], scope="edition"))
    assert texts[:8] == [
        "National Threat Assessment 2026.",
        "State Assessment Office.",
        "Published: 10 March 2026.",
        "Information up to: 15 January 2026.",
        "Foreword.",
        "This is the public edition of our assessment.",
        "Karin Aldane, Director.",
        "Chapter 2. Russia’s military threat.",
    ]
    assert texts[8] == "Russia is the only state that can threaten us by force."
    assert texts[9] == first.title
    assert texts.count("Probability: Likely, 50 to 75 percent.") == 2
    assert "More likely than not." not in texts  # the scale's table is not read


def test_lithuanian_edition_reads_dates_as_spoken():
    texts = spoken(make_doc([lithuanian_assessment()], language="lt", scope="edition"))
    assert "Paskelbta: 2026 metų kovo dešimtą dieną." in texts
    assert "Informacija iki: 2026 metų sausio penkioliktą dieną." in texts
    assert "Pratarmė." in texts


def test_an_assessment_reads_the_same_alone_and_in_the_edition():
    """So the edition's file is made of the assessments' cached audio."""
    assessment = english_assessment()
    alone = speech_script(make_doc([assessment]))
    in_edition = speech_script(make_doc([assessment], scope="edition"))
    body = alone[1:]  # without the chapter line, read once per chapter in the edition
    start = next(i for i, s in enumerate(in_edition) if s.text == assessment.title)
    assert in_edition[start : start + len(body)] == body


@pytest.mark.parametrize(
    ("language", "written", "said"),
    [
        ("en", "Highly likely, >75%", "Highly likely, more than 75 percent"),
        ("en", "From 2021–2024 it rose", "From 2021 to 2024 it rose"),
        ("en", "Unit 26165-2 on 2024-02-26", "Unit 26165-2 on 2024-02-26"),
        ("en", "Russia–Ukraine – and then & more", "Russia Ukraine, and then and more"),
        ("en", "Read it at www.example.org/page, please.", "Read it at, please."),
        ("lt", "nuo 2021–2024", "nuo 2021 iki 2024"),
        ("lt", "2–5 proc.", "nuo 2 iki 5 procentų"),
        ("lt", "1,5 mln. eurų ir 11 mlrd.", "1,5 milijono eurų ir 11 milijardų"),
        ("lt", "2026 m. vasario 1 d.", "2026 metų vasario pirmą dieną"),
    ],
)
def test_speakable(language, written, said):
    assert speakable(written, language) == said


def test_lithuanian_noun_agrees_with_its_number():
    forms = ("procentas", "procentai", "procentų", "procento")
    said = {n: lt_noun(n, forms) for n in ("1", "21", "11", "2", "25", "10", "100", "7,1")}
    assert said == {
        "1": "procentas",
        "21": "procentas",
        "11": "procentų",
        "2": "procentai",
        "25": "procentai",
        "10": "procentų",
        "100": "procentų",
        "7,1": "procento",
    }
    assert lt_noun("75", forms, genitive=True) == "procentų"
    assert lt_noun("21", forms, genitive=True) == "procento"


@pytest.mark.django_db
def test_script_of_a_real_assessment_page(site_tree):
    edition = build_edition(site_tree.reports, 2026, chapters=1, per_chapter=1)
    page = AssessmentPage.objects.descendant_of(edition).get()
    plan = snapshot.live_plan(page)
    doc = build_document(
        plan.scope, plan.load(), organisation="Office", root_url="http://testserver"
    )
    texts = spoken(doc)
    assert texts[0] == "Chapter 1. Chapter 1."
    assert "Probability: Likely, 50 to 75 percent." in texts
    assert "Time horizon: Near term, 6 months to 2 years." in texts
