"""Export tests: a published edition, built and served with the stand-in engine (standin.py)."""

from __future__ import annotations

import pytest

from threatpress.conftest import build_edition, publish_all

from .standin import empty_export_storage


@pytest.fixture(autouse=True)
def no_files_left():
    empty_export_storage()
    yield
    empty_export_storage()


@pytest.fixture
def edition(site_tree, engines):
    edition = build_edition(site_tree.reports, 2026)
    publish_all(edition)
    return edition
