"""Which existing page a chapter or assessment of the manuscript is: a stable key, not a position.

Tried in order: the bookmark the export wrote into the heading, the slug the heading would get,
then the most similar page still unmatched (key judgment and summary), else none (a new page).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.text import slugify

from .manuscript import BookmarkKind, bookmark_name

BY_BOOKMARK, BY_SLUG, BY_SIMILARITY, BY_POSITION, NEW = (
    "bookmark",
    "slug",
    "similar text",
    "position",
    "new",
)
# An analyst who rewords a judgment keeps most of its words and its summary; two different
# judgments of one edition share far fewer. test_saving's rewording case scores about 0.88, the
# judgments of the test edition 0.12-0.39; 0.6 sits between with room on both sides.
SIMILARITY_THRESHOLD = 0.6
SLUG_MAX = 80  # long judgments make long addresses; cut at a word boundary


def slug_for(title: str) -> str:
    slug = slugify(title)
    if len(slug) <= SLUG_MAX:
        return slug
    return slug[:SLUG_MAX].rsplit("-", 1)[0]


@dataclass(frozen=True)
class Candidate:
    """An existing page as matching sees it (its latest text, which may be a draft)."""

    pk: int
    slug: str
    text: str  # key judgment + summary (chapters: the title)


@dataclass(frozen=True)
class Wanted:
    bookmark: str
    title: str
    text: str


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.casefold(), b.casefold(), autojunk=False).ratio()


def match_all(
    kind: BookmarkKind, wanted: Sequence[Wanted], candidates: Sequence[Candidate]
) -> list[tuple[int | None, str]]:
    """For each wanted item, the pk of the page it is (or None) and how it was found.

    Each page is matched at most once. The stronger keys are tried for every item before the
    weaker ones, so a bookmark further down the document wins over a similar text above it.
    """
    result: list[tuple[int | None, str]] = [(None, NEW)] * len(wanted)
    free = {c.pk: c for c in candidates}
    by_bookmark = {bookmark_name(kind, c.slug): c.pk for c in candidates}
    by_slug = {c.slug: c.pk for c in candidates}
    for key_of, how in (
        (lambda w: by_bookmark.get(w.bookmark) if w.bookmark else None, BY_BOOKMARK),
        (lambda w: by_slug.get(slug_for(w.title)), BY_SLUG),
    ):
        for number, item in enumerate(wanted):
            pk = key_of(item)
            if result[number][0] is None and pk in free:
                result[number] = (pk, how)
                del free[pk]
    for number, item in enumerate(wanted):
        if result[number][0] is not None or not free:
            continue
        best = max(free.values(), key=lambda c: similarity(item.text, c.text))
        if similarity(item.text, best.text) >= SIMILARITY_THRESHOLD:
            result[number] = (best.pk, BY_SIMILARITY)
            del free[best.pk]
    return result
