from django import template
from wagtail.models import Site

from threatpress.caching import fragments
from threatpress.translations import alternates

register = template.Library()


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[alternates.Alternate]:
    """The switcher's entries for this page (or this address, outside the page tree)."""
    request = context.get("request")
    if request is None:
        return []
    # A view outside the page tree that knows its own translations (a country's page, whose
    # address differs by language) hands them over ready.
    ready = context.get("page_alternates")
    if ready is not None:
        return ready
    page = context.get("page")
    if (
        page is not None
        and getattr(page, "translation_key", None)
        and not getattr(request, "is_preview", False)
    ):
        # Built from public pages only and never for a preview: shared until the next purge
        # (threatpress/caching/fragments.py). URLs are relative to the request's site.
        site = Site.find_for_request(request)
        key = (site.pk if site else None, page.pk, request.path)
        return list(
            fragments.remember("alternates", key, lambda: alternates.for_page(request, page))
        )
    return alternates.for_path(request)
