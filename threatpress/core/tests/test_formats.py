"""Dates and numbers in each language come from our format modules (threatpress/formats), never
from a pattern written into a template: English "10 March 2026", Lithuanian "2026 m. kovo 10 d."
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import formats, translation

from threatpress.exports.downloads import human_duration, human_size
from threatpress.readership.charts import number
from threatpress.reports.scale import band_label

NBSP = "\u00a0"
DAY = datetime.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [
        ("en", "DATE_FORMAT", "10 March 2026"),
        ("lt", "DATE_FORMAT", "2026\u00a0m. kovo 10\u00a0d."),  # no-break spaces
        ("en", "MONTH_DAY_FORMAT", "10 March"),
        ("lt", "MONTH_DAY_FORMAT", "kovo 10\u00a0d."),
        ("en", "SHORT_DATE_FORMAT", "10 Mar 2026"),
        ("lt", "SHORT_DATE_FORMAT", "2026-03-10"),
    ],
)
def test_named_date_formats_follow_the_language(language, name, expected):
    with translation.override(language):
        assert formats.date_format(DAY, name) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1,234,567"), ("lt", f"1{NBSP}234{NBSP}567")],
)
def test_counts_group_thousands_as_the_language_writes_them(language, expected):
    with translation.override(language):
        assert number(1234567) == expected


@pytest.mark.parametrize(("language", "expected"), [("en", "1.2 MB"), ("lt", "1,2 MB")])
def test_file_sizes_use_the_languages_decimal_mark(language, expected):
    with translation.override(language):
        assert human_size(1_250_000) == expected


@pytest.mark.parametrize(
    ("language", "seconds", "expected"),
    [
        ("en", 45, "45 s"),
        ("en", 250, "4 min 10 s"),
        ("en", 4700, "1 h 18 min"),
        ("lt", 45, "45 s"),
        ("lt", 250, "4 min. 10 s"),
        ("lt", 720, "12 min. 0 s"),
        ("lt", 4700, "1 val. 18 min."),
    ],
)
def test_durations_are_abbreviated_as_the_language_does(language, seconds, expected):
    with translation.override(language):
        assert human_duration(seconds) == expected


@pytest.mark.parametrize(
    ("language", "bands"),
    [
        ("en", ["<25%", "25–50%", ">75%"]),
        ("lt", [f"<25{NBSP}%", f"25–50{NBSP}%", f">75{NBSP}%"]),
    ],
)
def test_probability_bands_write_the_percent_sign_as_the_language_does(language, bands):
    with translation.override(language):
        assert [band_label(0, 25), band_label(25, 50), band_label(75, 100)] == bands


def test_every_language_of_the_site_has_a_format_module():
    root = Path(settings.BASE_DIR) / "threatpress" / "formats"
    for code, _name in settings.LANGUAGES:
        assert (root / code / "formats.py").is_file(), code


def test_templates_ask_for_named_formats_not_patterns():
    """`|date:"j F Y"` prints an English date on a Lithuanian page: use DATE_FORMAT & co."""
    pattern = re.compile(r"""\|date:["'](?![A-Z_]+_FORMAT["'])([^"']*[FMNbEjdDlY][^"']*)["']""")
    root = Path(settings.BASE_DIR) / "threatpress"
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in root.rglob("*.html")
        for match in pattern.finditer(path.read_text())
        # Numeric ISO dates and times read the same in every language.
        if not re.fullmatch(r"[YmdHis :\-T\\]+", match.group(1))
    ]
    assert not offenders, "\n".join(offenders)
