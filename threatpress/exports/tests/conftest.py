"""Export tests: a published edition, built and served with the stand-in engine (standin.py)."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from threatpress.conftest import build_edition

from .standin import empty_export_storage


@pytest.fixture(autouse=True)
def no_files_left():
    empty_export_storage()
    yield
    empty_export_storage()


def publish_all(root: Page) -> None:
    """Publish every page through a revision, as the admin does."""
    for page in Page.objects.descendant_of(root, inclusive=True).specific():
        page.save_revision().publish()


@pytest.fixture
def edition(site_tree, engines):
    edition = build_edition(site_tree.reports, 2026)
    publish_all(edition)
    return edition
