"""The readiness screen through Django's test client: who sees it, what a ready and a blocked
edition look like, and how many queries it costs."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Locale, Workflow

from threatpress.conftest import build_edition, publish_all, translate_tree
from threatpress.publishing.roles import WORKFLOW_NAME
from threatpress.publishing.tests.media import make_image

from .helpers import assessment, draft_edition

pytestmark = pytest.mark.django_db
# Measured: 40 queries for the whole request (26 of them the board's, one of which looks for
# unpublished pages above the edition), for 9 assessments in two languages as for 1: the count
# does not grow with the edition (docs/readiness.md).
MAX_QUERIES = 40


def lt_locale() -> Locale:
    return Locale.objects.get(language_code="lt")


def url(edition) -> str:
    return reverse("threatpress_readiness", args=[edition.pk])


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def draft(site_tree):
    return draft_edition(site_tree.reports)


@pytest.fixture
def outsider(db):
    """Signed in to the admin, but with no right on any page."""
    user = get_user_model().objects.create_user(username="outsider", password="x" * 20)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def test_anonymous_visitors_are_sent_to_the_login_page(client, draft):
    response = client.get(url(draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_a_user_without_rights_on_the_edition_is_refused(client, draft, outsider):
    client.force_login(outsider)
    refused = client.get(url(draft))  # Wagtail sends a refused editor to the dashboard
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")


def test_authors_read_the_board_but_only_publishers_get_the_release_link(client, draft, people):
    release = reverse("threatpress_release_edition", args=[draft.pk])
    client.force_login(people["author"])
    page = soup(client.get(url(draft)))
    assert page.find("h2", id="readiness-verdict-heading")
    assert not page.find("a", href=release)
    client.force_login(people["publisher"])
    assert soup(client.get(url(draft))).find("a", href=release)


def test_an_unknown_edition_is_a_404(client, people):
    client.force_login(people["publisher"])
    missing = reverse("threatpress_readiness", args=[987654])
    assert client.get(missing, follow=True).status_code == 404


def test_the_editions_header_menu_links_to_the_board(client, draft, people):
    client.force_login(people["publisher"])
    page = soup(client.get(reverse("wagtailadmin_pages:edit", args=[draft.pk])))
    assert page.find("a", href=url(draft)).get_text(strip=True) == "Readiness"
    chapter = draft.get_children().first()
    page = soup(client.get(reverse("wagtailadmin_pages:edit", args=[chapter.pk])))
    assert not page.find("a", href=lambda h: h and "/readiness/" in h)  # editions only


def test_a_ready_edition_says_so_in_one_line_with_its_tables(client, site_tree, people):
    edition = build_edition(site_tree.reports, 2026)
    publish_all(edition)
    translate_tree(edition)
    client.force_login(people["publisher"])
    page = soup(client.get(url(edition)))
    verdict = page.find("h2", id="readiness-verdict-heading")
    assert verdict.get_text(strip=True).endswith("Ready to release")
    assert not page.find("ul", class_="readiness-blockers")
    assert "Public since" in page.find("p", class_="readiness-release").get_text()
    tables = page.select("table.readiness-table")
    assert [t.find_previous("h2").get_text() for t in tables] == [
        "English: National Threat Assessment 2026",
        "Lietuvių: LT National Threat Assessment 2026",  # languages named as Wagtail names them
    ]
    headers = [th.get_text() for th in tables[0].find("thead").find_all("th")]
    assert headers == [
        "Page",
        "Workflow",
        "Unpublished changes",
        "Translation",
        "PDF",
        "Audio",
        "Problems",
    ]
    rows = tables[0].find("tbody").find_all("tr")
    assert len(rows) == 9
    first = rows[2]  # the first assessment, in reading order
    assert first.find("th", scope="row").get_text() == assessment(edition).title
    assert [td.get_text(strip=True) for td in first.find_all("td")][:3] == [
        "No workflow",
        "No",
        "Original",
    ]


def test_a_blocked_edition_lists_what_blocks_with_links_to_the_pages(client, draft, people):
    page = assessment(draft, "judgment-2-3")
    Workflow.objects.get(name=WORKFLOW_NAME).start(page, people["author"])
    image = make_image("Chart", "c.png").pk
    figure = {"type": "figure", "value": {"image": image, "alt_text": "", "caption": ""}}
    other = assessment(draft, "judgment-1-1")
    other.body = [figure]
    other.save_revision(clean=False)

    client.force_login(people["reviewer"])
    html = soup(client.get(url(draft)))
    verdict = html.find("h2", id="readiness-verdict-heading").get_text(strip=True)
    assert verdict.endswith("Not ready to release: 3 problems block it")
    items = html.find("ul", class_="readiness-blockers").find_all("li")
    edit = reverse("wagtailadmin_pages:edit", args=[other.pk])
    translation = other.get_translation(lt_locale())
    assert [(item.find("a")["href"], item.get_text()) for item in items] == [
        (edit, f"{other.title} (English): Figure 1 has no alternative text."),
        (
            reverse("wagtailadmin_pages:edit", args=[page.pk]),
            f"{page.title} (English): Still in moderation: waiting for “Review”.",
        ),
        # Changing the original put its translation behind it.
        (
            reverse("wagtailadmin_pages:edit", args=[translation.pk]),
            f"{translation.title} (Lietuvių): Translation: Out of date: the original changed.",
        ),
    ]
    assert "Release: not scheduled." in html.find("p", class_="readiness-release").get_text()
    # In the table, a state is words (not only a colour), and a blocker says so.
    row = html.select_one("table.readiness-table").find("a", href=edit).find_parent("tr")
    assert "Blocks: Figure 1 has no alternative text." in row.get_text(" ", strip=True)


def test_the_board_costs_a_constant_number_of_queries(client, site_tree, people):
    """The same number of queries for one assessment as for nine (3 chapters × 3, in two
    languages): no query per row."""
    small = draft_edition(site_tree.reports, 2027, chapters=1, per_chapter=1)
    large = draft_edition(site_tree.reports, 2028, chapters=3, per_chapter=3)
    client.force_login(people["publisher"])

    def cost(edition) -> tuple[int, list[int]]:
        client.get(url(edition))  # warm the caches a first request fills (locales, content types)
        with CaptureQueriesContext(connection) as queries:
            page = soup(client.get(url(edition)))
        rows = [len(t.find("tbody").find_all("tr")) for t in page.select("table.readiness-table")]
        return len(queries), rows

    (few, small_rows), (many, large_rows) = cost(small), cost(large)
    assert (small_rows, large_rows) == (
        [3, 3],
        [13, 13],
    )  # edition, chapters, assessments
    assert many == few <= MAX_QUERIES
