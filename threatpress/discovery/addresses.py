"""Absolute addresses: canonical links, Open Graph, JSON-LD, citations, the feed and the sitemap
all start from the site's configured root (the Wagtail `Site`), like the printed link targets
(docs/print.md), so that every copy of an address agrees whatever host a request came in by."""

from __future__ import annotations

from django.http import HttpRequest
from wagtail.models import Page, Site


def site_root(request: HttpRequest) -> str:
    """`https://example.org`, without a trailing slash."""
    site = Site.find_for_request(request)
    if site is not None:
        return site.root_url
    return request.build_absolute_uri("/").rstrip("/")


def absolute(request: HttpRequest, path: str) -> str:
    """An address on this site, absolute. Absolute input is returned as it is."""
    if not path or "://" in path:
        return path
    return site_root(request) + path


def route_suffix(request: HttpRequest, page: Page) -> str:
    """What follows the page's own address in this request: "summary/" on an edition's
    key-judgments route, "" on the page itself."""
    base = page.get_url(request) or ""
    path = request.path
    return path[len(base) :] if base and path.startswith(base) and path != base else ""


def canonical(request: HttpRequest, page: Page) -> str:
    """The page's one address, absolute, with the route for an edition's summary, foreword
    and scale (the same page object serves all four)."""
    return (page.get_full_url(request) or "") + route_suffix(request, page)
