"""What counts as public: live, and not under a view restriction."""

import pytest
from wagtail.models import Page, PageViewRestriction

from threatpress.publishing.visibility import is_public, public_pages
from threatpress.reports.models import AssessmentPage, ChapterPage

pytestmark = pytest.mark.django_db


def test_live_unrestricted_pages_are_public(edition):
    pages = public_pages(AssessmentPage.objects.descendant_of(edition))
    assert pages.count() == 6
    assert all(is_public(page) for page in pages)


def test_draft_pages_are_not_public(edition):
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    page.unpublish(set_expired=False, commit=True)
    assert page not in public_pages(AssessmentPage.objects.all())
    assert not is_public(page)


def test_restriction_hides_the_page_and_everything_below_it(edition, client):
    chapter = ChapterPage.objects.get(slug="chapter-1")
    PageViewRestriction.objects.create(
        page=chapter, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    visible = set(public_pages(Page.objects.descendant_of(edition)).values_list("slug", flat=True))
    assert visible == {"chapter-2", "judgment-2-1", "judgment-2-2", "judgment-2-3"}
    assert not is_public(AssessmentPage.objects.get(slug="judgment-1-1"))
    # Listings no longer mention the restricted chapter's judgments.
    html = client.get("/en/reports/2026/summary/").content.decode()
    assert "Judgment 1.1 of 2026" not in html
    assert "Judgment 2.1 of 2026" in html


def test_a_similar_path_prefix_is_not_mistaken_for_an_ancestor(edition):
    # Restricting chapter-1 must not hide a sibling whose path merely starts with the same digits.
    chapter_1 = ChapterPage.objects.get(slug="chapter-1")
    PageViewRestriction.objects.create(
        page=chapter_1, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    chapter_2 = ChapterPage.objects.get(slug="chapter-2")
    assert chapter_2.path[: len(chapter_1.path)] != chapter_1.path
    assert chapter_2 in public_pages(ChapterPage.objects.all())


def test_live_pages_under_an_unpublished_edition_are_not_served(client, edition):
    # Wagtail routes through a draft parent to a live child; the embargo must not depend on
    # every child being unpublished as well.
    edition.unpublish(set_expired=False, commit=True)
    assessment = AssessmentPage.objects.get(slug="judgment-1-1")
    assert assessment.live
    assert not is_public(assessment)
    assert client.get("/en/reports/2026/chapter-1/judgment-1-1/").status_code == 404
    assert client.get("/en/reports/2026/chapter-1/").status_code == 404
    assert client.get("/en/reports/2026/").status_code == 404
    assert client.get("/en/reports/chapter-1/judgment-1-1/").status_code == 404  # year-less


def test_live_pages_under_an_unpublished_chapter_are_not_served(client, edition):
    ChapterPage.objects.get(slug="chapter-1").unpublish(set_expired=False, commit=True)
    assert client.get("/en/reports/2026/chapter-1/judgment-1-1/").status_code == 404
    assert client.get("/en/reports/2026/chapter-2/judgment-2-1/").status_code == 200


def test_public_pages_now_applies_the_same_rule(edition, site_tree):
    """Every way of hiding a page, at once: the prefix form answers as the subquery form."""
    from threatpress.conftest import as_drafts, build_edition, translate_tree
    from threatpress.publishing.visibility import hidden_subtrees, public_pages_now

    translate_tree(edition, "lt")
    drafts = build_edition(site_tree.reports, 2027)
    as_drafts(drafts)
    AssessmentPage.objects.filter(path__startswith=drafts.path).update(live=True)  # signed off
    AssessmentPage.objects.get(slug="judgment-1-2", path__startswith=edition.path).unpublish()
    PageViewRestriction.objects.create(
        page=ChapterPage.objects.get(slug="chapter-2", path__startswith=edition.path),
        restriction_type=PageViewRestriction.PASSWORD,
        password="secret",
    )
    lithuanian = ChapterPage.objects.get(slug="chapter-1", locale__language_code="lt", live=True)
    lithuanian.translation_state.translated = False
    lithuanian.translation_state.save()
    every = Page.objects.all()
    public = set(public_pages(every))
    assert set(public_pages_now(every)) == public
    slugs = {(page.locale_id, page.slug) for page in public if page.depth > 4}
    assert len(slugs) == 7  # en: chapter-1, judgment-1-1, -1-3; lt: chapter-2 and its three
    assert drafts.path in hidden_subtrees()
    assert not any(p.startswith(drafts.path) and p != drafts.path for p in hidden_subtrees())
