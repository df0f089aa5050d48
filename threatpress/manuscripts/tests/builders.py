"""Small manuscripts built in code, as `reading` would return them."""

from __future__ import annotations

import io

from PIL import Image as PILImage

from threatpress.manuscripts.manuscript import (
    Assessment,
    Chapter,
    Figure,
    Footnote,
    ListBlock,
    Manuscript,
    Paragraph,
    Quotation,
    SubHeading,
)


def png(colour: str = "red") -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (8, 6), colour).save(out, format="PNG")
    return out.getvalue()


JUDGMENTS = [
    (
        "Russia will keep testing the resolve of the Baltic states",
        "Hybrid operations against critical infrastructure are set to continue.",
    ),
    (
        "Cyber attacks on energy networks will grow in number",
        "Ransomware groups increasingly target the operators of power grids.",
    ),
    (
        "China's intelligence services will expand their recruitment online",
        "Fake recruiters on professional networks approach officials and researchers.",
    ),
    (
        "Migration pressure on the eastern border will stay high",
        "Organised crossings are steered by a neighbouring state's services.",
    ),
]


def assessment(number: int, **changes) -> Assessment:
    title, summary = JUDGMENTS[number % len(JUDGMENTS)]
    if number >= len(JUDGMENTS):
        title, summary = f"{title} (part {number})", f"{summary} Part {number}."
    values = {
        "title": title,
        "summary": summary,
        "blocks": [Paragraph(f"<p>The case for judgment {number}.</p>")],
        **changes,
    }
    return Assessment(**values)


def manuscript(chapters: int = 2, per_chapter: int = 2, **changes) -> Manuscript:
    """`chapters` chapters of `per_chapter` distinct assessments each."""
    return Manuscript(
        title=changes.pop("title", "National Threat Assessment 2027"),
        foreword="<p>The threats of the coming year.</p>",
        foreword_signed_by="The Director",
        chapters=[
            Chapter(
                title=f"Chapter {c + 1} on the region",
                introduction=f"<p>About chapter {c + 1}.</p>",
                assessments=[assessment(c * per_chapter + a) for a in range(per_chapter)],
            )
            for c in range(chapters)
        ],
        **changes,
    )


def rich_assessment() -> Assessment:
    """An assessment with every kind of block and two footnotes."""
    return Assessment(
        title="Sabotage of undersea cables will become more frequent",
        summary="Anchors dragged over cables are hard to attribute.",
        blocks=[
            Paragraph('<p>Two cables were cut in 2024.<footnote id="1"></footnote></p>'),
            SubHeading("What changed"),
            ListBlock(ordered=False, items=["ships", "anchors"]),
            ListBlock(ordered=True, items=['first<footnote id="2"></footnote>', "second"]),
            Quotation("Cables are the arteries of the economy.", "A minister"),
            Figure(png(), "image1.png", "Bar chart: 2 cuts in 2023, 5 in 2024.", "Cable cuts"),
        ],
        footnotes=[
            Footnote("1", "<p>Coast guard report, 2024.</p>"),
            Footnote("2", "<p>Insurance market survey.</p>"),
        ],
    )


def import_with_command(path, language: str, year: int) -> str:
    """`manage.py import_edition PATH --year YEAR --language LANGUAGE --yes`; what it printed."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "import_edition", str(path), "--year", str(year), "--language", language, "--yes",
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return out.getvalue()
