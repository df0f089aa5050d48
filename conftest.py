"""Fixtures every app's tests may use, wherever they are defined."""

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
