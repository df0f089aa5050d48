"""The page cache's local-memory backend: Django's LocMemCache without pickling.

Django's backend pickles every value on the way in and unpickles it on the way out, so that a
caller can never change what is stored. The page cache's values never change once stored
(`store.Entry` is frozen, its headers a tuple, its body bytes, and a key's dictionary of origins
is copied before it is extended), so a hit can take the stored object as it is: about a fifth
of a hit's cost here. Keys are the page cache's own (`c0:/en/...`), so the memcached
compatibility warning Django checks every key for is skipped too.
"""

from __future__ import annotations

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class SharedObjectLocMemCache(LocMemCache):
    def make_and_validate_key(self, key, version=None):
        return self.make_key(key, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = self._cache[key] + delta
            self._cache[key] = value
            self._cache.move_to_end(key, last=False)
        return value
