"""Purging after commit: the in-app cache on this machine's processes, and the front cache.

A change records its affected paths on the outermost transaction; they are purged once, when it
commits (a purge before the commit would let a concurrent request store the old page again) and
forgotten if it rolls back. Outside a transaction the purge is immediate.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from wagtail.models import Page, Site

from . import policy, purge_log, store
from .affected import (
    EDITION_ROUTES,
    _api_paths,
    _language_paths,
    _path,
    affected_paths,
    own_text_paths,
)

logger = logging.getLogger(__name__)
PENDING = "_threatpress_cache_purge"
SLOW_PURGE = 0.5  # seconds; longer is logged, layer by layer


def all_paths() -> set[str]:
    """Every address the caches may hold, for the front cache when everything changed."""
    from threatpress.reports.models import EditionPage

    paths = set(policy.SITE_WIDE_PATHS)
    pages = list(Page.objects.filter(depth__gt=1))
    paths |= _api_paths(pages)
    for page in pages:
        path = _path(page)
        if path:
            paths.add(path)
    for edition in EditionPage.objects.all():
        path = _path(edition)
        if path:
            paths.update(f"{path}{route}" for route in EDITION_ROUTES)
    return paths | _language_paths(code for code, _ in settings.LANGUAGES)


def purge_now(paths: Iterable[str], *, structural: bool = True) -> set[str]:
    """Purge `paths` from every cache layer; return what was purged. Not `structural`: only an
    assessment's own text or its files changed, and the remembered values that cannot show
    them stay (fragments.STRUCTURAL_KINDS)."""
    paths = set(paths)
    if not paths:
        return paths
    structural = structural or purge_log.EVERYTHING in paths
    started = time.monotonic()
    if structural:
        purge_log.record_structural_purge()
    purge_log.append(paths)  # how the other processes' page caches learn of it
    logged = time.monotonic()
    try:
        store.delete_paths(paths, structural=structural)
    except Exception:  # Redis down: its entries expire; the front cache is still purged
        logger.exception("could not purge the page cache")
    stored = time.monotonic()
    purge_front_cache(paths)
    done = time.monotonic()
    if done - started > SLOW_PURGE:  # readers see the old page meanwhile: say where time went
        logger.warning(
            "Purging %d address(es) took %.2f s: the purge log %.2f s, the page cache %.2f s, "
            "the front cache %.2f s.",
            len(paths), done - started, logged - started, stored - logged, done - stored,
        )  # fmt: skip
    return paths


def purge_front_cache(paths: set[str]) -> None:
    if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
        return
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    if purge_log.EVERYTHING in paths:
        paths = all_paths()
    roots = {site.root_url for site in Site.objects.all()}
    urls = sorted(f"{root}{path}" for root in roots for path in paths)
    try:
        purge_urls_from_cache(urls)
    except Exception:  # the pages are committed; a front cache that is down expires them
        logger.exception("could not purge the front cache")


def _pending() -> dict | None:
    """The changes recorded for the current transaction, None outside one.

    They ride on our on-commit callback itself: Django drops it when the transaction (or the
    savepoint it was registered in) rolls back, and a new transaction starts without it. The
    Atomic object cannot hold them, as `@transaction.atomic` reuses one for every call.
    """
    if not connection.in_atomic_block:
        return None
    for _, callback, _ in connection.run_on_commit:
        pending = getattr(callback, PENDING, None)
        if pending is not None and not pending["done"]:
            return pending
    pending = {"paths": set(), "pages": set(), "own_text_paths": set(), "done": False}

    def purge_on_commit() -> None:
        pending["done"] = True
        _purge_pending(pending)

    setattr(purge_on_commit, PENDING, pending)
    transaction.on_commit(purge_on_commit)
    return pending


def _purge_pending(pending: dict) -> None:
    paths = pending["paths"] | pending["own_text_paths"]
    paths |= paths_for_pages(pending["pages"])
    purge_now(paths, structural=bool(pending["paths"] or pending["pages"]))


def paths_for_pages(page_ids: Iterable[int]) -> set[str]:
    """The affected paths of several pages, computed once per edition."""
    from threatpress.reports.models import EditionPage, edition_of

    from .affected import edition_paths

    paths: set[str] = set()
    done: set[int] = set()
    for page in Page.objects.filter(pk__in=set(page_ids)):
        # An edition is its own edition: no query for it (edition_paths needs no specific field).
        edition = page if page.specific_class is EditionPage else edition_of(page)
        if edition is None:
            return {purge_log.EVERYTHING}
        if edition.pk not in done:
            done.add(edition.pk)
            paths |= edition_paths(edition)
    return paths


def purge_after_commit(paths: Iterable[str]) -> None:
    """Purge `paths` when the current transaction commits (now, outside one)."""
    pending = _pending()
    if pending is None:
        purge_now(paths)
    else:
        pending["paths"] |= set(paths)


def page_changed(
    page: Page, *, before_change: bool = False, own_text_only: bool = False, listed: bool = False
) -> None:
    """Purge what `page` affects after the commit. Its addresses are worked out then, once per
    edition however many of its pages changed; `before_change` works them out now instead, for
    addresses a move or deletion is about to change. With `own_text_only` (an assessment
    published again with only its body or summary changed), fewer: affected.own_text_paths,
    with the country pages that list it when `listed` (its summary changed). Those are worked
    out now, inside the transaction (such a change moves no address), so that the purge after
    the commit is only the sending: under release-day load each query after the commit cost
    tens of milliseconds of the time readers are shown the old text (bench/release_load.py)."""
    if before_change:
        purge_after_commit(affected_paths(page))
        return
    pending = _pending()
    if pending is None:
        if own_text_only:
            purge_now(own_text_paths(page, listed=listed), structural=False)
        else:
            purge_now(paths_for_pages([page.pk]))
    elif own_text_only:
        pending["own_text_paths"] |= own_text_paths(page, listed=listed)
    else:
        pending["pages"].add(page.pk)
