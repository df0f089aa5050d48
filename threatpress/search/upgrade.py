"""An index built before pages carried their stems finds nothing by a word's other forms until
it is rebuilt. `setup_site` (`make run`) asks `index_lacks_stems()` and rebuilds it once."""

from __future__ import annotations

from wagtail.models import Page

from .query import ParsedQuery
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
