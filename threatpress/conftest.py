"""Fixtures shared by every app's tests: a site with the report tree in place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Locale, Page, Site

from threatpress.publishing.roles import AUTHORS, PUBLISHERS, REVIEWERS, ensure_editorial_roles
from threatpress.reports.tests.factories import (
    AssessmentPageFactory,
    ChapterPageFactory,
    EditionPageFactory,
    HomePageFactory,
    ReportsIndexPageFactory,
)


@dataclass
class Tree:
    home: object
    reports: object


def build_site() -> Tree:
    Locale.objects.get_or_create(language_code="en")
    Locale.objects.get_or_create(language_code="lt")
    Page.objects.filter(depth=2).delete()
    root = Page.get_first_root_node()
    if root is None:
        # A committing test's flush emptied the tree, the root Wagtail's migration made with
        # it; without one the home page would become the root, a level higher than on a site.
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    home = HomePageFactory(parent=root)
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True)
    reports = ReportsIndexPageFactory(parent=home)
    return Tree(home=home, reports=reports)


def build_edition(reports, year: int, chapters: int = 2, per_chapter: int = 3):
    edition = EditionPageFactory(parent=reports, year=year)
    for c in range(chapters):
        chapter = ChapterPageFactory(
            parent=edition, slug=f"chapter-{c + 1}", title=f"Chapter {c + 1}"
        )
        for a in range(per_chapter):
            AssessmentPageFactory(
                parent=chapter,
                slug=f"judgment-{c + 1}-{a + 1}",
                title=f"Judgment {c + 1}.{a + 1} of {year} is a full sentence.",
                probability="likely",
                horizon="near",
            )
    return edition


def publish_all(root: Page) -> None:
    """Publish `root` and every page below it through a revision, as the admin does (so each
    has a live revision, which exports identify their text by)."""
    for page in Page.objects.descendant_of(root, inclusive=True).specific():
        page.save_revision().publish()


def as_drafts(root: Page) -> None:
    """Make `root` and every page below it written but never published: each page gets a
    revision of its current content and is not live (as an edition is before its release)."""
    for page in Page.objects.descendant_of(root, inclusive=True).specific():
        page.save_revision()
        Page.objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)


def translate_tree(
    root: Page, language: str = "lt", marker: str = "LT", descendants: bool = True
) -> Page:
    """Copy `root`, the pages above it and (unless told not to) every page below it into
    `language`, as an editor does with "Translate"; mark the copies as translated and publish
    them. Each copy's title starts with `marker`, so a test can tell the translation from its
    original. Returns the copy of `root`."""
    locale = Locale.objects.get(language_code=language)
    for ancestor in Page.objects.ancestor_of(root).filter(depth__gt=1).specific():
        if not ancestor.has_translation(locale):
            _publish_copy(ancestor.copy_for_translation(locale), marker)
    pages = Page.objects.descendant_of(root, inclusive=True) if descendants else [root]
    for page in pages.order_by("path").specific() if descendants else pages:
        if not page.has_translation(locale):
            _publish_copy(page.copy_for_translation(locale), marker)
    return root.get_translation(locale)


def _publish_copy(copy: Page, marker: str) -> None:
    from threatpress.translations.state import mark_translated

    copy.title = f"{marker} {copy.title}"
    copy.save_revision().publish()
    mark_translated(copy, None)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request to /lt/ leaves Lithuanian active in
    the thread, which would otherwise carry over to the next test's messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_rendition_of_another_test():
    """No test finds a rendition another test made (settings/test.py, "renditions")."""
    yield
    from django.core.cache import caches

    caches["renditions"].clear()


@pytest.fixture
def people(site_tree) -> dict:
    """One user of each editorial role, the roles set up as `make run` sets them up."""
    ensure_editorial_roles(Page.get_first_root_node())
    users = {}
    for name, group in (("author", AUTHORS), ("reviewer", REVIEWERS), ("publisher", PUBLISHERS)):
        users[name] = get_user_model().objects.create_user(username=name, password="x" * 20)
        users[name].groups.add(Group.objects.get(name=group))
    return users


@pytest.fixture
def site_tree(db) -> Tree:
    return build_site()


@contextmanager
def kept_for_the_module(django_db_blocker) -> Iterator[None]:
    """For a module-scoped fixture that builds a site several tests only read or change a
    little: what is built inside this block stays for the module's tests and is rolled back at
    its end. Each test still runs in its own transaction inside this one (pytest-django's `db`),
    so what a test changes is undone before the next. Building a translated site once instead
    of per test saves minutes of CI, most of all on PostgreSQL."""
    from django.core.cache import cache
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
    cache.clear()  # Wagtail's cached site root paths named the module's site


@pytest.fixture
def edition(site_tree):
    return build_edition(site_tree.reports, 2026)


def pytest_sessionfinish(session, exitstatus):
    """Django drops the SQLite test database file but not its WAL companions."""
    from pathlib import Path

    from django.conf import settings

    name = settings.DATABASES["default"].get("TEST", {}).get("NAME")
    if name and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
