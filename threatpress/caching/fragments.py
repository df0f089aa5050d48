"""Derived data that many pages recompute (the header's links, a page's translations, an
edition's contents), kept in this process between requests and dropped by the purges that may
change it.

Only what an anonymous reader may see goes in: the callers build these values from
`public_pages` alone, and never for a preview. A value is filed under the invalidation
generation read *before* it was built (the purge log's inode and size, and with Redis the shared
counter: store.generation), and a lookup only sees values of the current generation. Every
change that purges pages (publish, unpublish, expiry, a move, a translation marked translated,
the site identity) bumps the generation after its commit, so:
- a value built from the old state before the purge is filed under the old generation and never
  read again;
- a value built inside a transaction is never stored: it may hold uncommitted rows, and a
  transaction that rolls back purges nothing. (This also keeps the test suite, whose tests run
  in a transaction, on the uncached path unless a test asks for real commits.)

Two shelves, two generations. Most purges are *structural* (a page appears, goes, moves or is
renamed) and move both. A purge of an assessment's own text only (a corrected body or summary,
a PDF or recording finished: invalidation.page_changed's `own_text_only`) moves only the text
generation (store.structure_generation stays), so the values that cannot hold a page's text or
its files survive it: the kinds in STRUCTURAL_KINDS. Every other kind, and any kind added later
unless it is listed there, is dropped by every purge. A release-day correction thus costs the
next requests a route and the texts shown, not the whole chrome again (docs/caching.md).

A process holds one generation's values at a time on each shelf, at most MAX_ENTRIES of them:
when a shelf is full, a new value takes the place of the oldest one, so that a crawler walking
the archive cannot keep the pages readers ask for out until the next purge. (An assessment takes
about four entries of its own: its route, downloads and two blocks of HTML, 11 and 4 KB on the
demo; its chapter's children, its edition's regions and its siblings' translations are shared.)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.conf import settings
from django.db import connection

from threatpress.core.tree_paths import ancestor_paths

from . import store

logger = logging.getLogger(__name__)
T = TypeVar("T")
MAX_ENTRIES = 2_000

# Kinds whose values depend on which pages are public, where they are and what they are called,
# on sites, regions and probability terms, but never on an assessment's body, summary, live
# revision or files (so a text-only purge keeps them). Kept apart from the other kinds.
STRUCTURAL_KINDS = frozenset(
    {
        "site-for-host",  # the Site of a host
        "hidden-subtrees",  # pages not live, restricted, or translations not marked translated
        "site_links",  # the header's and footer's links (addresses of standing pages)
        "identity",  # the organisation's name and texts (a home page or identity change)
        "alternates",  # a page's addresses in the other languages
        "sibling-translations",  # the public translations of a parent's children
        "search-choices",  # the search filters: edition years, chapter titles, regions, terms
        "not-live-or-untranslated",  # paths of pages not live, and of unmarked translations
        "any-view-restrictions",  # whether any page has a view restriction
        "view-restrictions",  # the view restrictions on a page and the pages above it
        "locale-codes",  # the site's languages by locale id
        "localized-root",  # the site's home page in a language (routes.py)
        "chrome-children",  # the children of a page that can have no assessment below it
    }
)


class _Shelf:
    """One generation's values, and how many of them each kind holds."""

    def __init__(self, read_generation: Callable[[], object]) -> None:
        self.read_generation = read_generation
        self.generation: object = None
        self.values: dict[Hashable, object] = {}
        self.counts: dict[str, int] = {}

    def current(self, generation: object) -> dict[Hashable, object]:
        if generation != self.generation:
            with _lock:
                if generation != self.generation:
                    self.generation, self.values, self.counts = generation, {}, {}
        return self.values

    def file(self, full_key: tuple[str, Hashable], value: object, share: float = 1.0) -> None:
        """Keep `value` (under _lock, in the current generation). When the shelf is full it
        takes the oldest value's place, and when its kind already holds `share` of the shelf,
        the place of its kind's oldest: so a kind with many keys (every page a search can
        find) cannot crowd out the others, nor stop being kept once the shelf is full."""
        kind, values, counts = full_key[0], self.values, self.counts
        limit = int(MAX_ENTRIES * share)
        if full_key in values or limit < 1:
            return
        if counts.get(kind, 0) >= limit:
            oldest = next(key for key in values if key[0] == kind)  # type: ignore[index]
        elif len(values) >= MAX_ENTRIES:
            oldest = next(iter(values))  # dictionaries keep insertion order
        else:
            oldest = None
        if oldest is not None:
            del values[oldest]
            counts[oldest[0]] -= 1  # type: ignore[index]
        values[full_key] = value
        counts[kind] = counts.get(kind, 0) + 1


_lock = threading.Lock()
_text = _Shelf(lambda: store.generation())
_structure = _Shelf(lambda: store.structure_generation())


def enabled() -> bool:
    return bool(getattr(settings, "THREATPRESS_FRAGMENT_CACHE", True))


def _shelf(kind: str) -> _Shelf:
    return _structure if kind in STRUCTURAL_KINDS else _text


def _values_now(shelf: _Shelf) -> dict[Hashable, object] | None:
    """The shelf's values of the current generation, or None when nothing may be read or stored:
    fragments turned off, inside a transaction, or the generation unreadable (Redis down: the
    caller computes, as the page cache does)."""
    if not enabled() or connection.in_atomic_block:
        return None
    try:
        generation = shelf.read_generation()
    except Exception:
        logger.exception("fragment cache unavailable; computing")
        return None
    return shelf.current(generation)


NOT_KEPT = object()  # remember(..., only_where_kept=True) where nothing is kept now


def remember(
    kind: str,
    key: Hashable,
    build: Callable[[], T],
    keep: Callable[[T], bool] | None = None,
    *,
    only_where_kept: bool = False,
) -> T:
    """`build()`'s value for (`kind`, `key`), computed once per purge generation.

    `key` must hold everything the value depends on besides published content (the site, the
    language, the path...). A value for which `keep` says no is returned but not stored. Where
    nothing is kept now (see `_values_now`), the value is built for this call alone, or, with
    `only_where_kept`, not built at all: NOT_KEPT is returned."""
    shelf = _shelf(kind)
    values = _values_now(shelf)
    if values is None:
        return NOT_KEPT if only_where_kept else build()  # type: ignore[return-value]
    full_key = (kind, key)
    try:
        return values[full_key]  # type: ignore[return-value]
    except KeyError:
        pass
    value = build()
    if keep is not None and not keep(value):
        return value
    with _lock:
        # Filed under the generation read before building: if a purge happened meanwhile,
        # this dictionary is already replaced and the value is dropped with it.
        if shelf.values is values:
            shelf.file(full_key, value)
    return value


def remember_many(
    kind: str,
    keys: list[Hashable],
    build: Callable[[list[Hashable]], dict[Hashable, T]],
    share: float = 1.0,
) -> dict[Hashable, T]:
    """remember() for many keys at once: `build(missing)` makes the values of the keys not held
    (one query for all of them, not one each). The kind holds at most `share` × MAX_ENTRIES
    values (_Shelf.file)."""
    shelf = _shelf(kind)
    values = _values_now(shelf)
    if values is None:
        return build(list(keys))
    found: dict[Hashable, T] = {}
    missing = []
    for key in keys:
        try:
            found[key] = values[(kind, key)]  # type: ignore[assignment]
        except KeyError:
            missing.append(key)
    if missing:
        built = build(missing)
        found.update(built)
        with _lock:
            if shelf.values is values:  # filed under the generation read before building, as above
                for key, value in built.items():
                    shelf.file((kind, key), value, share)
    return found


def clear() -> None:
    """Forget everything (tests, benchmarks)."""
    with _lock:
        for shelf in (_text, _structure):
            shelf.generation, shelf.values, shelf.counts = None, {}, {}


def held() -> dict[tuple[str, Hashable], object]:
    """The values this process holds now by (kind, key), whatever their generation (tests)."""
    return {**_text.values, **_structure.values}


def hidden_subtrees() -> list[str]:
    """publishing.visibility.hidden_subtrees(), shared until the next structural purge: every
    change to what is hidden (publish, unpublish, expiry, a view restriction, a translation
    marked) is one.
    Read-only for callers."""
    return remember("hidden-subtrees", None, _hidden_subtrees)


def _hidden_subtrees() -> list[str]:
    # From the remembered drafts and unmarked translations (hidden_by_tree's), so that a
    # process reads them once per purge, not once for each of the two kinds.
    from threatpress.publishing import visibility

    sets = remember("not-live-or-untranslated", None, visibility.hiding_pages)
    return visibility.hidden_subtrees(sets)


def hidden_by_tree(page) -> bool:
    """publishing.visibility.hidden_by_tree(page), answered from two sets remembered until the
    next structural purge (which pages below the root are not live, which translations are not
    marked translated: every change to either is one), so that routing each page of an edition
    again after a release asks the database nothing more."""
    from threatpress.publishing import visibility

    sets = remember("not-live-or-untranslated", None, visibility.hiding_pages, only_where_kept=True)
    if sets is NOT_KEPT:
        return visibility.hidden_by_tree(page)
    not_live, untranslated = sets
    above = set(ancestor_paths(page.path, from_depth=1))
    return bool(above & not_live) or bool((above | {page.path}) & untranslated)


def public_pages(queryset):
    """publishing.visibility.public_pages(queryset) with the hidden subtrees remembered: the
    same rule as path prefixes, much cheaper for the database than its correlated subqueries
    (about 6 ms of an edition's contents on SQLite). Where nothing is kept (inside a
    transaction, fragments off), the correlated form: the subtrees would be read at every call."""
    from threatpress.publishing import visibility

    hidden = remember("hidden-subtrees", None, _hidden_subtrees, only_where_kept=True)
    if hidden is NOT_KEPT:
        return visibility.public_pages(queryset)
    return visibility.public_pages_now(queryset, hidden)


def is_public_file(obj) -> bool:
    """publishing.visibility.is_public_file(obj) (is an image or document used by a public
    page?), remembered until the next purge of any kind: a page's publish, unpublish, expiry or
    move is a structural one, and an assessment published again with a body that no longer
    shows its only figure a text-only one. Every reader's browser asks for a page's figures
    with the page, and the check was two thirds of serving one (bench/render_cost.py)."""
    from threatpress.publishing import visibility

    if obj is None:
        return False
    return remember(
        "public-file",
        (obj._meta.label_lower, obj.pk),
        lambda: visibility.is_public_file(obj),
    )
