"""The probability term and the regions an assessment's text proposes."""

from __future__ import annotations

import pytest

from threatpress.manuscripts.proposals import Proposer
from threatpress.manuscripts.reading import read_manuscript

from .docx_builder import DocxBuilder

ENGLISH_TERMS = {
    "almost-certain": "Almost certain",
    "highly-likely": "Highly likely",
    "likely": "Likely",
    "realistic-possibility": "Realistic possibility",
    "unlikely": "Unlikely",
    "highly-unlikely": "Highly unlikely",
}
LITHUANIAN_TERMS = {
    "highly-likely": "Labai tikėtina",
    "likely": "Tikėtina",
    "unlikely": "Mažai tikėtina",
}
ENGLISH_REGIONS = ["Russia", "Belarus", "China", "Niger", "Nigeria", "United Kingdom"]
LITHUANIAN_REGIONS = ["Rusija", "Baltarusija", "Kinija", "Jungtinė Karalystė"]


def english() -> Proposer:
    return Proposer("en", ENGLISH_TERMS, ENGLISH_REGIONS)


def lithuanian() -> Proposer:
    return Proposer("lt", LITHUANIAN_TERMS, LITHUANIAN_REGIONS)


@pytest.mark.parametrize(
    ("key_judgment", "summary", "proposed"),
    [
        ("Russia will highly likely test NATO's resolve", "", "highly-likely"),
        ("Russia will likely test NATO's resolve", "", "likely"),
        ("An attack is unlikely in 2027", "", "unlikely"),
        ("An attack is highly unlikely", "It is likely that …", "highly-unlikely"),
        ("China expands its presence", "This is a realistic possibility.", "realistic-possibility"),
        ("Russia would like to divide the alliance", "", ""),  # "like" is not "likely"
        ("Unlikelihood is not a term", "Likelihood neither", ""),
        ("HIGHLY LIKELY, in capitals", "", "highly-likely"),
    ],
)
def test_english_probability_terms_are_whole_words_longest_first(key_judgment, summary, proposed):
    assert english().probability(key_judgment, summary) == proposed


def test_the_key_judgment_goes_before_the_summary():
    assert english().probability("It is unlikely", "It is highly likely") == "unlikely"
    assert english().probability("No term here", "It is highly likely") == "highly-likely"


@pytest.mark.parametrize(
    ("key_judgment", "proposed"),
    [
        ("Labai tikėtina, kad Rusija didins spaudimą", "highly-likely"),
        ("Rusijos spaudimas labai tikėtinas", "highly-likely"),
        ("Išpuolis mažai tikėtinas", "unlikely"),
        ("Tikėtini nauji išpuoliai", "likely"),
        ("Rusija stiprina pajėgas", ""),
    ],
)
def test_lithuanian_terms_match_inflected_forms(key_judgment, proposed):
    assert lithuanian().probability(key_judgment, "") == proposed


def test_regions_are_whole_words_and_lithuanian_matches_inflected_names():
    assert english().regions_named(["Nigeria and Russia's neighbours", "the United Kingdom"]) == [
        "Russia",
        "Nigeria",
        "United Kingdom",
    ]
    assert lithuanian().regions_named(
        ["Rusijos kariuomenė", "Baltarusijai", "su Jungtinės Karalystės pajėgomis"]
    ) == ["Rusija", "Baltarusija", "Jungtinė Karalystė"]
    assert lithuanian().regions_named(["Kinijoje", "rusiškas"]) == ["Kinija"]


def test_a_read_manuscript_carries_the_proposals_from_heading_summary_and_body():
    builder = DocxBuilder()
    builder.heading("Rusija", 1)
    builder.heading("Labai tikėtina, kad Rusija didins spaudimą", 2)
    builder.paragraph("Baltarusijos teritorija bus naudojama.")
    builder.paragraph("Kinijai tai naudinga.")
    builder.table([["Šalis"], ["Jungtinė Karalystė"]])

    manuscript = read_manuscript(
        builder.bytes(),
        language="lt",
        probability_terms=LITHUANIAN_TERMS,
        region_names=LITHUANIAN_REGIONS,
    )

    [assessment] = manuscript.assessments
    assert assessment.proposed_probability == "highly-likely"
    assert assessment.proposed_regions == LITHUANIAN_REGIONS
