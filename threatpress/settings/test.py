"""Test settings: fast hashing, in-memory email, plain static storage (no collectstatic needed)."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

SECRET_KEY = "insecure-test-key-only-used-by-the-test-suite"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "exports": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Serve static files from the finders; nothing is collected for tests.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# On SQLite, test against a file (WAL) rather than shared-cache memory, so that tests with a
# background thread (the scheduler) see real locking behaviour instead of "table is locked".
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"threatpress-test-{os.getpid()}.sqlite3")
    }

# Wagtail remembers renditions by image id, in this cache when there is one (else "default"). Ids
# start again in each test's rolled-back database, so a rendition remembered in one test, its file
# in another storage, would be another test's: the root conftest empties this cache after each.
CACHES = {
    **CACHES,  # noqa: F405
    "renditions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "r"},
}

# django-axes needs the request in authenticate(), which the test client's login() does not pass;
# the lock-out tests turn it back on.
AXES_ENABLED = False

# Tests write readership counts themselves (readership.counting.flush()), inside their transaction.
THREATPRESS_READERSHIP_BACKGROUND = False

# Audio: espeak-ng for English too (Piper takes seconds per paragraph), and a cache of our own.
THREATPRESS_AUDIO_ENGLISH_VOICE = "espeak"
THREATPRESS_AUDIO_CACHE_DIR = Path(tempfile.gettempdir()) / f"threatpress-audio-{os.getpid()}"

# The page cache's purge log, per test process (threatpress/caching).
# A test that starts gunicorn on the test database hands its workers the same log.
THREATPRESS_CACHE_PURGE_LOG = Path(
    os.environ.get("THREATPRESS_CACHE_PURGE_LOG")
    or Path(tempfile.gettempdir()) / f"threatpress-purges-{os.getpid()}.log"
)
