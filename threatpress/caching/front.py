"""Serving cache hits at the WSGI layer, before Django's middleware and URL resolution.

`CachedApplication` wraps the Django application (threatpress/wsgi.py). For an anonymous GET or
HEAD of a cacheable path it answers from the page cache, with exactly the status and headers the
full response had, after one stat of the purge log and one cache read. On a miss it lets Django
answer and stores what the middleware marked as storable (CacheHeadersMiddleware), unless a purge
was recorded while the page was being rendered.
"""

from __future__ import annotations

import logging
from email.utils import parsedate_to_datetime

from . import compression, policy, store

logger = logging.getLogger(__name__)
# What a 304 keeps of the full response (RFC 9110 section 15.4.5, as Django's own 304s).
NOT_MODIFIED_HEADERS = {"cache-control", "content-location", "date", "etag", "expires", "vary"}


def _not_modified(entry: store.Entry, environ: dict) -> bool:
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or entry.etag.removeprefix("W/") in tags
    if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        return int(entry.last_modified) <= since
    return False


def serve_entry(entry: store.Entry, environ: dict, start_response):
    if entry.view is not None and environ.get("REQUEST_METHOD") == "GET":
        from threatpress.readership.counting import count_cached_view

        count_cached_view(environ, *entry.view)
    return _send(entry, environ, start_response)


def _send(entry: store.Entry, environ: dict, start_response):
    """The stored response in the form the client accepts (compression.py), or a 304."""
    if entry.gzip_form is not None and compression.accepts_gzip(environ):
        headers, body = entry.gzip_form
    else:
        headers, body = entry.headers, entry.body
    if _not_modified(entry, environ):
        kept = [
            (name, value)
            for name, value in headers
            if name.lower() in NOT_MODIFIED_HEADERS or name.lower() == "last-modified"
        ]
        start_response("304 Not Modified", kept)
        return [b""]
    start_response(entry.status, list(headers))
    return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


# Headers a response that raced a purge leaves without: its validators could let a cache revalidate
# the old copy it holds, and its cache lifetime is replaced.
UNSHAREABLE_DROPS = {"cache-control", "etag", "last-modified", "expires"}


def _write_unsupported(data: bytes) -> None:
    raise RuntimeError("WSGI write() is not supported under the page cache")


class CachedApplication:
    def __init__(self, application):
        self.application = application

    def __call__(self, environ: dict, start_response):
        if not store.enabled() or not policy.cacheable_request(environ):
            return self.application(environ, start_response)
        try:
            store.sync_local()
            entry = store.lookup(environ)
        except Exception:  # a cache that is down must not take the site with it
            logger.exception("page cache unavailable; serving without it")
            return self.application(environ, start_response)
        if entry is not None:
            return serve_entry(entry, environ, start_response)
        return self._render_and_store(environ, start_response)

    def _render_and_store(self, environ: dict, start_response):
        try:
            environ[store.START_GENERATION] = store.generation()
        except Exception:
            logger.exception("page cache unavailable; serving without it")
            return self.application(environ, start_response)
        captured: dict = {}

        # Headers are held until the body is rendered: a response that raced a purge must
        # leave with headers that keep it out of every cache, not only this one.
        def capture(status, headers, exc_info=None):
            if exc_info is not None:
                return start_response(status, headers, exc_info)
            captured["status"], captured["headers"] = status, headers
            return _write_unsupported

        result = self.application(environ, capture)
        if "status" not in captured:
            return result
        plan = environ.get(store.STORE_PLAN)
        if (
            plan is None
            or environ.get("REQUEST_METHOD") != "GET"
            or not captured["status"].startswith("200")
        ):
            start_response(captured["status"], captured["headers"])
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = captured["headers"]
        try:
            # The race: a purge recorded after this request began may concern what it read.
            raced = store.generation() != environ[store.START_GENERATION]
            if not raced:
                fields = {name: value for name, value in plan.items() if name != "seconds"}
                stored = compression.vary_on_encoding(tuple(headers))
                entry = store.Entry(
                    body=body,
                    headers=stored,
                    status=captured["status"],
                    gzip_form=compression.gzip_form(stored, body),
                    **fields,
                )
                store.save(environ, entry, plan.get("seconds"))
        except Exception:
            logger.exception("page cache unavailable; response not stored")
            raced = True
        if raced:
            # Nor may Varnish or a CDN keep it: its PURGE may have come and gone while this was
            # rendering, and it would then serve the old page until s-maxage ran out.
            headers = [(k, v) for k, v in headers if k.lower() not in UNSHAREABLE_DROPS]
            headers.append(("Cache-Control", "private, no-cache"))
            start_response(captured["status"], headers)
            return [body]
        # As a hit would answer it (the Django response already said 200, not 304).
        return _send(entry, environ, start_response)
