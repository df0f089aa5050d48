"""Serving a stored file with ETag, conditional requests and byte ranges.

Audio players seek with Range requests and PDF viewers fetch pages with them; Django's
FileResponse answers neither. One range per request is supported (what browsers send); a request
for several ranges gets the whole file, which RFC 9110 allows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header, http_date

# Reads `length` bytes from `start`: local files seek, S3 objects are fetched with a ranged GET
# (core/stored_files.py), so a seek never downloads the whole recording.
Reader = Callable[[int, int], Iterable[bytes]]
# ASCII digits only (`\d` takes any script's), and no more than a file's size could need: a
# number of thousands of digits is no range (and Python refuses to convert it).
_RANGE = re.compile(r"^bytes=([0-9]{0,18})-([0-9]{0,18})$")


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(first, last) byte of a single satisfiable range; None when there is no usable range
    header (serve everything: RFC 9110 lets a server ignore a Range it cannot use, and says to
    ignore an invalid one such as `bytes=5-1`); False when the range cannot be satisfied
    (416)."""
    match = _RANGE.match(header.strip())
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(size - length, 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        return False
    end = min(int(last), size - 1) if last else size - 1
    return start, end


def matches_any(header: str, etag: str) -> bool:
    """Whether an If-None-Match header names this (strong) ETag, by the weak comparison the
    header uses (`W/"x"` matches `"x"`), or is `*` (any current file)."""
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


def file_response(
    request: HttpRequest,
    read: Reader,
    *,
    size: int,
    etag: str,
    last_modified: float,
    media_type: str,
    filename: str,
) -> HttpResponse:
    """The file, or 304, 206 or 416, as the request's conditional and Range headers ask."""
    quoted = f'"{etag}"'
    validators = {"ETag": quoted, "Last-Modified": http_date(last_modified)}
    if matches_any(request.headers.get("If-None-Match", ""), quoted):
        response = HttpResponse(status=304)
        for name, value in validators.items():
            response[name] = value
        return response
    wanted = None
    if_range = request.headers.get("If-Range")
    if "Range" in request.headers and (if_range is None or if_range == quoted):
        wanted = parse_range(request.headers["Range"], size)
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if wanted:
        start, end = wanted
        response = StreamingHttpResponse(
            read(start, end - start + 1), status=206, content_type=media_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = StreamingHttpResponse(read(0, size), content_type=media_type)
        response["Content-Length"] = str(size)
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Accept-Ranges"] = "bytes"
    for name, value in validators.items():
        response[name] = value
    return response
