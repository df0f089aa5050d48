from django import template
from wagtail.models import Page

register = template.Library()


@register.filter
def crumb_label(page: Page) -> str:
    """A page's breadcrumb label, from its type, without loading the specific page."""
    label = getattr(page.specific_class, "crumb_label", None)
    return label(page) if label else page.title
