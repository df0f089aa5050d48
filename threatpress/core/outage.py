"""When the database is unreachable, answer 503 "back soon" instead of 500.

A stopped PostgreSQL, a network cut, a missing or unreadable SQLite file: each surfaces as a
database error in whichever view or middleware first asks for data. Django turns an uncaught
exception into the 500 handler's response; that handler asks `is_outage()` and answers with
`outage_response()` instead. The page is rendered from a template alone (no context processors,
no site settings), because anything that reads the database would fail the same way. It is never
stored by a cache (`no-store`), so the real page comes back the moment the database does;
persistent connections are health-checked (`CONN_HEALTH_CHECKS`) and the one that failed is
closed before the 503 is sent, so no restart is needed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext

RETRY_AFTER_SECONDS = 30

# A server gone, a connection dropped, a file that is not a database: "try again later".
# IntegrityError, DataError, ProgrammingError and NotSupportedError are mistakes in a request or
# in our code, and stay 500s (and 4xx where a form catches them).
_OUTAGE_TYPES = (OperationalError, InterfaceError)


def is_outage(exc: BaseException | None) -> bool:
    """Whether `exc`, or an exception it was raised from, says the database cannot be used."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, _OUTAGE_TYPES) or type(exc) is DatabaseError:
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def language_of(request: HttpRequest) -> str:
    """The reader's language from the address (/en/…, /lt/…), else from the browser's headers.

    Neither asks the database (the admin's per-user language would).
    """
    first = request.path.lstrip("/").split("/", 1)[0]
    codes = {code for code, _name in settings.LANGUAGES}
    if first in codes:
        return first
    return translation.get_language_from_request(request, check_path=False)


def drop_failed_connections() -> None:
    """Close each connection that has just failed, so the next request opens a new one.

    PostgreSQL's health check would find a broken connection anyway; SQLite's cannot: a
    connection opened while the file was missing points at the empty file SQLite made in its
    place, and would keep answering "no such table" after the real file is restored.
    """
    for connection in connections.all(initialized_only=True):
        if connection.errors_occurred and not connection.in_atomic_block:
            connection.close()


def outage_response(request: HttpRequest) -> HttpResponse:
    drop_failed_connections()
    with translation.override(language_of(request)):
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"message": gettext("The service is briefly unavailable. Try again shortly.")},
                status=503,
            )
        else:
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Content-Language"] = translation.get_language()
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
