"""What the header and footer of every page need, computed lazily once per request (a page that
does not show the chrome, or an error page, pays nothing) in a handful of queries, and kept
between requests until the next purge (threatpress/caching/fragments.py): they are built from
public pages only, never for a preview."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from wagtail.models import Page, Site

from threatpress.caching import fragments
from threatpress.core.identity import IDENTITY_TEXT, site_identity
from threatpress.core.request_locales import active_locale_id
from threatpress.publishing.visibility import public_pages_now

STANDING_PAGES = ("accessibility_page", "cookies_page", "about_page")


def _empty_links() -> dict[str, str | None]:
    return dict.fromkeys(("home", "reports", "contact_email", *STANDING_PAGES, *IDENTITY_TEXT))


def _site_links(request: HttpRequest) -> dict[str, str | None]:
    site = Site.find_for_request(request)
    if site is None:
        return _empty_links()
    locale_id = active_locale_id(request)
    if getattr(request, "is_preview", False):
        return _build_site_links(request, site, locale_id)
    # Links are relative to the request's site (page.get_url), hence the site in the key.
    key = (site.pk, site.root_page_id, locale_id)
    # A copy: the stored dictionary is shared by every later request.
    return dict(
        fragments.remember("site_links", key, lambda: _build_site_links(request, site, locale_id))
    )


def _build_site_links(request: HttpRequest, site: Site, locale_id: int | None):
    from threatpress.core.models import SiteIdentity
    from threatpress.reports.models import ReportsIndexPage

    links = _empty_links()
    identity = SiteIdentity.for_request(request)
    links["contact_email"] = identity.contact_email or None
    wanted = {"home": site.root_page_id} | {
        name: getattr(identity, f"{name}_id") for name in STANDING_PAGES
    }
    keys = dict(
        Page.objects.filter(pk__in=[pk for pk in wanted.values() if pk]).values_list(
            "pk", "translation_key"
        )
    )
    # The same pages in the reader's language (a page not yet translated gets no link). The
    # visibility rule as path prefixes: a cheaper query to build than its correlated form, and
    # the hidden subtrees are shared with the rest of the request (and the next, until a purge).
    hidden = fragments.hidden_subtrees()
    localized = {
        page.translation_key: page
        for page in public_pages_now(
            Page.objects.filter(translation_key__in=keys.values(), locale_id=locale_id), hidden
        ).only("pk", "path", "depth", "url_path", "translation_key", "locale_id", "live")
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
        reports = (
            public_pages_now(ReportsIndexPage.objects.child_of(home), hidden)
            .only("url_path")
            .first()
        )
        links["reports"] = reports.get_url(request) if reports else None
    return links


def site_chrome(request: HttpRequest) -> dict:
    return {
        "site_links": SimpleLazyObject(lambda: _site_links(request)),
        "LANGUAGE_CODE": get_language(),
    }
