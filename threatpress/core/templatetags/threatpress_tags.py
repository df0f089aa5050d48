from django import template
from wagtail.models import Page

from threatpress.core import csp

register = template.Library()


@register.filter
def crumb_label(page: Page) -> str:
    """A page's breadcrumb label, from its type, without loading the specific page."""
    label = getattr(page.specific_class, "crumb_label", None)
    return label(page) if label else page.title


@register.simple_tag
def admin_script_nonce() -> str:
    """This admin response's CSP nonce, for Wagtail's own inline initialisers."""
    return csp.admin_script_nonce()
