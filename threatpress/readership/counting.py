"""What is counted, and the functions other features call to count.

Page views are counted by the `on_serve_page` hook (wagtail_hooks.py). The PDF and audio
downloads (issue 4) and the search (issue 7) do not exist yet; they will call `record_download`
and `record_search`. Nothing here reads or writes a cookie, and nothing about the visitor is kept:
the request is looked at only to decide whether to count, and then forgotten.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from wagtail.models import Page

from threatpress.reports.route_words import base_name

from .buffer import CountBuffer, Flusher
from .models import DownloadDay
from .store import download_key, search_key, view_key, write_counts

# Crawlers, link previewers, monitors, HTTP libraries and automated browsers. Real browsers
# (and text browsers such as Lynx and w3m, which people read with) contain none of these. Plain
# substrings of the lower-cased user agent: checking them costs a few microseconds, where one
# case-insensitive regular expression of the same alternatives cost 40-80 (bench/readership.py).
BOT_WORDS = (
    "crawl", "spider", "slurp", "archiver", "scrap", "fetcher", "headless", "phantomjs",
    "selenium", "puppeteer", "playwright", "webdriver", "lighthouse", "pagespeed", "gtmetrix",
    "pingdom", "uptime", "monitor", "check_http", "nagios", "zabbix", "python", "curl/", "wget",
    "httpie", "libwww-perl", "go-http", "java/", "okhttp", "axios", "node-fetch", "undici",
    "aiohttp", "httpx", "guzzle", "facebookexternalhit", "facebookcatalog", "embedly",
    "whatsapp", "telegram", "discord", "slack", "skype", "preview", "feed", "rss", "validator",
    "w3c_", "nutch", "heritrix", "ia_archiver", "yandex", "baidu", "mediapartners",
    "apis-google", "google-", "semrush", "ahrefs", "mj12", "bytespider", "claude", "anthropic",
    "perplexity", "seznam", "qwant", "ecosia", "duckduck",
)  # fmt: skip
# "bot" as the end of a word (Googlebot/2.1, bingbot, GPTBot), but not the phone maker Cubot.
BOT_WORD = re.compile(r"(?<!cu)bot(?![a-z])")
MAX_USER_AGENT = 512  # only this much of a user agent is examined
MAX_QUERY = 100
MAX_FORMAT = 20
MAX_LANGUAGE = 10
MAX_ROUTE = 50
# Queries that may carry personal data are counted, but as "withheld", without their text.
PERSONAL_LOOKING = re.compile(
    r"@"  # e-mail addresses, handles
    r"|(?:\d[\s\-./()]*){7,}"  # phone numbers, personal codes, account numbers
    r"|://|\bwww\.",  # addresses (a preview link's token among them)
    re.IGNORECASE,
)
TOKEN_LIKE = re.compile(r"(?=\S*\d)(?=\S*[^\W\d])\S{16,}")  # long words of letters and digits
FORMAT = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _setting(name: str, default):
    return getattr(settings, name, default)


buffer = CountBuffer()
flusher = Flusher(
    buffer,
    write_counts,
    interval=lambda: float(_setting("THREATPRESS_READERSHIP_FLUSH_SECONDS", 10)),
    threshold=lambda: int(_setting("THREATPRESS_READERSHIP_FLUSH_AFTER", 1000)),
    background=lambda: bool(_setting("THREATPRESS_READERSHIP_BACKGROUND", True)),
)


def enabled() -> bool:
    return bool(_setting("THREATPRESS_READERSHIP", True))


def flush() -> int:
    """Write the counts buffered in this process now; return how many increments were written."""
    return flusher.flush()


def today() -> date:
    """The day counts are filed under: the site's time zone, whatever a request activated."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def _count(key: tuple) -> None:
    flusher.counted(buffer.add(key))


@lru_cache(maxsize=1024)  # readers share a few hundred user agents; a hit asks for each
def is_bot(user_agent: str) -> bool:
    lowered = user_agent[:MAX_USER_AGENT].strip().lower()
    if not lowered:
        return True
    if "bot" in lowered and BOT_WORD.search(lowered):
        return True
    return any(word in lowered for word in BOT_WORDS)


def should_count(request: HttpRequest) -> bool:
    """True for a reader's GET that may be counted: not a bot, not an editor, no opt-out."""
    if not enabled() or request.method != "GET" or getattr(request, "is_preview", False):
        return False
    meta = request.META
    # Do Not Track and Global Privacy Control: a reader who sends either is not counted at all.
    if meta.get("HTTP_DNT") == "1" or meta.get("HTTP_SEC_GPC") == "1":
        return False
    if is_bot(meta.get("HTTP_USER_AGENT", "")):
        return False
    # Signed-in editors checking their pages are not readers. Only a request that carries a
    # session cookie can be signed in, so anonymous readers never cost a session lookup.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
    return True


def route_of(request: HttpRequest) -> str:
    """A routable page's route name ("summary", whatever the language's word for it in the
    address: reports/route_words.py), or "" for the page itself."""
    match = getattr(request, "routable_resolver_match", None)
    if match is None or not match.route:
        return ""
    return base_name(match.url_name or "")[:MAX_ROUTE]


def is_page_view(response: HttpResponse) -> bool:
    """A response that counts as reading a page: a 200 HTML page (not, say, an edition's print
    stylesheet, which is one of its routes). The page cache counts its hits by the same rule."""
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


def count_page_view(request: HttpRequest, page: Page, response: HttpResponse) -> bool:
    """Count a served page once its response is final: a 200 HTML page, after rendering (a page
    that fails to render is not counted). Return whether it will be counted."""
    route = route_of(request)
    # What a full-page cache needs to count a later hit on this response (threatpress/caching).
    request.META["threatpress.page_view"] = (page.pk, route)
    if not should_count(request):
        return False

    def count_if_ok(rendered: HttpResponse) -> None:
        if is_page_view(rendered):
            _count(view_key(today(), page.pk, route))

    if getattr(response, "is_rendered", True):
        count_if_ok(response)
    else:
        response.add_post_render_callback(count_if_ok)
    return True


def count_cached_view(environ: dict, page_id: int, route: str) -> bool:
    """Count a page view served from the page cache, by the rules of `should_count`. A cached
    response is only ever served to a request without a session cookie, so no editor is among
    them."""
    if not enabled() or environ.get("REQUEST_METHOD") != "GET":
        return False
    if environ.get("HTTP_DNT") == "1" or environ.get("HTTP_SEC_GPC") == "1":
        return False
    if is_bot(environ.get("HTTP_USER_AGENT", "")):
        return False
    _count(view_key(today(), page_id, route))
    return True


def _page_id(page: Page | int) -> int:
    return page if isinstance(page, int) else page.pk


def record_download(
    page: Page | int,
    kind: str,
    fmt: str,
    language: str,
    *,
    request: HttpRequest | None = None,
) -> bool:
    """Count one download of `page`'s PDF or audio file.

    `kind` is "pdf" or "audio"; `fmt` a short lowercase name such as "screen", "print", "mp3";
    `language` the file's language code. Pass the `request` to apply the same rules as for page
    views (bots, editors, Do Not Track). Counted only while the page is public. Returns whether
    the download was counted.
    """
    if kind not in {DownloadDay.PDF, DownloadDay.AUDIO}:
        raise ValueError(f"kind must be 'pdf' or 'audio', not {kind!r}")
    fmt, language = fmt.strip().lower(), language.strip().lower()
    if not FORMAT.match(fmt) or len(fmt) > MAX_FORMAT:
        raise ValueError(f"format must be a short lowercase name, not {fmt!r}")
    if not FORMAT.match(language) or len(language) > MAX_LANGUAGE:
        raise ValueError(f"language must be a language code, not {language!r}")
    if request is not None and not should_count(request):
        return False
    if not enabled():
        return False
    _count(download_key(today(), _page_id(page), kind, fmt, language))
    return True


def normalise_query(query: str) -> str | None:
    """The form a query is counted under: NFKC, case-folded, spaces collapsed, at most 100
    characters (cut at a word). None for an empty query, "" (withheld) for one that looks like
    it carries personal data."""
    text = " ".join(unicodedata.normalize("NFKC", query).casefold().split())
    if not text:
        return None
    if PERSONAL_LOOKING.search(text) or TOKEN_LIKE.search(text):
        return ""
    if len(text) > MAX_QUERY:
        cut = text[: MAX_QUERY + 1]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut[:MAX_QUERY]
    return text


def record_search(
    query: str,
    language: str,
    result_count: int,
    *,
    request: HttpRequest | None = None,
) -> bool:
    """Count one search for `query` in `language` that found `result_count` results.

    The query is normalised (`normalise_query`); queries that look like personal data are
    counted without their text. Pass the `request` to apply the page-view rules. Returns whether
    the search was counted.
    """
    language = language.strip().lower()
    if not FORMAT.match(language) or len(language) > MAX_LANGUAGE:
        raise ValueError(f"language must be a language code, not {language!r}")
    if result_count < 0:
        raise ValueError("result_count cannot be negative")
    normalised = normalise_query(query)
    if normalised is None:
        return False
    if request is not None and not should_count(request):
        return False
    if not enabled():
        return False
    _count(search_key(today(), normalised, language, result_count == 0))
    return True
