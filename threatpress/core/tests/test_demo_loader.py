"""`manage.py load_demo` builds a realistic edition and can run again without harm."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Locale, Page, Site

from threatpress.conftest import kept_for_the_module
from threatpress.core.models import InformationPage, SiteIdentity
from threatpress.readership.models import DownloadDay, PageViewDay, SearchTermDay
from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage
from threatpress.translations.state import TRANSLATED, status_of

pytestmark = pytest.mark.django_db

CRISIS = "/en/reports/2026/crisis-regions/russia-loses-its-main-lever-in-the-south-caucasus/"


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker):
    """The demo loaded once for the whole module (a load takes 10 to 20 seconds) and rolled back
    at its end. Each test still runs in its own transaction inside this one, so what a test
    changes is undone before the next."""
    with kept_for_the_module(django_db_blocker):
        out = StringIO()
        call_command("load_demo", stdout=out, verbosity=2)
        yield out.getvalue()


@pytest.fixture
def demo(_demo_once, db) -> str:
    """What the first load printed."""
    return _demo_once


def test_demo_has_the_current_edition_and_two_earlier_ones(demo):
    english = EditionPage.objects.live().filter(locale__language_code="en")
    assert sorted(english.values_list("year", flat=True)) == [2024, 2025, 2026]
    current = english.get(year=2026)
    assert ChapterPage.objects.child_of(current).live().count() >= 6
    assert AssessmentPage.objects.descendant_of(current).live().count() >= 18
    assert "probability" in current.foreword.lower()


def test_demo_crisis_regions_assessment_covers_the_model_page(client, demo):
    response = client.get(CRISIS)
    assert response.status_code == 200
    text = response.content.decode()
    for fact in ("Nagorno-Karabakh", "September 2023", "peacekeep", "Gyumri", "Armenia"):
        assert fact in text, fact
    assert "Sources and notes" in text
    assert "<figure" in text


CRISIS_LT = "/lt/ataskaitos/2026/kriziniai-regionai/rusija-neteko-pagrindinio-sverto-pietu-kaukaze/"


def test_the_current_edition_exists_in_lithuanian_page_for_page(demo):
    english = EditionPage.objects.get(year=2026, locale__language_code="en")
    lithuanian = english.get_translation(Locale.objects.get(language_code="lt"))
    assert lithuanian.live and lithuanian.title == "Nacionalinis grėsmių vertinimas 2026"
    originals = AssessmentPage.objects.descendant_of(english).live()
    translated = AssessmentPage.objects.descendant_of(lithuanian).live()
    assert originals.count() == translated.count() >= 18
    assert set(originals.values_list("translation_key", flat=True)) == set(
        translated.values_list("translation_key", flat=True)
    )
    for page in translated:
        assert status_of(page).state == TRANSLATED, page.slug
        assert all(region.locale_id == lithuanian.locale_id for region in page.regions.all())
    # The scale is in Lithuanian too.
    assert "tikėtina" in [term.label.lower() for term in lithuanian.probability_terms.all()]
    # The edition still being written has its translation, waiting for the same release.
    draft = EditionPage.objects.get(year=2027, locale__language_code="lt")
    assert not draft.live and status_of(draft).state == TRANSLATED


def test_the_lithuanian_crisis_regions_assessment_reads_in_lithuanian(client, demo):
    response = client.get(CRISIS_LT)
    assert response.status_code == 200
    text = response.content.decode()
    for fact in ("Kalnų Karabach", "2023 m. rugsėj", "Armėnij", "Azerbaidžan"):
        assert fact in text, fact
    assert "<figure" in text
    assert '<html lang="lt"' in text
    # The site's own name is in the reader's language too (set on the Lithuanian home page).
    assert "Valstybinė vertinimų tarnyba" in text and "State Assessment Office" not in text


def test_every_demo_assessment_renders_with_a_summary_and_body(client, demo):
    for page in AssessmentPage.objects.live():
        assert page.summary.strip(), page.slug
        assert len(page.body) >= 3, page.slug
        response = client.get(page.url)
        assert response.status_code == 200, page.url


def test_loading_twice_changes_nothing(demo):
    counts = (Page.objects.count(), InformationPage.objects.count(), Site.objects.count())
    readership = readership_totals()
    out = StringIO()
    call_command("load_demo", stdout=out, verbosity=2)
    assert (Page.objects.count(), InformationPage.objects.count(), Site.objects.count()) == counts
    assert "0 created" in out.getvalue()
    assert "kept    synthetic readership totals" in out.getvalue()
    assert readership_totals() == readership


def readership_totals() -> tuple[int, int, int]:
    return tuple(m.objects.count() for m in (PageViewDay, DownloadDay, SearchTermDay))


def test_the_demo_adds_synthetic_readership_totals_only_to_public_pages(demo):
    assert "created synthetic readership totals (56 days)" in demo
    assert all(readership_totals())
    assert not PageViewDay.objects.filter(page__live=False).exists()
    assert not PageViewDay.objects.filter(page__url_path__contains="/2027/").exists()


def test_editor_changes_survive_a_second_load(demo):
    page = AssessmentPage.objects.get(slug="russia-loses-its-main-lever-in-the-south-caucasus")
    page.summary = "Edited by an editor."
    page.save_revision().publish()
    call_command("load_demo", stdout=StringIO())
    page.refresh_from_db()
    assert page.summary == "Edited by an editor."


def test_footer_links_to_the_standing_pages(client, demo):
    identity = SiteIdentity.for_site(Site.objects.get(is_default_site=True))
    assert identity.accessibility_page and identity.cookies_page
    html = client.get("/en/").content.decode()
    assert 'href="/en/accessibility/"' in html
    assert "Cookie settings" in html


def test_information_pages_keep_their_sub_headings(client, demo):
    html = client.get("/en/cookies/").content.decode()
    assert "<h2" in html and ">How we ask</h2>" in html
    assert "&lt;h2" not in html


def test_demo_has_one_user_of_each_role_with_a_password_shown_once(demo):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for username, group in (
        ("author", "Authors"),
        ("reviewer", "Reviewers"),
        ("publisher", "Publishers"),
    ):
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        password = demo.split(f"Demo user '{username}' ({group}) created with password: ")
        assert user.check_password(password[1].split()[0])
    again = StringIO()
    call_command("load_demo", stdout=again)
    assert "password" not in again.getvalue()


def test_a_demo_editor_can_switch_the_admin_to_lithuanian(client, demo):
    """Wagtail's account settings require a whole name and an e-mail address: a demo user
    without them could not save the form that sets the admin's language."""
    import re

    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="publisher")
    client.force_login(user)
    form = client.get("/admin/account/").content.decode()
    fields = {}  # the form as the browser would send it untouched
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]*)"', tag), re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]*)"', tag)
        kind = kind[1] if kind else "text"
        if not name or name[1] == "csrfmiddlewaretoken" or kind in ("file", "password"):
            continue
        if kind in ("checkbox", "radio") and "checked" not in tag:
            continue
        fields[name[1]] = value[1] if value else "on"
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options) or re.search(
            r'<option value="([^"]*)"', options
        )
        fields[name] = chosen[1]
    fields["locale-preferred_language"] = "lt"
    response = client.post("/admin/account/", fields)
    assert response.status_code == 302, re.findall(
        r'class="error-message"[^>]*>\s*([^<]+)', response.content.decode()
    )
    user.refresh_from_db()
    assert user.wagtail_userprofile.preferred_language == "lt"
    assert user.get_full_name() == "Demo Publisher"
