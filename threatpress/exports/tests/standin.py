"""A stand-in export engine that writes what it was given, for tests of the export pipeline.

It lets a test watch what is built when and what is served, quickly, and find a text's words in
the file (the real engines compress them); the real engines have their own tests
(test_pdf.py, test_audio.py).
"""

from __future__ import annotations

import json

import pytest

# Loaded as a pytest plugin (the root conftest.py lists it) before
# Django is set up, so the project's modules are imported inside the functions.

CALLS: list[tuple[str, str]] = []


def links(node) -> list[str]:
    """Every link's target in a document (or any part of one), in reading order."""
    import dataclasses

    from threatpress.exports.inline import Inline

    if isinstance(node, list):
        return [href for item in node for href in links(item)]
    if isinstance(node, Inline) and node.kind == "link":
        return [node.href]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return [href for f in dataclasses.fields(node) for href in links(getattr(node, f.name))]
    return []


def fake_render(self, doc):
    """A file that lists the document's headings, so a test can tell which text it holds."""
    from threatpress.exports.engines import RenderedFile

    CALLS.append((self.key, doc.title))
    content = {
        "format": self.key,
        "title": doc.title,
        "language": doc.language,
        "chapters": [c.title for c in doc.chapters],
        "assessments": [a.title for a in doc.assessments()],
        "summaries": [a.summary for a in doc.assessments()],
        "links": links(doc),
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


def empty_export_storage() -> None:
    """The test storage lives in memory for the whole run, but each test's database is rolled
    back: a test starts with no files, as its database has no rows."""
    from threatpress.exports.models import export_storage

    _empty(export_storage())


@pytest.fixture
def engines(monkeypatch):
    """The stand-in engine for every format; the list of (format, title) it was called with."""
    from threatpress.exports.formats import Format

    CALLS.clear()
    monkeypatch.setattr(Format, "render", fake_render)
    monkeypatch.setattr(Format, "unavailable_reason", lambda self, language: "")
    empty_export_storage()
    yield CALLS
    empty_export_storage()
