from django import template

from threatpress.exports.downloads import human_duration

register = template.Library()


@register.filter
def duration(seconds: float | None) -> str:
    """A recording's length for people: "4 min 10 s", "1 h 18 min"."""
    return human_duration(seconds) if seconds else ""
