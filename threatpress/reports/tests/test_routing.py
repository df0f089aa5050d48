"""Every page type answers at a URL that carries the edition's year."""

import pytest

from threatpress.conftest import build_edition
from threatpress.reports.models import AssessmentPage, ChapterPage

pytestmark = pytest.mark.django_db


def test_root_sends_the_reader_to_the_english_home(client, site_tree):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_root_prefers_the_reader_language_only_when_that_home_exists(client, site_tree):
    # No Lithuanian home page exists yet, so a Lithuanian browser still lands on English.
    response = client.get("/", headers={"accept-language": "lt,en;q=0.5"})
    assert response["Location"] == "/en/"


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/en/", "National Threat Assessment 2026"),
        ("/en/reports/", "Reports"),
        ("/en/reports/2026/", "National Threat Assessment 2026"),
        ("/en/reports/2026/summary/", "Key judgments"),
        ("/en/reports/2026/foreword/", "Foreword"),
        ("/en/reports/2026/scale/", "How to read the judgments"),
        ("/en/reports/2026/chapter-1/", "Chapter 1"),
        ("/en/reports/2026/chapter-2/judgment-2-3/", "Judgment 2.3 of 2026 is a full sentence."),
    ],
)
def test_each_page_type_is_served_at_its_url(client, edition, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    assert f"{heading}" in response.content.decode()
    assert response["Content-Language"] == "en"


def test_page_urls_carry_the_year(edition):
    assessment = AssessmentPage.objects.get(slug="judgment-1-2")
    assert assessment.url == "/en/reports/2026/chapter-1/judgment-1-2/"
    assert ChapterPage.objects.get(slug="chapter-2").url == "/en/reports/2026/chapter-2/"


def test_yearless_assessment_url_redirects_to_the_current_edition(client, site_tree):
    build_edition(site_tree.reports, 2025)
    build_edition(site_tree.reports, 2026)
    response = client.get("/en/reports/chapter-1/judgment-1-2/")
    assert response.status_code == 302
    assert response["Location"] == "/en/reports/2026/chapter-1/judgment-1-2/"


def test_yearless_chapter_url_redirects_to_the_current_edition(client, site_tree):
    build_edition(site_tree.reports, 2025)
    build_edition(site_tree.reports, 2026)
    response = client.get("/en/reports/chapter-2/")
    assert response["Location"] == "/en/reports/2026/chapter-2/"


def test_yearless_url_of_a_judgment_only_an_older_edition_has_goes_to_that_edition(
    client, site_tree
):
    build_edition(site_tree.reports, 2025, chapters=2, per_chapter=4)
    build_edition(site_tree.reports, 2026, chapters=2, per_chapter=3)
    response = client.get("/en/reports/chapter-1/judgment-1-4/")
    assert response["Location"] == "/en/reports/2025/chapter-1/judgment-1-4/"


def test_yearless_url_ignores_unpublished_editions(client, site_tree):
    build_edition(site_tree.reports, 2025)
    draft = build_edition(site_tree.reports, 2026)
    draft.unpublish(set_expired=False, commit=True)
    response = client.get("/en/reports/chapter-1/judgment-1-1/")
    assert response["Location"] == "/en/reports/2025/chapter-1/judgment-1-1/"


def test_yearless_url_for_nothing_is_a_404(client, edition):
    assert client.get("/en/reports/no-such-chapter/no-such-judgment/").status_code == 404


def test_archive_lists_every_published_edition_newest_first(client, site_tree):
    for year in (2024, 2026, 2025):
        build_edition(site_tree.reports, year, chapters=1, per_chapter=1)
    html = client.get("/en/reports/").content.decode()
    positions = [html.index(f"National Threat Assessment {y}") for y in (2026, 2025, 2024)]
    assert positions == sorted(positions)


def test_home_shows_the_newest_edition_and_its_key_judgments(client, site_tree):
    build_edition(site_tree.reports, 2025, chapters=1, per_chapter=1)
    build_edition(site_tree.reports, 2026, chapters=2, per_chapter=2)
    html = client.get("/en/").content.decode()
    assert "National Threat Assessment 2026" in html
    assert "Judgment 2.2 of 2026 is a full sentence." in html
    assert "Judgment 1.1 of 2025" not in html
    assert 'href="/en/reports/"' in html


def test_unpublished_assessment_is_missing_everywhere(client, edition):
    hidden = AssessmentPage.objects.get(slug="judgment-1-2")
    hidden.unpublish(set_expired=False, commit=True)
    assert client.get(hidden.url_path.replace("/home/", "/en/")).status_code == 404
    for url in (
        "/en/",
        "/en/reports/2026/",
        "/en/reports/2026/summary/",
        "/en/reports/2026/chapter-1/",
        "/en/reports/2026/chapter-1/judgment-1-1/",
    ):
        assert hidden.title not in client.get(url).content.decode(), url


def test_a_language_without_its_own_home_serves_no_pages(client, edition):
    # Until the Lithuanian edition exists, /lt/ must not show the English pages under a lt URL.
    assert client.get("/lt/").status_code == 404
    assert client.get("/lt/reports/2026/").status_code == 404
    assert client.get("/en/reports/2026/").status_code == 200


def test_edition_print_stylesheet_carries_the_running_header(client, edition):
    response = client.get("/en/reports/2026/print/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert 'content: "National Threat Assessment 2026"' in response.content.decode()
    page = client.get("/en/reports/2026/chapter-1/judgment-1-1/").content.decode()
    assert '<link rel="stylesheet" href="/en/reports/2026/print/" media="print">' in page


def test_a_title_cannot_add_rules_to_the_print_stylesheet(client, edition):
    from threatpress.core.tests.inert import css_rules, css_strings

    plain = client.get("/en/reports/2026/print/").content.decode()
    hostile = 'x */ @import url(//evil.example/x.css); /* "; } body { display: none } @page {'
    edition.title = hostile
    edition.save_revision().publish()
    css = client.get("/en/reports/2026/print/").content.decode()
    assert css_rules(css) == css_rules(plain)
    assert hostile in css_strings(css)
