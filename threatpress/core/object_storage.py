"""S3-compatible object storage for uploads and exports (docs/deployment.md, "Object storage").

Objects are private: no ACL is sent (the bucket's owner-only default applies) and no address of
the bucket ever reaches a reader. A file's address is the app's own view, which checks the
visibility rule before it reads the object, so an embargoed chart cannot be fetched from the
bucket by guessing its name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.storage import Storage
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

CHUNK = 64 * 1024


class PrivateS3Storage(S3Storage):
    """Wagtail's media in a bucket, addressed under MEDIA_URL (publishing/media_views.py)."""

    def get_default_settings(self) -> dict:
        return {
            **super().get_default_settings(),
            # Replacing an object under the same name would swap a published image's file
            # behind its database row; every upload gets a name of its own, as on disk.
            "file_overwrite": False,
            "default_acl": None,
            "addressing_style": "path",
            "signature_version": "s3v4",
        }

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))


class PrivateExportStorage(PrivateS3Storage):
    """PDFs and audio: only the export view hands them out, so they have no address at all."""

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        raise NotImplementedError("exports are served by threatpress.exports.views only")


def s3_storages_from_environment() -> dict[str, dict]:
    """The STORAGES entries for `default` and `exports` when THREATPRESS_S3_BUCKET is set, else
    nothing. Credentials are left to boto3 (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an
    instance role), so no secret passes through the settings module."""
    bucket = os.environ.get("THREATPRESS_S3_BUCKET", "")
    if not bucket:
        return {}
    options = {
        "bucket_name": bucket,
        "endpoint_url": os.environ.get("THREATPRESS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("THREATPRESS_S3_REGION") or None,
    }
    prefix = os.environ.get("THREATPRESS_S3_PREFIX", "").strip("/")
    return {
        "default": {
            "BACKEND": "threatpress.core.object_storage.PrivateS3Storage",
            "OPTIONS": {**options, "location": "/".join(filter(None, [prefix, "media"]))},
        },
        "exports": {
            "BACKEND": "threatpress.core.object_storage.PrivateExportStorage",
            "OPTIONS": {**options, "location": "/".join(filter(None, [prefix, "exports"]))},
        },
    }


@dataclass
class StoredObject:
    """A stored file's size and date, and a way to read any byte range of it.

    An S3 object is read with ranged GETs: opening it through the storage would download the
    whole object first, which a seek in a 30 MB recording should not cost."""

    storage: Storage
    name: str
    size: int
    modified: datetime

    def read(self, start: int = 0, length: int | None = None) -> Iterator[bytes]:
        if length is None:
            length = self.size - start
        if length <= 0:
            return iter(())
        if isinstance(self.storage, S3Storage):
            return self._read_s3(start, length)
        return self._read_file(start, length)

    def _read_s3(self, start: int, length: int) -> Iterator[bytes]:
        body = self.storage.bucket.Object(_key(self.storage, self.name)).get(
            Range=f"bytes={start}-{start + length - 1}"
        )["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def _read_file(self, start: int, length: int) -> Iterator[bytes]:
        with self.storage.open(self.name, "rb") as handle:
            handle.seek(start)
            while length > 0:
                chunk = handle.read(min(CHUNK, length))
                if not chunk:
                    break
                length -= len(chunk)
                yield chunk


def _key(storage: S3Storage, name: str) -> str:
    # The bucket key of a storage name (its location prefix added), as the storage computes it.
    return storage._normalize_name(clean_name(name))


def stored_object(storage: Storage, name: str) -> StoredObject | None:
    """The object under `name`, or None when there is none (one HEAD request on S3)."""
    if isinstance(storage, S3Storage):
        try:
            head = storage.bucket.Object(_key(storage, name))
            head.load()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        return StoredObject(storage, name, head.content_length, head.last_modified)
    if not storage.exists(name):
        return None
    return StoredObject(storage, name, storage.size(name), storage.get_modified_time(name))
