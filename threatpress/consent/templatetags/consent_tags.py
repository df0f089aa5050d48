from django import template
from wagtail.models import Page

from threatpress.consent.context_processors import category_rows, settings_url
from threatpress.consent.registry import get_registry

register = template.Library()


def is_cookie_policy(page: Page, request) -> bool:
    """The site settings name the cookie policy page; its translations are the policy too."""
    from threatpress.core.models import SiteIdentity

    policy_id = SiteIdentity.for_request(request).cookies_page_id
    if policy_id is None:
        return False
    return (
        page.pk == policy_id
        or Page.objects.filter(pk=policy_id, translation_key=page.translation_key).exists()
    )


@register.inclusion_tag("consent/cookie_policy.html", takes_context=True)
def cookie_policy(context, page: Page) -> dict:
    """The registry as tables, below the text of the cookie policy page (nothing elsewhere)."""
    request = context["request"]
    if not is_cookie_policy(page, request):
        return {"categories": []}
    registry = get_registry()
    return {
        "categories": category_rows(registry),
        "version": registry.version,
        "settings_url": settings_url(),
    }
