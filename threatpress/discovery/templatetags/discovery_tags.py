from django import template
from django.utils.safestring import SafeString

from threatpress.discovery import metadata
from threatpress.discovery.addresses import absolute

register = template.Library()


@register.simple_tag(takes_context=True)
def page_metadata(context) -> metadata.Description | None:
    """`{% page_metadata as described %}`: the page described for machines (None in a preview
    or outside the page tree)."""
    return metadata.describe(context)


@register.filter
def open_graph(described: metadata.Description | None) -> list[tuple[str, str]]:
    return metadata.open_graph(described) if described else []


@register.filter
def json_ld(described: metadata.Description | None) -> SafeString:
    """The page's JSON-LD, escaped for a <script> element; empty when it has none."""
    data = metadata.json_ld(described) if described else None
    return metadata.json_ld_script(data) if data else SafeString("")


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """An address on this site, absolute from the site's root (as canonical links are)."""
    request = context.get("request")
    return absolute(request, path) if request is not None else path
