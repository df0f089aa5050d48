"""Which requests and responses may be cached, and the Cache-Control each kind of response gets.

Shared by the middleware (full responses) and the WSGI front (hits), so both decide alike.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext

from .settings_memo import from_settings

SAFE_METHODS = ("GET", "HEAD")
# Paths outside the language prefixes that are the same for every reader (/print.css: the
# site's address for printed links, which every page links).
SITE_WIDE_PATHS = ("/sitemap.xml", "/robots.txt", "/print.css")
# Routes under a language prefix that are per reader or per query, never stored anywhere: the
# search (in each language's word, and the English word, which redirects to it) and consent.
SEARCH_ROUTE = "search/"
CONSENT_ROUTE = "consent/"
# The JSON API (threatpress/api): its answers are the same for every reader, but it sets its
# own lifetime, which the page cache keeps to (middleware.py).
API_PREFIX = "/api/v2/"
# text/css: an edition's print stylesheet (its running header), which every page of it links,
# so every reader's browser asks for it with each page.
CACHEABLE_TYPES = (
    "text/html",
    "application/xml",
    "application/atom+xml",
    "text/plain",
    "text/css",
    "application/json",
)


def _seconds(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def public_cache_control() -> str:
    """For a page any anonymous reader may get from a shared cache: short in browsers (which
    cannot be purged), long in purged caches, stale copies allowed while revalidating or when
    the application is down."""
    return (
        f"public, max-age={_seconds('THREATPRESS_CACHE_BROWSER_SECONDS', 30)}, "
        f"s-maxage={_seconds('THREATPRESS_CACHE_SHARED_SECONDS', 3600)}, "
        f"stale-while-revalidate={_seconds('THREATPRESS_CACHE_STALE_REVALIDATE_SECONDS', 30)}, "
        f"stale-if-error={_seconds('THREATPRESS_CACHE_STALE_ERROR_SECONDS', 86400)}"
    )


PRIVATE = "private, no-store"
# Search results depend on what is public this second; a shared cache must not keep them and a
# browser must ask again (cheaply, with the ETag) before reusing them.
SEARCH = "private, no-cache"
# A 404 may become a page at a release; its purge covers the address, this bounds the rest.
NOT_FOUND = "public, max-age=0, s-maxage=10"
# Uploaded files (images, renditions, documents) that are refused or missing: a figure of an
# embargoed edition becomes public at its release, and a release purges pages, not the
# addresses of their files, so no cache may keep the 404 even for those ten seconds.
FILE_PREFIXES = ("/media/", "/documents/")
NEVER = "no-store"


@from_settings
def _language_prefixes() -> tuple[str, ...]:
    return tuple(f"/{code}/" for code, _ in settings.LANGUAGES)


@from_settings
def _session_cookie_prefix() -> str:
    return f"{settings.SESSION_COOKIE_NAME}="


def session_cookie_in(cookie_header: str) -> bool:
    """Whether the raw Cookie header carries a session (a possibly signed-in editor)."""
    return _session_cookie_prefix() in cookie_header


def not_found_cache_control(path: str) -> str:
    return NEVER if path.startswith(FILE_PREFIXES) else NOT_FOUND


def _in_every_language(route: str) -> tuple[str, ...]:
    """A route's address below the language prefix in every language, and the English word
    (which redirects there): `search/`, `paieska/` (threatpress/urls.py translates them)."""
    words = {route}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words.add(str(pgettext("URL path", route)))
    return tuple(sorted(words))


@from_settings
def _search_routes() -> tuple[str, ...]:
    return _in_every_language(SEARCH_ROUTE)


@from_settings
def _uncached_routes() -> tuple[str, ...]:
    return (*_search_routes(), *_in_every_language(CONSENT_ROUTE))


def is_search(path: str) -> bool:
    return any(
        path == f"{prefix}{word}" for prefix in _language_prefixes() for word in _search_routes()
    )


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIX)


def cacheable_path(path: str) -> bool:
    """Pages under a language prefix, SITE_WIDE_PATHS and the API. `/` is not: it redirects by
    Accept-Language."""
    if path in SITE_WIDE_PATHS or is_api(path):
        return True
    for prefix in _language_prefixes():
        if path.startswith(prefix):
            rest = path[len(prefix) :]
            return not rest.startswith(_uncached_routes())
    return False


def cacheable_request(environ: dict) -> bool:
    """An anonymous GET or HEAD of a cacheable path without a query string."""
    return (
        environ.get("REQUEST_METHOD") in SAFE_METHODS
        and not environ.get("QUERY_STRING")
        and "HTTP_AUTHORIZATION" not in environ
        and not session_cookie_in(environ.get("HTTP_COOKIE", ""))
        and cacheable_path(environ.get("PATH_INFO", ""))
    )
