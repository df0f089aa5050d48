"""STORAGES entries for object storage, read from the environment by the settings module.

Kept apart from object_storage.py, whose boto3 import costs about a second: a process imports
that only when it first touches a bucket.
"""

from __future__ import annotations

import os


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
