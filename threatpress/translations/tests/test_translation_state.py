"""A translation is never public before a translator marks it as translated, and a translator
sees what changed in the original since."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Locale, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from threatpress.conftest import publish_all, translate_tree
from threatpress.publishing.visibility import is_public
from threatpress.reports.models import AssessmentPage
from threatpress.translations.models import TranslationState
from threatpress.translations.state import (
    OUTDATED,
    TRANSLATED,
    UNTRANSLATED,
    mark_translated,
    status_of,
)

pytestmark = pytest.mark.django_db
ASSESSMENT_LT = "/lt/reports/2026/chapter-1/judgment-1-1/"


@pytest.fixture
def lithuanian():
    return Locale.objects.get(language_code="lt")


@pytest.fixture
def public_edition(edition):
    publish_all(edition.get_parent().get_parent())
    return edition


def first_assessment(edition) -> AssessmentPage:
    return AssessmentPage.objects.descendant_of(edition).get(slug="judgment-1-1")


def test_a_published_copy_nobody_translated_is_not_public(client, public_edition, lithuanian):
    assessment = first_assessment(public_edition)
    # Wagtail makes the untranslated parents aliases: live mirrors of the English pages.
    copy = assessment.copy_for_translation(lithuanian, copy_parents=True)
    copy.save_revision().publish()
    assert Page.objects.get(pk=copy.pk).live

    assert status_of(copy).state == UNTRANSLATED
    assert not is_public(copy)
    assert client.get(ASSESSMENT_LT).status_code == 404
    edition_alias = public_edition.get_translation(lithuanian)
    assert edition_alias.alias_of_id == public_edition.pk
    assert not is_public(edition_alias)
    assert client.get("/lt/reports/2026/").status_code == 404
    assert client.get("/lt/").status_code == 404


def test_a_marked_translation_is_public_with_its_own_text(client, public_edition, lithuanian):
    lt_edition = translate_tree(public_edition, "lt")
    response = client.get(ASSESSMENT_LT)
    assert response.status_code == 200
    assert "LT Judgment 1.1 of 2026" in response.content.decode()
    assert status_of(lt_edition).state == TRANSLATED
    assert client.get("/en/reports/2026/chapter-1/judgment-1-1/").status_code == 200


def test_an_edit_to_the_original_marks_the_translation_outdated_with_a_comparison(
    client, admin_user, public_edition
):
    translate_tree(public_edition, "lt")
    original = first_assessment(public_edition)
    copy = original.get_translation(Locale.objects.get(language_code="lt"))
    original.summary = "A corrected summary."
    original.save_revision().publish()
    original.summary = "A second correction."
    original.save_revision()

    status = status_of(copy)
    assert status.state == OUTDATED and status.changes == 2
    client.force_login(admin_user)
    comparison = client.get(status.compare_url)
    assert comparison.status_code == 200
    assert "correction" in comparison.content.decode()
    # Still public: an outdated translation was translated; it only lags behind.
    assert client.get(ASSESSMENT_LT).status_code == 200

    mark_translated(copy, admin_user)
    assert status_of(copy).state == TRANSLATED


def test_publishing_an_untranslated_copy_in_the_editor_saves_the_draft_and_explains(
    client, admin_user, public_edition, lithuanian
):
    translate_tree(public_edition.get_parent().get_parent(), "lt", descendants=False)
    copy = public_edition.get_parent().copy_for_translation(lithuanian)  # the archive page
    client.force_login(admin_user)
    edit_url = reverse("wagtailadmin_pages:edit", args=[copy.pk])
    data = nested_form_data(
        {
            "title": "Ataskaitos",
            "slug": "ataskaitos",
            "intro": "Visi leidimai.",
            "comments": inline_formset([]),
            "action-publish": "1",
        }
    )
    response = client.post(edit_url, data, follow=True)

    assert response.status_code == 200
    assert "not marked as translated" in response.content.decode()
    copy.refresh_from_db()
    assert not copy.live
    assert copy.get_latest_revision_as_object().title == "Ataskaitos"
    assert client.get("/lt/ataskaitos/").status_code == 404


def test_translation_screen_lists_and_marks(client, people, public_edition, lithuanian):
    copy = first_assessment(public_edition).copy_for_translation(lithuanian, copy_parents=True)
    client.force_login(people["author"])
    index = client.get(reverse("threatpress_translations"))
    assert index.status_code == 200
    assert "Not translated" in index.content.decode()

    screen = reverse("threatpress_translation", args=[copy.pk])
    assert "Mark as translated" in client.get(screen).content.decode()
    response = client.post(screen, follow=True)
    assert response.status_code == 200
    assert TranslationState.objects.get(page=copy).translated
    assert (
        "Translation: Translated"
        in client.get(reverse("wagtailadmin_pages:edit", args=[copy.pk])).content.decode()
    )


def test_translation_screen_refuses_who_may_not_edit(client, public_edition, lithuanian):
    from django.contrib.auth import get_user_model

    copy = first_assessment(public_edition).copy_for_translation(lithuanian, copy_parents=True)
    nobody = get_user_model().objects.create_user(username="reader", password="x" * 20)
    client.force_login(nobody)
    response = client.post(reverse("threatpress_translation", args=[copy.pk]))
    assert response.status_code in (302, 403)
    assert not TranslationState.objects.get(page=copy).translated


def test_a_translated_edition_starts_with_the_scale_in_its_own_language(public_edition, lithuanian):
    term = public_edition.probability_terms.get(key="likely")
    term.description = "Our own wording, for the translator."
    term.save()
    translate_tree(public_edition.get_parent(), "lt", descendants=False)
    copy = public_edition.copy_for_translation(lithuanian)
    terms = {t.key: t for t in copy.probability_terms.all()}
    assert terms["likely"].label == "Tikėtina"
    assert terms["likely"].description == "Our own wording, for the translator."
    assert terms["highly-likely"].label == "Labai tikėtina"
    assert copy.time_horizons.get(key="near").label != "Near term"
