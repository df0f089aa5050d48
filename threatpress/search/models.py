"""What a search result shows of a page, kept beside its row (search/result_text.py)."""

from __future__ import annotations

from django.db import models
from wagtail.models import Page


class ResultText(models.Model):
    """A page's text as a result's snippet is cut from it, and the stem of each of its words.

    Written from the page's row whenever that row's text is saved (a publication; a draft lives
    in a revision and never comes here), so a search shows a page without loading its body and
    reading the text out of the StreamField again. Derived data: a page without one (saved
    before this table existed) has it computed from its row when it is shown."""

    page = models.OneToOneField(
        Page, on_delete=models.CASCADE, primary_key=True, related_name="search_result_text"
    )
    text = models.TextField()
    # The folded stems of the words of `text`, in order, one space apart.
    stems = models.TextField()

    def __str__(self) -> str:
        return f"Result text of page {self.page_id}"
