"""A stored file's size and date, and any byte range of it, from whichever storage holds it.

Storages that can do better than open-and-seek (core/object_storage.py: one HEAD, ranged GETs)
offer `stat()` and `read_range()`; every other Django storage is read through its usual API.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.core.files.storage import Storage
from django.http import HttpResponse

CHUNK = 64 * 1024


class StorageUnavailable(Exception):
    """The storage did not answer (a bucket unreachable or failing): the request gets a 503."""


@dataclass
class StoredObject:
    storage: Storage
    name: str
    size: int
    modified: datetime

    def read(self, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        if length is None:
            length = self.size - start
        if length <= 0:
            return iter(())
        if hasattr(self.storage, "read_range"):
            return self.storage.read_range(self.name, start, length)
        return self._read_file(start, length)

    def _read_file(self, start: int, length: int) -> Iterator[bytes]:
        with self.storage.open(self.name, "rb") as handle:
            handle.seek(start)
            while length > 0:
                chunk = handle.read(min(CHUNK, length))
                if not chunk:
                    break
                length -= len(chunk)
                yield chunk


def stored_object(storage: Storage, name: str) -> StoredObject | None:
    """The file under `name`, or None when there is none."""
    if hasattr(storage, "stat"):
        found = storage.stat(name)
        return StoredObject(storage, name, *found) if found else None
    if not storage.exists(name):
        return None
    return StoredObject(storage, name, storage.size(name), storage.get_modified_time(name))


def storage_unavailable() -> HttpResponse:
    """The bucket did not answer: try again shortly (no body, as for an image or a download)."""
    response = HttpResponse(status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response
