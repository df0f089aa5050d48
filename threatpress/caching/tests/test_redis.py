"""The page cache on Redis (REDIS_URL): hits, purges and the race guard shared by every process
and machine. Starts its own redis-server on 127.0.0.1 (`make system-deps` installs it)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from threatpress.caching import invalidation, store

pytestmark = pytest.mark.django_db
PAGE = "/en/reports/2026/chapter-1/judgment-1-1/"


@pytest.fixture
def redis_url(settings):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed: run make system-deps")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url},
    }
    for _ in range(50):
        try:
            store.cache().set("ping", 1)
            break
        except Exception:
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_hits_and_purges_go_through_redis(redis_url, wsgi, editions, settings):
    assert store.is_shared()
    status, headers, body = wsgi(PAGE)
    assert store.cache().get(store.key_for(PAGE, "c0")) is not None  # in Redis
    assert wsgi(PAGE) == (status, headers, body)
    generation = store.generation()
    invalidation.purge_now({PAGE})
    assert store.cache().get(store.key_for(PAGE, "c0")) is None
    assert store.generation() != generation  # a render that began before is not stored


def test_another_machine_learns_which_purges_change_its_remembered_chrome(
    redis_url, settings, tmp_path
):
    """Machines share only Redis: a correction of an assessment's own text moves the text
    generation every machine reads, a structural change the structure generation too, and a
    purge of everything (which empties Redis) moves both rather than resetting them."""

    def seen_elsewhere() -> tuple:
        settings.THREATPRESS_CACHE_PURGE_LOG = tmp_path / "machine-b" / "purges.log"
        return store.generation(), store.structure_generation()

    def purge(paths: set[str], *, structural: bool) -> None:
        settings.THREATPRESS_CACHE_PURGE_LOG = tmp_path / "machine-a" / "purges.log"
        invalidation.purge_now(paths, structural=structural)

    for paths, structural, structure_moves in (
        ({PAGE}, False, False),
        ({PAGE}, True, True),
        ({PAGE}, False, False),
        ({"*"}, False, True),
        ({"*"}, True, True),
    ):
        text, structure = seen_elsewhere()
        purge(paths, structural=structural)
        assert seen_elsewhere()[0] != text, paths
        assert (seen_elsewhere()[1] != structure) is structure_moves, (paths, structural)
