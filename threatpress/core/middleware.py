"""Turn requests that no page could ever answer into a clean 400 before they reach a view.

A NUL byte or other control character in the path would reach the database in a slug lookup
(PostgreSQL refuses NUL in a string and the request would end in a 500); a path that is not valid
UTF-8 or is absurdly long cannot name any page. Django re-escapes bytes that are not UTF-8 as
"%XX" in `request.path`; no page path contains a percent sign, so one marks a broken path.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views.defaults import bad_request

MAX_PATH_LENGTH = 2048
# Unicode "other" categories: control, format (bidi overrides), surrogate, private, unassigned.
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


class MalformedRequest(Exception):
    pass


def malformed_reason(request: HttpRequest) -> str | None:
    path = request.path
    if len(path) > MAX_PATH_LENGTH:
        return "path too long"
    if "%" in path:
        return "path is not valid UTF-8"
    if any(unicodedata.category(char) in REFUSED_CATEGORIES for char in path):
        return "control or format character in path"
    query = request.META.get("QUERY_STRING", "")
    if "\x00" in query or "%00" in query:
        return "NUL in query string"
    return None


class RejectMalformedRequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reason = malformed_reason(request)
        if reason is not None:
            return bad_request(request, MalformedRequest(reason))
        return self.get_response(request)
