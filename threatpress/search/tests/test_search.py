"""The public search: what it finds, in which language, with which filters, and what it never
finds (drafts, the draft text of live pages, embargoed editions, restricted and untranslated
pages)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from threatpress.conftest import as_drafts, build_edition, build_site, publish_all, translate_tree
from threatpress.publishing import scheduler
from threatpress.publishing.release import edition_pages, schedule_release
from threatpress.publishing.roles import PUBLISHERS, ensure_editorial_roles
from threatpress.readership import counting
from threatpress.readership.models import SearchTermDay
from threatpress.reports.models import (
    AssessmentPage,
    ChapterPage,
    EditionPage,
    HomePage,
    ReportsIndexPage,
)
from threatpress.reports.tests.factories import RegionFactory

pytestmark = pytest.mark.search_index

UNIQUE = "Quixotically"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture(autouse=True)
def empty_buffer():
    """Each test counts its own searches (other tests' counts stay in this process) and
    computes its own filter choices."""
    counting.buffer.clear()
    cache.clear()
    yield
    counting.buffer.clear()


def assessment(year: int, slug: str, language: str = "en") -> AssessmentPage:
    return AssessmentPage.objects.get(
        slug=slug, locale__language_code=language, path__startswith=edition_of(year, language).path
    )


def edition_of(year: int, language: str = "en") -> EditionPage:
    return EditionPage.objects.get(year=year, locale__language_code=language)


def rewrite(page: AssessmentPage, **fields) -> AssessmentPage:
    """Change a page and publish the change, as an editor does."""
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return AssessmentPage.objects.get(pk=page.pk)


def search(client, query: str = "", language: str = "en", **params):
    params = {"q": query, **params} if query else params
    word = {"lt": "paieska"}.get(language, "search")  # the search's address in the language
    return client.get(f"/{language}/{word}/", params, HTTP_USER_AGENT=BROWSER)


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [result.page_title for result in response.context["results"]]


def build_search_site():
    """Editions 2025 and 2026 (two chapters of three judgments each), public, in English."""
    site_tree = build_site()
    for year in (2025, 2026):
        publish_all(build_edition(site_tree.reports, year))
    rewrite(
        assessment(2026, "judgment-1-1"),
        summary="Cyber attacks against the power grid grew in the last year.",
    )
    rewrite(
        assessment(2025, "judgment-1-1"),
        summary="An attack on the power grid came from sabotage.",
    )
    return site_tree


def add_lithuanian():
    translate_tree(edition_of(2026), "lt")
    page = assessment(2026, "judgment-1-1", "lt")
    rewrite(
        page,
        title="Kibernetinių grėsmių daugės.",
        summary="Grėsmė elektros tinklams auga, o grėsmių šaltinis – Rusija.",
    )


def hide_an_unpublished_and_a_restricted_page(words: str) -> None:
    """2026's judgment 2.1 unpublished and 2.2 restricted, each with `words` in its summary."""
    unpublished = assessment(2026, "judgment-2-1")
    rewrite(unpublished, summary=f"{words} unpublished.")
    unpublished.unpublish()
    restricted = assessment(2026, "judgment-2-2")
    rewrite(restricted, summary=f"{words} restricted.")
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )


def reports():
    return ReportsIndexPage.objects.get()


def home():
    return HomePage.objects.get(locale__language_code="en")


def publisher():
    ensure_editorial_roles(Page.get_first_root_node())
    user = get_user_model().objects.create_user("publisher", password="p" * 20)
    user.groups.add(Group.objects.get(name=PUBLISHERS))
    return user


class SearchTests(TestCase):
    """Two public English editions, built once for the class; each test's changes are undone."""

    @classmethod
    def setUpTestData(cls):
        build_search_site()

    # What is found --------------------------------------------------------------------------------

    def test_the_forms_of_a_word_find_each_other_and_are_marked(self):
        response = search(self.client, "attacked")
        assert sorted(titles(response)) == [
            "Judgment 1.1 of 2025 is a full sentence.",
            "Judgment 1.1 of 2026 is a full sentence.",
        ]
        snippets = [str(result.snippet) for result in response.context["results"]]
        assert any("Cyber <mark>attacks</mark> against the power grid" in s for s in snippets)
        assert any("An <mark>attack</mark> on the power grid" in s for s in snippets)
        body = response.content.decode()
        assert "2 results for “<bdi>attacked</bdi>”" in body

    def test_every_word_must_appear(self):
        assert titles(search(self.client, "grid sabotage")) == [
            "Judgment 1.1 of 2025 is a full sentence."
        ]
        assert titles(search(self.client, "grid nonexistentword")) == []

    def test_quoted_words_must_stand_together(self):
        assert len(titles(search(self.client, '"power grid"'))) == 2
        assert titles(search(self.client, '"grid power"')) == []

    def test_a_result_names_its_edition_chapter_and_probability(self):
        response = search(self.client, "sabotage")
        [result] = response.context["results"]
        assert (result.year, result.chapter) == (2025, "Chapter 1")
        assert result.probability == "Likely (50–75%)"
        body = response.content.decode()
        assert 'href="/en/reports/2025/chapter-1/judgment-1-1/"' in body
        assert 'Assessment · <span class="search-result__year">2025</span> · Chapter 1' in body
        assert "Probability: Likely (50–75%)" in body

    def test_chapters_editions_and_information_pages_are_found_too(self):
        chapter = ChapterPage.objects.get(slug="chapter-2", path__startswith=edition_of(2026).path)
        chapter.introduction = "<p>Hybrid pressure on the border.</p>"
        chapter.save_revision().publish()
        edition = edition_of(2025)
        edition.foreword = "<p>A foreword about resilience.</p>"
        edition.save_revision().publish()
        assert titles(search(self.client, "hybrid")) == ["Chapter 2"]
        assert titles(search(self.client, "resilience")) == ["National Threat Assessment 2025"]

    def test_a_judgment_whose_title_holds_the_words_comes_first(self):
        page = assessment(2025, "judgment-2-3")
        rewrite(page, title="The power grid will be targeted again.")
        assert titles(search(self.client, "grid"))[0] == "The power grid will be targeted again."

    def test_the_newest_edition_can_come_first(self):
        results = search(self.client, "grid", sort="newest").context["results"]
        assert [result.year for result in results] == [2026, 2025]

    def test_region_names_find_the_judgments_tagged_with_them(self):
        region = RegionFactory(name="Kaliningrad", slug="kaliningrad")
        rewrite(assessment(2026, "judgment-2-1"), regions=[region])
        assert titles(search(self.client, "kaliningrad")) == [
            "Judgment 2.1 of 2026 is a full sentence."
        ]

    # What is never found -------------------------------------------------------------------------

    def test_draft_text_of_a_live_page_is_never_found(self):
        """wagtail/wagtail#3239: an editor saves a draft of a live page in the admin; the draft's
        words must not be found, and the published words still are, with the published title."""
        page = rewrite(assessment(2026, "judgment-2-2"), summary="Published words about harbours.")
        editor = get_user_model().objects.create_superuser("editor", password="e" * 20)
        self.client.force_login(editor)
        data = nested_form_data(
            {
                "title": f"{UNIQUE} rewritten judgment.",
                "slug": page.slug,
                "summary": f"{UNIQUE} draft summary about pipelines.",
                "body": streamfield([("paragraph", rich_text(f"<p>{UNIQUE} body.</p>"))]),
                "probability": page.probability,
                "horizon": page.horizon,
                "regions": [],
                "footnotes": inline_formset([]),
                "comments": inline_formset([]),
                "seo_title": "",
                "search_description": "",
                "go_live_at": "",
                "expire_at": "",
            }
        )
        response = self.client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
        assert response.status_code == 302
        self.client.logout()
        page.refresh_from_db()
        assert page.live and page.has_unpublished_changes
        assert UNIQUE in page.get_latest_revision_as_object().summary

        assert titles(search(self.client, UNIQUE)) == []
        assert titles(search(self.client, "pipelines")) == []
        found = search(self.client, "harbours")
        assert titles(found) == ["Judgment 2.2 of 2026 is a full sentence."]
        assert UNIQUE not in found.content.decode()

    def test_draft_text_saved_from_a_changed_page_object_is_never_found(self):
        """The same, the way code saves a revision: the page object in memory holds the draft."""
        page = assessment(2026, "judgment-2-3")
        page.summary = f"{UNIQUE} in memory."
        page.save_revision()
        assert titles(search(self.client, UNIQUE)) == []

    def test_pages_that_are_not_public_are_never_found(self):
        drafts = build_edition(reports(), 2027, chapters=1, per_chapter=1)
        as_drafts(drafts)
        hide_an_unpublished_and_a_restricted_page(UNIQUE)
        assert titles(search(self.client, "2027")) == []
        assert titles(search(self.client, UNIQUE)) == []
        assert titles(search(self.client, year="2027")) == []

    def test_a_translation_not_yet_translated_is_never_found(self):
        translate_tree(reports(), "lt", descendants=False)
        copy = edition_of(2026).copy_for_translation(Locale.objects.get(language_code="lt"))
        copy.save_revision().publish()  # live, but its translator has not marked it translated
        assert titles(search(self.client, "foreword", "lt")) == []

    def test_an_embargoed_edition_is_found_from_its_release_on(self):
        edition = build_edition(reports(), 2027, chapters=1, per_chapter=2)
        page = AssessmentPage.objects.descendant_of(edition).first()
        page.summary = f"{UNIQUE} embargoed judgment."
        page.save()
        as_drafts(edition)
        when = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
        schedule_release(EditionPage.objects.get(pk=edition.pk), when, publisher())
        scheduler.tick()
        assert titles(search(self.client, UNIQUE)) == []
        assert titles(search(self.client, year="2027")) == []
        with time_machine.travel(when + datetime.timedelta(seconds=1), tick=False):
            assert scheduler.tick() == len(edition_pages(edition))
            response = search(self.client, UNIQUE)
        assert titles(response) == [page.title]
        assert f"<mark>{UNIQUE}</mark> embargoed judgment" in response.content.decode()

    # Filters and pages of results -----------------------------------------------------------------

    def test_filters_narrow_the_results(self):
        region = RegionFactory(name="Belarus", slug="belarus")
        rewrite(assessment(2025, "judgment-1-1"), regions=[region])
        rewrite(assessment(2026, "judgment-1-1"), probability="highly-likely")
        assert len(titles(search(self.client, "grid"))) == 2
        assert titles(search(self.client, "grid", year="2025")) == [
            "Judgment 1.1 of 2025 is a full sentence."
        ]
        assert titles(search(self.client, "grid", region="belarus")) == [
            "Judgment 1.1 of 2025 is a full sentence."
        ]
        assert titles(search(self.client, "grid", probability="highly-likely")) == [
            "Judgment 1.1 of 2026 is a full sentence."
        ]
        assert titles(search(self.client, "grid", chapter="chapter-2")) == []
        assert len(titles(search(self.client, "grid", chapter="chapter-1"))) == 2
        form = search(self.client, "grid").context["form"]
        assert [c[0] for c in form.fields["year"].choices] == ["", 2026, 2025]
        assert [c[0] for c in form.fields["region"].choices] == ["", "belarus"]

    def test_the_filters_follow_what_is_published_at_once(self):
        def choices(name):
            form = search(self.client, "grid").context["form"]
            return dict(form.fields[name].choices)

        assert 2025 in choices("year")
        edition_of(2025).unpublish()
        assert 2025 not in choices("year")
        chapter = ChapterPage.objects.get(slug="chapter-1", path__startswith=edition_of(2026).path)
        chapter.title = "Energy and infrastructure"
        chapter.save_revision().publish()
        assert choices("chapter")["chapter-1"] == "Energy and infrastructure"
        PageViewRestriction.objects.create(
            page=edition_of(2026), restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
        assert choices("year") == {"": "All editions"}

    def test_filters_without_words_list_what_they_allow_newest_first(self):
        response = search(self.client, chapter="chapter-2")
        assert [r.page_title for r in response.context["results"]][:2] == [
            "Chapter 2",
            "Judgment 2.1 of 2026 is a full sentence.",
        ]
        assert response.context["hits_count"] == 8  # a chapter and three judgments, in two editions

    def test_unknown_filter_values_are_ignored(self):
        response = search(
            self.client, "grid", year="1999", chapter="nope", region="x" * 500, sort="worst"
        )
        assert len(titles(response)) == 2
        body = response.content.decode()
        assert "aria-invalid" not in body and "errorlist" not in body

    def test_filters_survive_paging(self):
        for year in range(2010, 2013):
            publish_all(build_edition(reports(), year, chapters=2, per_chapter=3))
        response = search(self.client, "judgment", sort="newest", chapter="chapter-1")
        assert response.context["hits_count"] == 15
        body = response.content.decode()
        assert "15 results for" in body and "(showing 1–10)" in body
        next_link = re.search(r'<a href="\?([^"]+)" rel="next"', body).group(1)
        next_link = next_link.replace("&amp;", "&")
        assert next_link == "q=judgment&chapter=chapter-1&sort=newest&page=2"
        second = self.client.get(f"/en/search/?{next_link}")
        assert len(second.context["results"]) == 5
        assert [r.year for r in second.context["results"]] == [2011, 2011, 2010, 2010, 2010]

    def test_a_search_with_filters_that_finds_nothing_offers_to_drop_them(self):
        response = search(self.client, "sabotage", year="2026")
        assert titles(response) == []
        body = response.content.decode()
        assert "Nothing found for “<bdi>sabotage</bdi>”." in body
        [offer] = response.context["suggestions"]["unfiltered"]
        assert (offer.url, offer.count) == ("/en/search/?q=sabotage", 1)
        assert 'Without the filters there is <a href="/en/search/?q=sabotage">1 result</a>' in body

    def test_a_search_for_several_words_that_finds_nothing_offers_each_word(self):
        response = search(self.client, "sabotage pipelines grid")
        words = response.context["suggestions"]["words"]
        assert [(w.label, w.count) for w in words] == [("sabotage", 1), ("grid", 2)]
        assert "Check the spelling" in response.content.decode()

    def test_suggestions_count_only_what_a_reader_may_find(self):
        """The counts come from a cheaper query than the search's own (no ranking): it must
        still leave out what the index holds and no reader may see."""
        hide_an_unpublished_and_a_restricted_page(f"{UNIQUE} grid,")
        draft = assessment(2026, "judgment-2-3")
        draft.summary = f"{UNIQUE} grid, draft."
        draft.save_revision()

        response = search(self.client, f"sabotage {UNIQUE} grid")
        words = response.context["suggestions"]["words"]
        assert [(w.label, w.count) for w in words] == [("sabotage", 1), ("grid", 2)]
        response = search(self.client, "grid", chapter="chapter-2")
        [offer] = response.context["suggestions"]["unfiltered"]
        assert offer.count == 2

    # Counting and the header ----------------------------------------------------------------------

    def test_a_search_is_counted_once_with_its_result_count(self):
        for year in range(2010, 2012):
            publish_all(build_edition(reports(), year, chapters=2, per_chapter=3))
        search(self.client, "Judgment")
        search(self.client, "judgment", page="2")  # paging is the same search
        search(self.client, "nothinghere")
        search(self.client)  # no words: nothing searched
        counting.flush()
        rows = {row.query: (row.searches, row.zero_results) for row in SearchTermDay.objects.all()}
        assert rows == {"judgment": (1, 0), "nothinghere": (1, 1)}

    def test_the_search_page_is_not_indexed_and_answers_only_reading(self):
        response = search(self.client, "grid")
        assert '<meta name="robots" content="noindex, follow">' in response.content.decode()
        assert self.client.post("/en/search/", {"q": "grid"}).status_code == 405
        assert self.client.head("/en/search/?q=grid").status_code == 200

    def test_an_empty_search_shows_the_form_and_how_to_use_it(self):
        response = search(self.client)
        assert response.status_code == 200
        assert response.context["results"] == []
        assert "Type one or more words" in response.content.decode()

    def test_the_index_finds_the_page_again_after_it_changes(self):
        page = assessment(2026, "judgment-2-1")
        rewrite(page, summary="About submarines.")
        assert titles(search(self.client, "submarine")) == [page.title]
        rewrite(page, summary="About frigates.")
        assert titles(search(self.client, "submarine")) == []
        page = Page.objects.get(pk=page.pk)
        page.delete()
        assert titles(search(self.client, "frigate")) == []


class BilingualSearchTests(TestCase):
    """The same, with the 2026 edition translated into Lithuanian."""

    @classmethod
    def setUpTestData(cls):
        build_search_site()
        add_lithuanian()

    def test_lithuanian_forms_find_each_other(self):
        response = search(self.client, "grėsmės", "lt")
        assert titles(response) == ["Kibernetinių grėsmių daugės."]
        [result] = response.context["results"]
        assert "<mark>grėsmių</mark>" in str(result.title)
        assert "<mark>Grėsmė</mark> elektros" in str(result.snippet)
        assert "<mark>grėsmių</mark> šaltinis" in str(result.snippet)
        assert titles(search(self.client, "gresmes", "lt")) == ["Kibernetinių grėsmių daugės."]

    def test_a_reader_finds_only_pages_of_their_language(self):
        # The Lithuanian copies still hold the English bodies of the test tree.
        english = search(self.client, "paragraph", "en").context["results"]
        lithuanian = search(self.client, "paragraph", "lt").context["results"]
        assert english and lithuanian

        def languages(results) -> set[str]:
            pages = Page.objects.filter(pk__in=[r.pk for r in results])
            return set(pages.values_list("locale__language_code", flat=True))

        assert languages(english) == {"en"}
        assert languages(lithuanian) == {"lt"}
        assert all(r.url.startswith("/lt/") for r in lithuanian)
        assert titles(search(self.client, "grėsmės", "en")) == []

    def test_a_search_that_finds_nothing_offers_the_other_language(self):
        response = search(self.client, "grėsmės", "en")
        [offer] = response.context["suggestions"]["languages"]
        assert (offer.language, offer.count) == ("lt", 1)
        assert offer.url == "/lt/paieska/?q=gr%C4%97sm%C4%97s"

    def test_the_language_switcher_keeps_the_query(self):
        body = search(self.client, "grid", "en").content.decode()
        assert 'href="/lt/paieska/?q=grid"' in body

    def test_lithuanian_search_page_speaks_lithuanian(self):
        body = search(self.client, "grėsmės", "lt").content.decode()
        assert '<html lang="lt"' in body
        assert "1 rezultatas pagal užklausą „<bdi>grėsmės</bdi>“" in body
        assert 'action="/lt/paieska/"' in body

    def test_every_page_has_a_search_box_in_its_language(self):
        for url, action in (("/en/reports/2026/", "/en/search/"), ("/lt/", "/lt/paieska/")):
            body = self.client.get(url).content.decode()
            form = re.search(r'<form class="header-search"[^>]*>', body).group(0)
            assert f'action="{action}"' in form and 'role="search"' in form
            assert 'method="get"' in form
            assert '<label class="visually-hidden" for="header-search-q">' in body
            assert 'type="search" id="header-search-q" name="q"' in body


class IndexUpgradeTests(TestCase):
    """An index built before the stems existed is found out and rebuilt by setup_site."""

    @classmethod
    def setUpTestData(cls):
        publish_all(build_edition(build_site().reports, 2026, chapters=1, per_chapter=1))

    def test_an_index_without_stems_is_found_out_and_rebuilt(self):
        from io import StringIO

        from django.core.management import call_command
        from wagtail.search.models import IndexEntry

        from threatpress.search.upgrade import index_lacks_stems

        assert not index_lacks_stems()
        page = AssessmentPage.objects.get()
        rewrite(page, title="Attacks will continue.")
        assert titles(search(self.client, "attack")) == ["Attacks will continue."]
        # As an index written before the pages had stems: only their own words.
        entry = IndexEntry.objects.get(object_id=str(page.pk))
        IndexEntry.objects.filter(pk=entry.pk).update(body="", title="Attacks will continue.")
        assert index_lacks_stems()
        assert titles(search(self.client, "attack")) == []
        out = StringIO()
        call_command("setup_site", "--no-demo", stdout=out, verbosity=0)
        assert "Rebuilding the search index" in out.getvalue()
        assert not index_lacks_stems()
        assert titles(search(self.client, "attack")) == ["Attacks will continue."]
