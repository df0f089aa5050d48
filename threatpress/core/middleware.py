"""Turn requests that no page could ever answer into a clean 400 before they reach a view.

A NUL byte or other control character in the path would reach the database in a slug lookup
(PostgreSQL refuses NUL in a string and the request would end in a 500); a path that is not valid
UTF-8 or is absurdly long cannot name any page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views.defaults import bad_request

MAX_PATH_LENGTH = 2048
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class MalformedRequest(Exception):
    pass


def malformed_reason(request: HttpRequest) -> str | None:
    raw_path = request.META.get("PATH_INFO", "")
    try:
        # WSGI passes the path as bytes decoded with latin-1.
        raw_path.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return "path is not valid UTF-8"
    if len(request.path) > MAX_PATH_LENGTH:
        return "path too long"
    if CONTROL_CHARACTERS.search(request.path):
        return "control character in path"
    if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get(
        "QUERY_STRING", ""
    ):
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
