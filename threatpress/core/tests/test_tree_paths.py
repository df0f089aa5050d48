"""Reading a page's place in the tree from its path agrees with Wagtail's own tree queries."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from threatpress.conftest import build_edition
from threatpress.core.tree_paths import ancestor_paths, parent_path
from threatpress.reports.models import AssessmentPage

pytestmark = pytest.mark.django_db


def test_paths_above_an_assessment_are_its_ancestors(site_tree):
    edition = build_edition(site_tree.reports, 2026, chapters=2, per_chapter=2)
    page = AssessmentPage.objects.descendant_of(edition).get(slug="judgment-2-2")
    ancestors = list(page.get_ancestors())  # the tree root first

    assert ancestor_paths(page.path, from_depth=1) == [p.path for p in ancestors]
    assert ancestor_paths(page.path) == [p.path for p in ancestors if p.depth >= 2]
    assert ancestor_paths(page.path, inclusive=True)[-1] == page.path
    assert ancestor_paths(Page.get_first_root_node().path) == []
    assert parent_path(page.path) == page.get_parent().path
    assert parent_path(page.path, 2) == edition.path
