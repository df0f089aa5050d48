"""Gzip for what the page cache keeps: compressed once when a page is stored, sent to every
reader whose browser accepts it.

A page is about 30 KB of HTML and 7 KB gzipped; the API's JSON, the feeds and the sitemap shrink
as much. Readers on slow mobile links wait for bytes, not for the server. The page cache
(front.py) keeps both forms of each response it stores. A hit then costs no compression, and a
client that does not accept gzip (wrk, a script) still gets the plain bytes. Both forms carry
`Vary: Accept-Encoding`, so a cache in front keeps them apart. Varnish keeps both and asks the
app for the form its client accepts (deploy/varnish/threatpress.vcl).

Only responses the page cache stores are compressed. Those are the same for every anonymous
reader and hold no secret, so compression cannot leak one (BREACH needs a secret and the
reader's own input in one response). The gzip form has a weak ETag, as Django's GZipMiddleware
gives it: its bytes differ, and If-None-Match compares weakly anyway (front._not_modified).
"""

from __future__ import annotations

import functools
import gzip

# Compressible answers the page cache stores: pages, the API, feeds, the sitemap, robots.txt.
COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/atom+xml")
MIN_BYTES = 860  # below one packet's worth, gzip saves nothing a reader could notice
LEVEL = 6  # zlib's default: within a few percent of 9's size at a fraction of its time
Headers = tuple[tuple[str, str], ...]


def accepts_gzip(environ: dict) -> bool:
    """Whether the request's Accept-Encoding allows gzip (RFC 9110 12.5.3: `gzip`, `x-gzip` or
    `*` with a non-zero q-value; a q of 0 refuses)."""
    header = environ.get("HTTP_ACCEPT_ENCODING")
    return bool(header) and _allows_gzip(header)


# Asked on every hit, whose whole cost is about 10 µs; browsers send a handful of values.
@functools.lru_cache(maxsize=256)
def _allows_gzip(header: str) -> bool:
    allowed: dict[str, bool] = {}
    for item in header.split(","):
        coding, _, params = item.partition(";")
        coding = coding.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        allowed[coding] = quality > 0
    for coding in ("gzip", "x-gzip"):
        if coding in allowed:
            return allowed[coding]
    return allowed.get("*", False)


def _header(headers: Headers, name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name), None)


def gzip_form(headers: Headers, body: bytes) -> tuple[Headers, bytes] | None:
    """The headers and body of a stored response's gzip form, made once when it is stored (a
    hit sends them as they are), or None when it is not worth one."""
    packed = compress(headers, body)
    return None if packed is None else (gzip_headers(headers, len(packed)), packed)


def compress(headers: Headers, body: bytes) -> bytes | None:
    """The gzip form of a stored response, or None when it is not worth one."""
    content_type = (_header(headers, "content-type") or "").lower()
    if (
        len(body) < MIN_BYTES
        or not content_type.startswith(COMPRESSIBLE)
        or _header(headers, "content-encoding") is not None
    ):
        return None
    # mtime=0: the same page gives the same bytes on every server, as its ETag says.
    packed = gzip.compress(body, compresslevel=LEVEL, mtime=0)
    return packed if len(packed) < len(body) else None


def vary_on_encoding(headers: Headers) -> Headers:
    """`headers` with Accept-Encoding among the Vary names (one Vary header, as Django writes)."""
    vary = _header(headers, "vary")
    if vary is None:
        return (*headers, ("Vary", "Accept-Encoding"))
    names = [name.strip().lower() for name in vary.split(",")]
    if "accept-encoding" in names or "*" in names:
        return headers
    return tuple(
        (key, f"{value}, Accept-Encoding") if key.lower() == "vary" else (key, value)
        for key, value in headers
    )


def gzip_headers(headers: Headers, length: int) -> Headers:
    """The headers of the gzip form: its length, its encoding and a weak ETag."""
    out = []
    for key, value in headers:
        lower = key.lower()
        if lower == "content-length":
            continue
        if lower == "etag" and not value.startswith("W/"):
            value = "W/" + value
        out.append((key, value))
    out.append(("Content-Encoding", "gzip"))
    out.append(("Content-Length", str(length)))
    return tuple(out)
