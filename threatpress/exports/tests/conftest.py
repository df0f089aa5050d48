"""Export tests: a published edition, and a stand-in engine that writes what it was given.

The stand-in lets these tests watch the pipeline (what is built when, what is served) quickly;
the real engines are tested by test_pdf.py and test_audio.py.
"""

from __future__ import annotations

import json

import pytest
from wagtail.models import Page

from threatpress.conftest import build_edition
from threatpress.exports.engines import RenderedFile
from threatpress.exports.formats import Format

CALLS: list[tuple[str, str]] = []


def fake_render(self: Format, doc) -> RenderedFile:
    """A file that lists the document's headings, so a test can tell which text it holds."""
    CALLS.append((self.key, doc.title))
    content = {
        "format": self.key,
        "title": doc.title,
        "language": doc.language,
        "chapters": [c.title for c in doc.chapters],
        "assessments": [a.title for a in doc.assessments()],
        "summaries": [a.summary for a in doc.assessments()],
    }
    data = b"%PDF-stand-in\n" + json.dumps(content).encode()
    return RenderedFile(
        data=data,
        extension=self.extension,
        media_type=self.media_type,
        pages=len(content["assessments"]) + 1 if self.kind == "pdf" else None,
        duration=12.5 if self.kind == "audio" else None,
        engine="stand-in",
    )


def _empty(storage, folder: str = "") -> None:
    folders, files = storage.listdir(folder)
    for name in files:
        storage.delete(f"{folder}/{name}" if folder else name)
    for name in folders:
        _empty(storage, f"{folder}/{name}" if folder else name)


@pytest.fixture(autouse=True)
def empty_export_storage():
    """The test storage lives in memory for the whole run, but each test's database is rolled
    back: start every test with no files, as its database has no rows."""
    from threatpress.exports.models import export_storage

    _empty(export_storage())
    yield
    _empty(export_storage())


@pytest.fixture
def engines(monkeypatch):
    CALLS.clear()
    monkeypatch.setattr(Format, "render", fake_render)
    monkeypatch.setattr(Format, "unavailable_reason", lambda self, language: "")
    return CALLS


def publish_all(root: Page) -> None:
    """Publish every page through a revision, as the admin does."""
    for page in Page.objects.descendant_of(root, inclusive=True).specific():
        page.save_revision().publish()


@pytest.fixture
def edition(site_tree, engines):
    edition = build_edition(site_tree.reports, 2026)
    publish_all(edition)
    return edition
