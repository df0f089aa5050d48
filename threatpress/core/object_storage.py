"""S3-compatible object storage for uploads and exports (docs/deployment.md, "Object storage").

Objects are private: no ACL is sent (the bucket's owner-only default applies) and no address of
the bucket ever reaches a reader. A file's address is the app's own view, which checks the
visibility rule before it reads the object, so an embargoed chart cannot be fetched from the
bucket by guessing its name.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urljoin

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from .stored_files import StorageUnavailable

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

    def __init__(self, **options):
        super().__init__(**options)
        # botocore waits 60 s to connect and 60 s per read, four times over: a reader's worker
        # would hang minutes on a bucket that does not answer. Give up within seconds instead.
        self.client_config = self.client_config.merge(
            Config(connect_timeout=5, read_timeout=20, retries={"max_attempts": 2})
        )

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))

    def _key(self, name: str) -> str:
        # The bucket key of a storage name (the location prefix added), as S3Storage computes it.
        return self._normalize_name(clean_name(name))

    def stat(self, name: str) -> tuple[int, datetime] | None:
        """Size and date of the object, or None when there is none: one HEAD request (the
        storage's own size() and get_modified_time() would make one each)."""
        head = self.bucket.Object(self._key(name))
        try:
            head.load()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise StorageUnavailable(str(error)) from error
        except BotoCoreError as error:
            raise StorageUnavailable(str(error)) from error
        return head.content_length, head.last_modified

    def read_range(self, name: str, start: int, length: int) -> Iterator[bytes]:
        """`length` bytes from `start` with one ranged GET. Opening the file through the storage
        would download the whole object first, which a seek in a recording should not cost.

        The GET is sent at once, not when the response starts streaming, so that a bucket that
        does not answer still turns into a 503 rather than a response cut short."""
        try:
            body = self.bucket.Object(self._key(name)).get(
                Range=f"bytes={start}-{start + length - 1}"
            )["Body"]
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(str(error)) from error
        return _chunks(body)


def _chunks(body) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK)
    finally:
        body.close()


class PrivateExportStorage(PrivateS3Storage):
    """PDFs and audio: only the export view hands them out, so they have no address at all."""

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        raise NotImplementedError("exports are served by threatpress.exports.views only")
