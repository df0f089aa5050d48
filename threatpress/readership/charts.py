"""Charts drawn on the server as inline SVG: no script, no chart library, no other host.

Only presentation attributes and classes (colours come from admin.css), so a Content Security
Policy without 'unsafe-inline' allows them. Every chart has a title and a description for
assistive technology, and the dashboard shows the same numbers in a table beside it.
"""

from __future__ import annotations

import math
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WIDTH, HEIGHT = 760, 240
LEFT, RIGHT, TOP, BOTTOM = 52, 8, 12, 30


def nice_ceiling(value: int) -> int:
    """A round number at or above `value` for the top of the y axis, with an even half."""
    if value < 10:
        return max(2, value + value % 2)
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value:
            return round(step * power)
    return 10 * power  # pragma: no cover


def number(value: int) -> str:
    """A count for people: grouped the way the admin's language groups thousands."""
    return number_format(value, force_grouping=True)


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def daily_bar_chart(points: list[tuple[date, int]], *, chart_id: str, label: str) -> SafeString:
    """Vertical bars, one a day. `label` names what is counted ("page views")."""
    if not points:
        return SafeString("")
    top = nice_ceiling(max(value for _day, value in points))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(points)
    bar_w = max(slot * 0.8, 1)
    bars = []
    for index, (day, value) in enumerate(points):
        height = plot_h * value / top
        bars.append(
            (
                _num(LEFT + index * slot + (slot - bar_w) / 2),
                _num(TOP + plot_h - height),
                _num(bar_w),
                _num(height),
                f"{date_format(day, 'SHORT_DATE_FORMAT')}: {number(value)}",
            )
        )
    grid = []
    for fraction in (0, 0.5, 1):
        y = _num(TOP + plot_h * (1 - fraction))
        grid.append((y, y, _num(TOP + plot_h * (1 - fraction) + 4), number(round(top * fraction))))
    ticks = sorted({0, len(points) // 2, len(points) - 1})
    last_index = len(points) - 1
    x_labels = [
        (
            _num(LEFT + index * slot + slot / 2),
            # The outer labels align inwards so that they stay inside the picture.
            "start" if index == 0 and last_index else "end" if index == last_index else "middle",
            date_format(points[index][0], "MONTH_DAY_FORMAT"),
        )
        for index in ticks
    ]
    first, last = points[0][0], points[-1][0]
    total = sum(value for _day, value in points)
    busiest_day, busiest = max(points, key=lambda point: (point[1], point[0]))
    title = _("%(label)s per day, %(first)s to %(last)s") % {
        "label": label.capitalize(),
        "first": date_format(first, "SHORT_DATE_FORMAT"),
        "last": date_format(last, "SHORT_DATE_FORMAT"),
    }
    description = ngettext(
        "%(total)s in %(days)d day; most on %(day)s (%(most)s).",
        "%(total)s in %(days)d days; most on %(day)s (%(most)s).",
        len(points),
    ) % {
        "total": number(total),
        "days": len(points),
        "day": date_format(busiest_day, "SHORT_DATE_FORMAT"),
        "most": number(busiest),
    }
    return format_html(
        '<svg class="readership-chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<g class="readership-chart__grid">{grid}</g>'
        '<g class="readership-chart__bars">{bars}</g>'
        '<g class="readership-chart__labels">{x_labels}</g>'
        "</svg>",
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        title=title,
        desc=description,
        grid=format_html_join(
            "",
            '<line x1="' + str(LEFT) + '" x2="' + str(WIDTH - RIGHT) + '" y1="{}" y2="{}"/>'
            '<text x="' + str(LEFT - 6) + '" y="{}" text-anchor="end">{}</text>',
            grid,
        ),
        bars=format_html_join(
            "", '<rect x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>', bars
        ),
        x_labels=format_html_join(
            "",
            '<text x="{}" y="' + str(HEIGHT - 8) + '" text-anchor="{}">{}</text>',
            x_labels,
        ),
    )


def bar(value: int, maximum: int) -> SafeString:
    """A horizontal bar for a table row; decorative, since the row shows the number."""
    width = 0 if maximum <= 0 else 100 * value / maximum
    return format_html(
        '<svg class="readership-bar" viewBox="0 0 100 8" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false"><rect width="{}" height="8"/></svg>',
        _num(width),
    )
