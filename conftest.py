"""Fixtures every app's tests may use, wherever they are defined."""

import pytest

# The stand-in export engine (`engines` fixture): the leak test uses it as well as the exports app.
pytest_plugins = ["threatpress.exports.tests.standin"]


# Tests that never open a database connection behave the same whatever the engine, and `make
# test` already runs them on SQLite: the PostgreSQL run (`make test-postgres`, beside it in CI)
# leaves them out when THREATPRESS_TESTS_THAT_USE_THE_DATABASE is set.
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def uses_the_database(item) -> bool:
    from django.test import TransactionTestCase

    cls = getattr(item, "cls", None)
    return bool(
        item.get_closest_marker("django_db")
        or DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        or (cls is not None and issubclass(cls, TransactionTestCase))
    )


def pytest_collection_modifyitems(config, items):
    import os

    if not os.environ.get("THREATPRESS_TESTS_THAT_USE_THE_DATABASE"):
        return
    kept, dropped = [], []
    for item in items:
        (kept if uses_the_database(item) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


# Wagtail's search index is rebuilt on every page save, about a third of what building a test
# site costs. Tests that do not search leave it off; a test or module that searches is marked
# `search_index` and gets the index kept up to date as in production. A leak test that looks
# for a search hit must be marked: on an empty index "not found" would prove nothing. Browser
# and live-service tests run a real server and keep it on too.
INDEXED = ("search_index", "e2e", "live_services")


def _search_index(on: bool):
    import copy

    from django.conf import settings
    from django.test import override_settings

    backends = copy.deepcopy(settings.WAGTAILSEARCH_BACKENDS)
    for params in backends.values():
        params["AUTO_UPDATE"] = on
    return override_settings(WAGTAILSEARCH_BACKENDS=backends)


def _marked(node) -> bool:
    return any(node.get_closest_marker(name) for name in INDEXED)


@pytest.fixture(scope="module", autouse=True)
def _search_index_for_the_module(request):
    """Module-scoped so a site built once per module (kept_for_the_module) follows the rule."""
    with _search_index(_marked(request.node)):
        yield


@pytest.fixture(autouse=True)
def _search_index_for_the_test(request):
    with _search_index(_marked(request.node)):
        yield
