from __future__ import annotations

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import RequestFactory

from threatpress.caching import invalidation, store
from threatpress.caching.front import CachedApplication
from threatpress.conftest import build_edition, publish_all


@pytest.fixture
def wsgi(settings, tmp_path):
    """The application as gunicorn runs it (threatpress/wsgi.py), called in the test's thread
    and transaction, with an empty page cache and purge log of its own."""
    settings.THREATPRESS_CACHE_PURGE_LOG = tmp_path / "purges.log"
    store.cache().clear()
    store._reader = None
    # As Django's test client does: keep the test's connection across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield Caller(CachedApplication(WSGIHandler()))
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    store.cache().clear()


class Caller:
    def __init__(self, app):
        self.app = app

    def __call__(self, path: str, method: str = "GET", **headers) -> tuple[str, dict, bytes]:
        factory = RequestFactory()
        request = factory.generic(method, path, **headers)
        captured = {}

        def start_response(status, response_headers, exc_info=None):
            captured["status"], captured["headers"] = status, response_headers

        result = self.app(dict(request.environ), start_response)
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        return captured["status"], captured["headers"], body


@pytest.fixture
def editions(site_tree, django_capture_on_commit_callbacks):
    """Two public editions; the purges their publishing asks for run as after a commit."""
    # The test's transaction never commits: forget what building the site tree asked for.
    for _, callback, _ in connection.run_on_commit:
        pending = getattr(callback, invalidation.PENDING, None)
        if pending is not None:
            pending["done"] = True
    with django_capture_on_commit_callbacks(execute=True):
        older = build_edition(site_tree.reports, 2025, per_chapter=2)
        current = build_edition(site_tree.reports, 2026, per_chapter=2)
        publish_all(site_tree.home)
    return older, current
