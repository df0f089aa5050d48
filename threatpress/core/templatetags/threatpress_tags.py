from django import template
from django.utils.safestring import SafeString
from wagtail.models import Page
from wagtail.rich_text import RichText
from wagtail.templatetags.wagtailcore_tags import richtext

from threatpress.core import csp
from threatpress.core.richtext import clean_stored_html

register = template.Library()


@register.filter
def crumb_label(page: Page) -> str:
    """A page's breadcrumb label, from its type, without loading the specific page."""
    label = getattr(page.specific_class, "crumb_label", None)
    return label(page) if label else page.title


@register.filter
def clean_richtext(value: RichText | str | None) -> SafeString:
    """Wagtail's `richtext` filter, applied after the stored HTML has passed the whitelist.
    Templates use this one, never `richtext` itself."""
    if isinstance(value, RichText):
        value = value.source
    return richtext(clean_stored_html(str(value or "")))


@register.simple_tag
def admin_script_nonce() -> str:
    """This admin response's CSP nonce, for Wagtail's own inline initialisers."""
    return csp.admin_script_nonce()
