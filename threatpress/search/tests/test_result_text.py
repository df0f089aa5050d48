"""The text a search result shows is stored beside each page's row (search/result_text.py): it
follows what is published, never a draft, and a page stored before the table existed is still
shown, then caught up by `setup_site`."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import TestCase

from threatpress.search.models import ResultText
from threatpress.search.result_text import computed
from threatpress.search.upgrade import fill_result_texts

from .test_search import assessment, build_search_site, rewrite, search

pytestmark = pytest.mark.search_index


def snippets(response) -> list[str]:
    assert response.status_code == 200
    return [str(result.snippet) for result in response.context["results"]]


class ResultTextTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_search_site()

    def test_the_snippet_shows_the_published_text_and_never_a_draft(self):
        page = rewrite(assessment(2026, "judgment-2-1"), summary="Submarines patrol the coast.")
        shown = snippets(search(self.client, "submarines"))[0]
        assert shown.startswith("<mark>Submarines</mark> patrol the coast.")

        page.summary = "Submarines and secret frigates patrol the coast."
        page.save_revision()  # a draft: the row, and so the stored text, keep the published words
        shown = snippets(search(self.client, "submarines"))[0]
        assert "frigates" not in shown
        assert "frigates" not in ResultText.objects.get(page=page).text

        page.get_latest_revision().publish()
        shown = snippets(search(self.client, "submarines"))[0]
        assert shown.startswith("<mark>Submarines</mark> and secret frigates patrol")

    def test_a_page_without_a_stored_text_is_shown_from_its_row_and_caught_up(self):
        page = rewrite(assessment(2026, "judgment-2-2"), summary="Icebreakers reached the port.")
        stored = ResultText.objects.get(page=page)
        ResultText.objects.filter(page=page).delete()  # as a site saved by an older version

        shown = snippets(search(self.client, "icebreakers"))
        assert shown and shown[0].startswith("<mark>Icebreakers</mark> reached the port.")

        assert fill_result_texts() == 1
        again = ResultText.objects.get(page=page)
        assert (again.text, again.stems) == (stored.text, stored.stems)
        assert fill_result_texts() == 0

    def test_setup_site_stores_what_is_missing(self):
        ResultText.objects.all().delete()
        call_command("setup_site", "--no-demo", verbosity=0)
        assert ResultText.objects.count() > 0
        page = assessment(2026, "judgment-1-2")
        assert ResultText.objects.get(page=page).text == computed(page).text

    def test_a_letter_whose_stem_holds_spaces_does_not_shift_the_marks(self):
        """U+FDFA is one letter whose compatibility form is four words: its folded stem holds
        spaces, so the stored stems have more entries than the text has words. The marks must
        still fall on the reader's word, not three words after it."""
        rewrite(assessment(2026, "judgment-1-3"), summary="Before \ufdfa the submarines came.")
        shown = snippets(search(self.client, "submarines"))
        assert len(shown) == 1
        assert re.search(r"the <mark>submarines</mark> came", shown[0]), shown[0]
