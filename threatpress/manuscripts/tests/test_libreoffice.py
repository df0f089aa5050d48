"""A .docx written by LibreOffice reads the same as one written by python-docx.

LibreOffice (Debian's `libreoffice-writer-nogui`, about 70 s to install with
`scripts/ensure-system-packages libreoffice-writer-nogui`) opens the builder's document and saves
it again as Word 2007 XML: its own styles, numbering, footnotes and drawing markup. Skipped where
`soffice` is not installed; the Makefile does not install it (see docs/import.md).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from threatpress.manuscripts.manuscript import (
    Figure,
    Footnote,
    ListBlock,
    Paragraph,
    Quotation,
    Table,
)
from threatpress.manuscripts.reading import read_manuscript

from .docx_builder import DocxBuilder, png

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="soffice not installed")


def saved_by_libreoffice(data: bytes, tmp_path: Path) -> bytes:
    source = tmp_path / "in" / "manuscript.docx"
    source.parent.mkdir()
    source.write_bytes(data)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (tmp_path / "out" / "manuscript.docx").read_bytes()


def test_a_manuscript_saved_by_libreoffice(tmp_path):
    builder = DocxBuilder()
    builder.title("National threat assessment 2027")
    builder.heading("Foreword", 1)
    builder.paragraph("A foreword.")
    builder.signature("The Director")
    builder.heading("Russia", 1)
    builder.heading("Russia will highly likely keep up the pressure", 2)
    builder.summary("The summary.")
    paragraph = builder.paragraph("Body with **bold**, _italic_ and ")
    builder.link(paragraph, "a link", "https://example.org/")
    builder.footnote(paragraph, "A source.")
    builder.bullets(["one", "two"])
    builder.numbered(["first", "second"])
    builder.quote("We will not stop.", "a minister")
    builder.table([["Year", "Incidents"], ["2026", "31"]], caption="Incidents")
    builder.picture("A bar chart", caption="Figure 1")

    manuscript = read_manuscript(
        saved_by_libreoffice(builder.bytes(), tmp_path),
        language="en",
        probability_terms={"highly-likely": "Highly likely", "likely": "Likely"},
        region_names=["Russia"],
    )

    assert manuscript.problems == []
    assert manuscript.title == "National threat assessment 2027"
    assert (manuscript.foreword, manuscript.foreword_signed_by) == (
        "<p>A foreword.</p>",
        "The Director",
    )
    [assessment] = manuscript.assessments
    assert assessment.summary == "The summary."
    figure = assessment.blocks[-1]
    assert isinstance(figure, Figure)
    assert assessment.blocks == [
        Paragraph(
            '<p>Body with <b>bold</b>, <i>italic</i> and <a href="https://example.org/">a link</a>'
            '<footnote id="1"></footnote></p>'
        ),
        ListBlock(ordered=False, items=["one", "two"]),
        ListBlock(ordered=True, items=["first", "second"]),
        Quotation("We will not stop.", attribution="a minister"),
        Table(rows=[["Year", "Incidents"], ["2026", "31"]], header_row=True, caption="Incidents"),
        Figure(figure.image, figure.filename, "A bar chart", "Figure 1"),
    ]
    assert figure.image == png()
    assert assessment.footnotes == [Footnote("1", "<p>A source.</p>")]
    assert (assessment.proposed_probability, assessment.proposed_regions) == (
        "highly-likely",
        ["Russia"],
    )
