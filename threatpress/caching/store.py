"""The in-app page cache: keys, entries and the local view of purges.

One cache key per path and consent bit (`c1:/en/reports/2026/`); its value maps the request's
origin (scheme and host as Django would build absolute URLs) to the stored response, so a purge
deletes two keys per path whatever hosts were served. Entries live in the Django cache alias
`pages`: local memory in each process by default, Redis when REDIS_URL is set.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches

from threatpress.consent.registry import CONSENT_COOKIE, get_registry
from threatpress.consent.state import parse as parse_consent

from . import purge_log
from .settings_memo import from_settings

ALIAS = "pages"
GENERATION_KEY = "tp:generation"
STRUCTURE_GENERATION_KEY = "tp:structure-generation"
# request.META (the WSGI environ) keys shared by the middleware and the WSGI front.
STORE_PLAN = "threatpress.cache.store"
START_GENERATION = "threatpress.cache.generation"
PAGE_VIEW = "threatpress.page_view"


@dataclass(frozen=True)
class Entry:
    status: str  # "200 OK"
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    last_modified: float  # seconds since the epoch
    view: tuple[int, str] | None  # (page id, route) for readership, None for non-pages
    # (headers, body) of the gzip form, when worth one (compression.py)
    gzip_form: tuple[tuple[tuple[str, str], ...], bytes] | None = None


@from_settings
def cache():
    # One object for every thread of the process: both backends are thread-safe (LocMemCache
    # locks, Redis clients share a connection pool), and Django's per-thread lookup costs more.
    return caches[ALIAS]


@from_settings
def is_shared() -> bool:
    """Whether every process reads the same store (Redis) rather than its own memory."""
    return not settings.CACHES[ALIAS]["BACKEND"].endswith("LocMemCache")


@from_settings
def enabled() -> bool:
    return bool(getattr(settings, "THREATPRESS_PAGE_CACHE", True))


@from_settings
def timeout() -> int:
    return int(getattr(settings, "THREATPRESS_CACHE_SECONDS", 3600))


def consent_bit(cookie_header: str) -> str:
    """'c1' when the Cookie header holds a well-formed consent answer for the current policy
    version (the page is rendered with the dialog closed), else 'c0'. Decided by the same
    parser the pages use, so a malformed cookie can never select the other version; the rest
    of the header (the consent id, other cookies) plays no part (docs/consent.md)."""
    start = cookie_header.find(f"{CONSENT_COOKIE}=")
    if start == -1:
        return "c0"
    value = cookie_header[start + len(CONSENT_COOKIE) + 1 :].split(";", 1)[0].strip()
    consent = parse_consent(value)
    return "c1" if consent is not None and consent.version == get_registry().version else "c0"


def key_for(path: str, bit: str) -> str:
    return f"{bit}:{path}"


def keys_for_path(path: str) -> list[str]:
    return [key_for(path, "c0"), key_for(path, "c1")]


def origin_of(environ: dict) -> str:
    """What Django builds absolute URLs from, so a page rendered for one host is never served
    for another."""
    return "|".join(
        environ.get(name, "")
        for name in (
            "wsgi.url_scheme",
            "HTTP_X_FORWARDED_PROTO",
            "HTTP_HOST",
            "HTTP_X_FORWARDED_HOST",
            "SERVER_NAME",
        )
    )


def key_of(environ: dict) -> str:
    return key_for(environ.get("PATH_INFO", ""), consent_bit(environ.get("HTTP_COOKIE", "")))


def lookup(environ: dict) -> Entry | None:
    bucket = cache().get(key_of(environ))
    return bucket.get(origin_of(environ)) if bucket else None


def save(environ: dict, entry: Entry, seconds: int | None = None) -> None:
    """Keep `entry` for the page cache's lifetime, or `seconds` if shorter."""
    key = key_of(environ)
    bucket = dict(cache().get(key) or {})  # the stored one may be shared with readers
    bucket[origin_of(environ)] = entry
    cache().set(key, bucket, timeout() if seconds is None else min(seconds, timeout()))


def generation() -> tuple:
    """Changes whenever a purge is recorded: this machine's purge log, and with Redis the
    counter every machine shares."""
    local = purge_log.generation()
    if not is_shared():
        return local
    return (local, cache().get(GENERATION_KEY, 0))


def structure_generation() -> tuple:
    """Changes whenever a structural purge is recorded (every purge but one of an assessment's
    own text alone: fragments.py), here and, with Redis, on every machine."""
    local = purge_log.structure_generation()
    if not is_shared():
        return local
    return (local, cache().get(STRUCTURE_GENERATION_KEY, 0))


_reader: purge_log.Reader | None = None


def sync_local() -> None:
    """Drop the entries other processes purged since this process last looked (local memory
    only: with Redis the purging process deletes them for everyone)."""
    global _reader
    if is_shared():
        return
    if _reader is None or _reader.path is not purge_log.log_path():
        _reader = purge_log.Reader()
        # Entries stored before this reader existed may predate purges it will never read.
        cache().clear()
        return
    news = _reader.news()
    if news is None:
        cache().clear()
    elif news:
        cache().delete_many([key for path in news for key in keys_for_path(path)])


def delete_paths(paths: set[str], *, structural: bool = True) -> None:
    """Delete the entries of `paths` from the store this process sees (and, for Redis, every
    process sees, whose generations it moves: the structure generation too when `structural`)."""
    if purge_log.EVERYTHING in paths:
        # Clearing Redis clears both its counters: they start again above where they were, so
        # that no machine can take the new generation for the one it holds.
        counters = (GENERATION_KEY, STRUCTURE_GENERATION_KEY)
        before = {key: cache().get(key, 0) for key in counters} if is_shared() else {}
        cache().clear()
        for key, value in before.items():
            cache().set(key, value + 1, None)
        return
    cache().delete_many([key for path in paths for key in keys_for_path(path)])
    if is_shared():
        for key in (GENERATION_KEY, STRUCTURE_GENERATION_KEY) if structural else (GENERATION_KEY,):
            try:
                cache().incr(key)
            except ValueError:
                cache().set(key, 1, None)
