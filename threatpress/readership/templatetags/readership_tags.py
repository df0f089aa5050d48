from django import template

from threatpress.readership.charts import number

register = template.Library()


@register.filter
def grouped(value: int) -> str:
    """1234567 → "1,234,567" in English, "1 234 567" in Lithuanian."""
    return number(value)
