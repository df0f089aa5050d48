"""Draw the demo edition's bar charts as PNG: real figures without shipping image files."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from threatpress.core.staticfinders import FONT_DIR

WIDTH = 1400
ROW = 86
TOP = 150
BOTTOM = 70
INK = (27, 31, 35)
SOFT = (74, 81, 89)
BAR = (20, 61, 92)
RULE = (211, 214, 208)


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "SourceSerifPro-Semibold.ttf" if bold else "SourceSerifPro-Regular.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current]


def _number(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}".replace(",", " ")
    return f"{value:,.2f}".replace(",", " ")


def bar_chart_png(title: str, data: list[tuple[str, float]], unit: str = "") -> bytes:
    """A horizontal bar chart: labels left, bars, values at the bar ends."""
    title_font = _font(46, bold=True)
    lines = _wrap(title, title_font, WIDTH - 96)
    top = TOP + 56 * (len(lines) - 1)
    height = top + ROW * len(data) + BOTTOM
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((48, 40 + 56 * n), line, font=title_font, fill=INK)
    if unit:
        draw.text((48, top - 52), unit, font=_font(30), fill=SOFT)
    label_font, value_font = _font(32), _font(32, bold=True)
    label_width = max(draw.textlength(label, font=label_font) for label, _ in data) + 80
    bar_left = 48 + int(label_width)
    bar_max = WIDTH - bar_left - 200
    largest = max((value for _, value in data), default=1) or 1
    for row, (label, value) in enumerate(data):
        y = top + row * ROW
        draw.text((48, y + 18), label, font=label_font, fill=INK)
        length = max(3, int(bar_max * value / largest))
        draw.rectangle([bar_left, y + 14, bar_left + length, y + ROW - 14], fill=BAR)
        draw.text((bar_left + length + 16, y + 18), _number(value), font=value_font, fill=INK)
    draw.line([bar_left, top, bar_left, height - BOTTOM + 10], fill=RULE, width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
