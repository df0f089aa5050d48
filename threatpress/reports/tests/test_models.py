"""Rules an editor notices: one edition a year, terms from the edition's scale, safe slugs."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.models import Locale

from threatpress.reports.models import EditionPage
from threatpress.reports.scale import band_label
from threatpress.reports.tests.factories import (
    AssessmentPageFactory,
    ChapterPageFactory,
    EditionPageFactory,
)

pytestmark = pytest.mark.django_db


def test_new_edition_gets_the_standard_scale_and_horizons(site_tree):
    edition = EditionPageFactory(parent=site_tree.reports, year=2030)
    terms = [(t.key, t.band) for t in edition.probability_terms.all()]
    assert terms == [
        ("unlikely", "<25%"),
        ("possible", "25–50%"),
        ("likely", "50–75%"),
        ("highly-likely", ">75%"),
    ]
    spans = [(h.key, h.span) for h in edition.time_horizons.all()]
    assert spans == [
        ("short", "0–6 months"),
        ("near", "6 months–2 years"),
        ("mid", "3–5 years"),
        ("long", "6–10 years"),
    ]


def test_a_lithuanian_edition_gets_its_scale_in_lithuanian_whoever_creates_it(site_tree):
    """An editor who uses the admin in English may start the Lithuanian edition: its default
    scale is worded in the edition's language, not the editor's."""
    edition = EditionPageFactory.build(year=2031, locale=Locale.objects.get(language_code="lt"))
    with translation.override("en"):
        edition.add_default_scale()
    labels = [t.label for t in edition.probability_terms.all()]
    assert labels == ["Mažai tikėtina", "Galima", "Tikėtina", "Labai tikėtina"]
    horizons = [(h.label, h.span) for h in edition.time_horizons.all()]
    assert horizons == [
        ("Trumpasis laikotarpis", "iki 6 mėn."),
        ("Artimiausias laikotarpis", "6 mėn.–2 m."),
        ("Vidutinis laikotarpis", "3–5 m."),
        ("Ilgasis laikotarpis", "6–10 m."),
    ]


def test_edition_slug_always_follows_its_year(site_tree):
    edition = EditionPageFactory(parent=site_tree.reports, year=2030, slug="typed-by-hand")
    assert edition.slug == "2030"


def test_two_editions_cannot_share_a_year(site_tree):
    EditionPageFactory(parent=site_tree.reports, year=2030)
    with pytest.raises(ValidationError):
        EditionPageFactory(parent=site_tree.reports, year=2030)
    assert EditionPage.objects.filter(year=2030).count() == 1


def test_assessment_rejects_a_probability_term_its_edition_does_not_have(edition):
    chapter = edition.get_children().first().specific
    with pytest.raises(ValidationError) as error:
        AssessmentPageFactory(parent=chapter, probability="almost-certain")
    assert "probability" in error.value.message_dict


def test_assessment_rejects_an_unknown_time_horizon(edition):
    chapter = edition.get_children().first().specific
    with pytest.raises(ValidationError) as error:
        AssessmentPageFactory(parent=chapter, horizon="forever")
    assert "horizon" in error.value.message_dict


@pytest.mark.parametrize("slug", ["2026", "summary", "foreword", "scale"])
def test_chapter_slug_cannot_shadow_a_year_or_an_edition_route(edition, slug):
    with pytest.raises(ValidationError):
        ChapterPageFactory(parent=edition, slug=slug)


def test_duplicate_probability_keys_are_refused(site_tree):
    edition = EditionPageFactory.build(year=2033)
    edition.add_default_scale()
    terms = list(edition.probability_terms.all())
    terms[1].key = terms[0].key
    edition.probability_terms = terms
    with pytest.raises(ValidationError):
        site_tree.reports.add_child(instance=edition)


@pytest.mark.parametrize(
    ("lower", "upper", "label"), [(0, 25, "<25%"), (25, 50, "25–50%"), (75, 100, ">75%")]
)
def test_band_labels_read_like_the_scale(lower, upper, label):
    assert band_label(lower, upper) == label
