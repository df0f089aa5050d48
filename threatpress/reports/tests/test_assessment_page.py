"""The assessment page: its parts, their order, and its cost in SQL queries."""

import re

import pytest
from bs4 import BeautifulSoup

from threatpress.conftest import build_edition
from threatpress.reports.models import AssessmentPage
from threatpress.reports.tests.factories import RegionFactory

pytestmark = pytest.mark.django_db
URL = "/en/reports/2026/chapter-1/judgment-1-2/"


def soup_of(client, url=URL) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_parts_come_in_reading_order(client, edition):
    soup = soup_of(client)
    main = soup.find("main")
    order = [
        soup.find("nav", attrs={"aria-label": "You are here"}),
        main.find("h1"),
        main.find(class_="assessment__summary"),
        # Download, print (and listen) sit near the top, before the body (DESIGN.md).
        main.find(string=re.compile("Download PDF")).parent,
        main.find("button", attrs={"data-print": True}),
        main.find(class_="assessment__body"),
    ]
    assert all(order), order
    all_elements = list(soup.find_all(True))
    positions = [all_elements.index(el) for el in order]
    assert positions == sorted(positions)


def test_the_key_judgment_is_the_only_h1(client, edition):
    soup = soup_of(client)
    assert [h.get_text(strip=True) for h in soup.find_all("h1")] == [
        "Judgment 1.2 of 2026 is a full sentence."
    ]


def test_breadcrumbs_lead_from_home_to_the_chapter(client, edition):
    nav = soup_of(client).find("nav", attrs={"aria-label": "You are here"})
    links = [(a.get_text(strip=True), a["href"]) for a in nav.find_all("a")]
    assert links == [
        ("Home", "/en/"),
        ("Reports", "/en/reports/"),
        ("2026", "/en/reports/2026/"),
        ("Chapter 1", "/en/reports/2026/chapter-1/"),
    ]
    current = nav.find(attrs={"aria-current": "page"})
    assert current.get_text(strip=True).startswith("Judgment 1.2")


def test_probability_and_horizon_read_as_words_and_link_to_the_scale(client, edition):
    soup = soup_of(client)
    badges = soup.select(".judgment-meta a")
    assert [b.get_text(" ", strip=True) for b in badges] == [
        "Likely (50–75%)",
        "Near term (6 months–2 years)",
    ]
    assert badges[0]["href"] == "/en/reports/2026/scale/#probability-likely"
    assert badges[1]["href"] == "/en/reports/2026/scale/#horizon-near"
    scale = soup_of(client, "/en/reports/2026/scale/")
    assert scale.find(id="probability-likely") is not None


def test_previous_and_next_cross_chapter_boundaries(client, edition):
    last_of_first = soup_of(client, "/en/reports/2026/chapter-1/judgment-1-3/")
    assert last_of_first.find("a", rel="next")["href"] == "/en/reports/2026/chapter-2/judgment-2-1/"
    assert last_of_first.find("a", rel="prev")["href"] == "/en/reports/2026/chapter-1/judgment-1-2/"
    first = soup_of(client, "/en/reports/2026/chapter-1/judgment-1-1/")
    assert first.find("a", rel="prev") is None


def test_chapter_contents_mark_the_current_assessment(client, edition):
    aside = soup_of(client).find("aside")
    items = [a.get_text(strip=True) for a in aside.select("ol a")]
    assert len(items) == 3
    assert (
        aside.find(attrs={"aria-current": "page"}).get_text(strip=True).startswith("Judgment 1.2")
    )


def test_regions_are_named(client, edition):
    page = AssessmentPage.objects.get(slug="judgment-1-2")
    page.regions = [RegionFactory(name="Armenia"), RegionFactory(name="Azerbaijan")]
    page.save_revision().publish()
    text = soup_of(client).find(class_="regions").get_text(" ", strip=True)
    assert text == "Concerns: Armenia , Azerbaijan"


def test_footnotes_link_to_their_source_and_back(client, edition):
    from wagtail_footnotes.models import Footnote

    page = AssessmentPage.objects.get(slug="judgment-1-2")
    note = "6b5a8c3e-1d2f-4a5b-9c7d-0e1f2a3b4c5d"
    page.body = [
        {
            "type": "paragraph",
            "value": f'<p>A sourced claim<footnote id="{note}">[6b5a8c]</footnote>.</p>',
        }
    ]
    page.footnotes = [
        Footnote(uuid=note, text="<p>Official statistics, 2024.</p>", locale=page.locale)
    ]
    page.save_revision().publish()
    soup = soup_of(client)
    ref = soup.select_one(".assessment__body a.footnote-ref")
    assert ref["href"] == "#footnote-1"
    target = soup.find(id="footnote-1")
    assert "Official statistics, 2024." in target.get_text()
    assert target.find("a", class_="footnotes__back")["href"] == f"#{ref['id']}"


def test_print_button_needs_script_so_it_starts_hidden(client, edition):
    button = soup_of(client).find("button", attrs={"data-print": True})
    assert button.has_attr("hidden")
    assert button.get_text(strip=True) == "Print"


def _queries_for(client, django_assert_max_num_queries, url, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_query_count_does_not_grow_with_the_edition(
    client, site_tree, django_assert_max_num_queries
):
    build_edition(site_tree.reports, 2025, chapters=1, per_chapter=2)
    build_edition(site_tree.reports, 2026, chapters=8, per_chapter=6)
    client.get("/en/")  # the first request of a site creates its settings row
    # 24 for the page (its breadcrumbs are the pages routing read; the site's languages are read
    # once per request, for routing, the header, the switcher and the downloads alike), 1 for its
    # downloads (which files exist for what it shows now), 3 for the language switcher (the
    # languages, the page’s translations, the nearest translated page above it), 1 for the
    # site's name in the reader's language (on the home page), 3 for the hidden subtrees the
    # header's links are checked against (small queries, cheaper to build than the correlated
    # visibility subqueries they replace; remembered between requests until a purge).
    small = _queries_for(
        client, django_assert_max_num_queries, "/en/reports/2025/chapter-1/judgment-1-2/", 32
    )
    large = _queries_for(
        client, django_assert_max_num_queries, "/en/reports/2026/chapter-5/judgment-5-4/", 32
    )
    assert large == small


def test_scale_graphics_fill_up_to_the_term_and_mark_only_the_horizon(client, edition):
    soup = soup_of(client)
    probability, horizon = soup.select(".scale-badge__graphic")
    filled = [
        "scale-badge__step--on" in step["class"]
        for step in probability.select(".scale-badge__step")
    ]
    assert filled == [True, True, True, False]  # likely: third of four bands
    marked = ["scale-badge__step--on" in s["class"] for s in horizon.select(".scale-badge__step")]
    assert marked == [False, True, False, False]  # near term: second of four horizons
    assert probability["aria-hidden"] == "true"  # the words carry the meaning, not the picture


def test_two_pages_rendered_at_once_keep_their_own_footnotes(edition):
    """A gthread worker renders several pages at once with the same block objects: a paragraph
    must link its own page's notes even when another page's paragraph renders meanwhile
    (wagtail-footnotes keeps the notes on the block; the block keeps them per thread)."""
    import threading
    import uuid

    from django.db.models import prefetch_related_objects
    from wagtail_footnotes.models import Footnote

    from threatpress.reports.blocks.paragraph import ParagraphBlock

    pages = []
    for slug, digit in (("judgment-1-1", "1"), ("judgment-1-2", "2")):
        note = str(uuid.UUID(digit * 32))
        page = AssessmentPage.objects.get(slug=slug)
        page.body = [
            {"type": "paragraph", "value": f'<p>Claim<footnote id="{note}">x</footnote></p>'}
        ]
        page.footnotes = [Footnote(uuid=note, text="<p>Source.</p>", locale=page.locale)]
        page.save_revision().publish()
        page = AssessmentPage.objects.get(pk=page.pk)
        prefetch_related_objects([page], "footnotes")  # the threads need no database
        pages.append(page)

    first_waits, second_done = threading.Event(), threading.Event()
    attach = ParagraphBlock.attach_footnote_to_page

    def attach_after_the_other_page(block, uuid, page):
        if page is pages[0] and not first_waits.is_set():
            first_waits.set()
            second_done.wait(5)  # the other page renders completely in between
        return attach(block, uuid, page)

    html = {}

    def render(page) -> None:
        child = page.body[0]
        html[page.pk] = str(child.block.render(child.value, context={"page": page}))

    ParagraphBlock.attach_footnote_to_page = attach_after_the_other_page
    try:
        first = threading.Thread(target=render, args=(pages[0],))
        first.start()
        assert first_waits.wait(5)
        render(pages[1])
        second_done.set()
        first.join(5)
    finally:
        ParagraphBlock.attach_footnote_to_page = attach
    for page in pages:
        assert 'href="#footnote-1"' in html[page.pk], html[page.pk]
        assert [note.references for note in page.footnotes_list] == [[1]]
