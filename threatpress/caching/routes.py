"""Remembered routes: which page a public address leads to, without walking the tree.

Wagtail finds a page by reading each level of the tree from the site's root (two queries a
level). The outcome depends only on the site, the language and the path, and on published
content, so it is kept as a fragment (fragments.py) until the next purge: the route result with
the pages routing walked (the breadcrumbs and the edition come from them). Only routes that
found a page are kept, so that unknown addresses cannot fill the store. Wagtail's checks that run
after routing (view restrictions, a draft above the page) still run on every request, from
remembered answers (core/models.py's BasePage, fragments.hidden_by_tree). A route not remembered
is walked one level at a time with each level's child remembered (BasePage.route), so the pages
of one edition share their walk down to the chapter.

Each request gets its own shallow copies of the remembered pages: rendering keeps per-request
state on a page (wagtail-footnotes numbers each reference on the prefetched footnotes), which
must start afresh; what the copies share (the fields, a StreamField's parsed blocks, an
edition's scale) is only read.
"""

from __future__ import annotations

import copy

from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from . import fragments


def remember_route(request: HttpRequest, path: str) -> None:
    """Settle the route Wagtail's `serve` view will use for `path`, from the store if it can."""
    from threatpress.core.models import ROUTED_PAGES

    if getattr(request, "is_preview", False):
        return
    site = Site.find_for_request(request)
    if site is None:
        return

    def walk():
        result = _route(request, site, path)
        # A routable page's route (an edition's summary/): which one, for the view's own checks
        # and the readership counts.
        match = getattr(request, "routable_resolver_match", None)
        return result, dict(getattr(request, ROUTED_PAGES, {})), match

    key = (site.pk, site.root_page_id, get_language(), path)
    result, walked, match = fragments.remember(
        "route", key, walk, keep=lambda found: found[0] is not None
    )
    if result is None:
        request._wagtail_route_for_request = None
        return
    own = {path: own_copy(page) for path, page in walked.items()}
    page = own.get(result.page.path) or own_copy(result.page)
    args = list(result.args)
    if args and getattr(args[0], "__self__", None) is result.page:
        args[0] = args[0].__func__.__get__(page, type(page))  # the view, on the request's copy
    request._wagtail_route_for_request = RouteResult(page, args, dict(result.kwargs))
    request.__dict__[ROUTED_PAGES] = own
    if match is not None:
        request.routable_resolver_match = match


def _route(request: HttpRequest, site: Site, path: str) -> RouteResult | None:
    """Wagtail's `Page.route_for_request`, from the site's home page in the request's language
    remembered until the next structural purge: Wagtail looks up the active locale, and the
    home's translation in it, each time (one query; three for a language other than the root's)."""
    root = fragments.remember(
        "localized-root",
        (site.pk, site.root_page_id, get_language()),
        lambda: site.root_page.localized.specific,
    )
    try:
        return own_copy(root).route(request, [part for part in path.split("/") if part])
    except Http404:
        return None


def own_copy(page: Page) -> Page:
    """A request's own shallow copy of a remembered page (see above)."""
    mine = copy.copy(page)
    mine.__dict__.pop("_prefetched_objects_cache", None)
    return mine
