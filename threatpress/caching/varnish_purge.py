"""Sending PURGE requests to the front cache over one kept-alive connection.

Wagtail's HTTP backend opens a new connection for each address. A change to an edition purges a
few hundred addresses, one after another; under release-day load (bench/release_load.py) each
connection cost most of a second on a busy machine, so the last address of an edition was purged
some 20 s after the commit and readers got the old page meanwhile. One connection, reused for the
whole batch, takes a fraction of that.
"""

from __future__ import annotations

import http.client
import logging
from urllib.parse import urlsplit

from wagtail import __version__
from wagtail.contrib.frontend_cache.backends import HTTPBackend

logger = logging.getLogger(__name__)
TIMEOUT = 10  # seconds per request: a front cache that hangs must not hold the commit's caller


class KeepAliveHTTPBackend(HTTPBackend):
    """Wagtail's HTTP backend (same settings, same requests), one connection per batch."""

    def _connect(self) -> http.client.HTTPConnection:
        if self.cache_scheme == "https":
            return http.client.HTTPSConnection(self.cache_netloc, timeout=TIMEOUT)
        return http.client.HTTPConnection(self.cache_netloc, timeout=TIMEOUT)

    def _send(self, connection: http.client.HTTPConnection, url: str) -> None:
        parts = urlsplit(url)
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"Host": host, "User-Agent": f"Wagtail-frontendcache/{__version__}"}
        connection.request("PURGE", target, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status >= 400:
            logger.error("Couldn't purge '%s' from HTTP cache: %d", url, response.status)

    def purge(self, url) -> None:
        self.purge_batch([url])

    def purge_batch(self, urls) -> None:
        connection = self._connect()
        try:
            for url in urls:
                try:
                    self._send(connection, url)
                except (OSError, http.client.HTTPException):
                    # The cache closed a kept-alive connection (or restarted): once more, anew.
                    connection.close()
                    connection = self._connect()
                    try:
                        self._send(connection, url)
                    except (OSError, http.client.HTTPException) as error:
                        logger.error("Couldn't purge '%s' from HTTP cache: %s", url, error)
        finally:
            connection.close()
