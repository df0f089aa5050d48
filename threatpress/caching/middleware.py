"""Cache-Control, ETag and Last-Modified on every response, and the mark that lets the WSGI front
(front.py) store a response.

First in MIDDLEWARE, so that it sees the response as the reader gets it, with every header the
other middleware added: a stored response is replayed with exactly those headers.
"""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse
from django.utils.cache import (
    get_conditional_response,
    get_max_age,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe
from wagtail.views import serve as wagtail_serve

from threatpress.readership.counting import is_page_view

from . import policy, purge_log, routes, store

# Code and templates may have changed at a deploy: no response predates this process.
STARTED = int(time.time())


def _private(request: HttpRequest, response: HttpResponse) -> bool:
    """Responses for one person: a session (a possibly signed-in editor), credentials, a
    preview, or a response that sets a cookie."""
    if policy.session_cookie_in(request.META.get("HTTP_COOKIE", "")):
        return True
    if "HTTP_AUTHORIZATION" in request.META or getattr(request, "is_preview", False):
        return True
    if request.path_info.startswith("/preview"):
        return True
    return bool(response.cookies)


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and request.method in policy.SAFE_METHODS
        and not request.META.get("QUERY_STRING")
        and policy.cacheable_path(request.path_info)
        and not response.streaming
        and response.get("Content-Type", "").startswith(policy.CACHEABLE_TYPES)
    )


def _add_validators(response: HttpResponse) -> float:
    if not response.has_header("ETag"):
        set_response_etag(response)
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    if last_modified is None:
        # Public content changes only through a purge (or a deploy, which restarts the
        # process), so this is stable between renders and honest for If-Modified-Since.
        last_modified = max(STARTED, int(purge_log.last_purge()))
        response["Last-Modified"] = http_date(last_modified)
    return float(last_modified)


def _validated(
    request: HttpRequest, response: HttpResponse, *, stored: bool, seconds: int | None = None
) -> HttpResponse:
    """Add the validators and answer a conditional request. `stored`: tell the WSGI front to
    keep the response, for `seconds` (else the page cache's lifetime)."""
    last_modified = _add_validators(response)
    if stored:
        request.META[store.STORE_PLAN] = {
            "etag": response["ETag"],
            "last_modified": last_modified,
            # A hit counts as a page view only where the render did.
            "view": request.META.get(store.PAGE_VIEW) if is_page_view(response) else None,
            "seconds": seconds,
        }
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=int(last_modified), response=response
    )


class CacheHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        # Wagtail's page view: its route comes from the remembered ones when it can (routes.py).
        if view_func is wagtail_serve and request.method in policy.SAFE_METHODS:
            routes.remember_route(request, view_args[0] if view_args else view_kwargs["path"])

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _private(request, response):
            # Merged, so that a view's stricter words (previews add no-cache, max-age=0) stay.
            patch_cache_control(response, private=True, no_store=True)
            return response
        if response.has_header("Cache-Control"):
            # The view decided (exports, media, consent, the API). The API's answers are kept
            # in the page cache too, as long as they let a shared cache keep them, unless a
            # purge comes first: 30 ms of CPU a listing, asked for by every script that polls.
            # (The path first: media responses pass here on every figure a reader's page shows.)
            if (
                policy.is_api(request.path_info)
                and response.status_code == 200
                and (max_age := get_max_age(response))
            ):
                stored = _cacheable_response(request, response)
                return _validated(request, response, stored=stored, seconds=max_age)
            return response
        if _cacheable_response(request, response):
            response["Cache-Control"] = policy.public_cache_control()
            return _validated(request, response, stored=True)
        if response.status_code == 200 and policy.is_search(request.path_info):
            response["Cache-Control"] = policy.SEARCH
        elif response.status_code == 404:
            response["Cache-Control"] = policy.not_found_cache_control(request.path_info)
        elif response.status_code >= 300:
            # Redirects by Accept-Language or to the newest edition, 400s, 503s: not stored.
            response["Cache-Control"] = policy.NEVER
        else:
            response["Cache-Control"] = "no-cache"
        return response
