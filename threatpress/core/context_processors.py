"""What the header and footer of every page need, computed lazily once per request (a page that
does not show the chrome, or an error page, pays nothing) in a handful of queries."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from wagtail.models import Page, Site

from threatpress.core.identity import IDENTITY_TEXT, site_identity
from threatpress.core.request_locales import active_locale_id
from threatpress.publishing.visibility import public_pages

STANDING_PAGES = ("accessibility_page", "cookies_page", "about_page")


def _site_links(request: HttpRequest) -> dict[str, str | None]:
    from threatpress.core.models import SiteIdentity
    from threatpress.reports.models import ReportsIndexPage

    links: dict[str, str | None] = dict.fromkeys(
        ("home", "reports", *STANDING_PAGES, *IDENTITY_TEXT)
    )
    site = Site.find_for_request(request)
    if site is None:
        return links
    locale_id = active_locale_id(request)
    identity = SiteIdentity.for_request(request)
    wanted = {"home": site.root_page_id} | {
        name: getattr(identity, f"{name}_id") for name in STANDING_PAGES
    }
    keys = dict(
        Page.objects.filter(pk__in=[pk for pk in wanted.values() if pk]).values_list(
            "pk", "translation_key"
        )
    )
    # The same pages in the reader's language (a page not yet translated gets no link).
    localized = {
        page.translation_key: page
        for page in public_pages(Page.objects.filter(translation_key__in=keys.values()))
        .filter(locale_id=locale_id)
        .only("pk", "path", "depth", "url_path", "translation_key", "locale_id", "live")
    }
    home = None
    for name, pk in wanted.items():
        page = localized.get(keys.get(pk))
        if page is not None:
            links[name] = page.get_url(request)
            if name == "home":
                home = page
    links.update(site_identity(request=request, locale_id=locale_id))
    if home is not None:
        reports = public_pages(ReportsIndexPage.objects.child_of(home)).only("url_path").first()
        links["reports"] = reports.get_url(request) if reports else None
    return links


def site_chrome(request: HttpRequest) -> dict:
    return {
        "site_links": SimpleLazyObject(lambda: _site_links(request)),
        "LANGUAGE_CODE": get_language(),
    }
