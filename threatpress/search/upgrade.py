"""Catching up a site made by an earlier version, once, from `setup_site` (`make run`):
- an index built before pages carried their stems finds nothing by a word's other forms until
  it is rebuilt: `index_lacks_stems()` says when;
- pages saved before results' texts were stored (result_text.py) are shown from their body
  until `fill_result_texts()` stores theirs."""

from __future__ import annotations

from wagtail.models import Page

from .models import ResultText
from .query import ParsedQuery
from .result_text import computed
from .service import RESULT_TYPES, matches
from .text import fold, stems_of, words

SAMPLE = 20  # pages looked at for a word whose stem differs from the word


def index_lacks_stems() -> bool:
    """True when a page's title has a word whose stem only the stem fields hold (`lose` of
    "loses") and the index does not find the page by it. False when it does, or when no page
    has such a word (an empty site)."""
    pages = Page.objects.type(*RESULT_TYPES).filter(live=True).select_related("locale")
    for page in pages.order_by("-pk")[:SAMPLE]:
        language = page.locale.language_code
        for word in words(page.title):
            stem = stems_of([word], language)[0]
            if stem != fold(word):
                query = ParsedQuery(text=stem, terms=[stem])
                return not matches(query, Page.objects.filter(pk=page.pk))
    return False


def fill_result_texts(batch: int = 200) -> int:
    """Store the result text of every findable page that has none; return how many."""
    lacking = Page.objects.type(*RESULT_TYPES).filter(search_result_text__isnull=True)
    pks = list(lacking.values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        pages = Page.objects.filter(pk__in=pks[start : start + batch]).specific()
        ResultText.objects.bulk_create([computed(page) for page in pages], ignore_conflicts=True)
    return len(pks)
