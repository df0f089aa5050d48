"""Which Wagtail Site answers a request, remembered until the next purge.

Wagtail looks the Site up with a database query on every request (`Site.find_for_request`:
about 2.7 ms on PostgreSQL, the dearest query of a remembered page) and keeps the answer on the
request only. Sites change almost never, and a saved or deleted Site purges everything
(signals.py), so the answer is kept with the other fragments (fragments.py) and handed to Wagtail
on the request, where `find_for_request` looks first.
"""

from __future__ import annotations

from contextlib import suppress

from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Site

from . import fragments


def remembered_site(request: HttpRequest) -> Site | object | None:
    """`Site.find_for_request(request)`, from the fragments when they hold it; NOT_KEPT where
    fragments are not kept (Wagtail then asks, if something needs the Site: an admin view may
    not). The Site is shared by later requests: read-only."""
    # Wagtail's own key (sites.py, `_find_for_request`), read only for a host Django allows: a
    # made-up Host header must not take room among the fragments (CommonMiddleware rejects it).
    request.get_host()
    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    return fragments.remember(
        "site-for-host", key, lambda: Site._find_for_request(request), only_where_kept=True
    )


class RememberedSiteMiddleware:
    """Gives Wagtail the request's Site before anything asks for it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        # A host Django does not allow, or a database that is down, is left to the code that
        # asks (the health check answers for the database itself).
        if not hasattr(request, "_wagtail_site"):
            with suppress(DisallowedHost, DatabaseError):
                site = remembered_site(request)
                if site is not fragments.NOT_KEPT:
                    request._wagtail_site = site
        return self.get_response(request)
