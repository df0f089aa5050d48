"""A page that moved for good, with the reader's query string kept."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect


def moved_for_good(request: HttpRequest, url: str) -> HttpResponsePermanentRedirect:
    """A 301 to `url` with the request's query string, percent-encoded again: a client that
    sent it as raw UTF-8 would otherwise get it back garbled."""
    query = request.GET.urlencode()
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
