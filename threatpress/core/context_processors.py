"""What the header and footer of every page need, fetched lazily (a page that does not show the
chrome, or an error page, pays nothing)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from wagtail.models import Site

from threatpress.publishing.visibility import public_pages


def _site_links(request: HttpRequest) -> dict:
    from threatpress.reports.models import ReportsIndexPage

    links = {"home": None, "reports": None}
    site = Site.find_for_request(request)
    if site is None:
        return links
    home = site.root_page.localized
    links["home"] = home.get_url(request)
    reports = public_pages(ReportsIndexPage.objects.child_of(home)).first()
    if reports is not None:
        links["reports"] = reports.get_url(request)
    return links


def site_chrome(request: HttpRequest) -> dict:
    return {
        "site_links": SimpleLazyObject(lambda: _site_links(request)),
        "LANGUAGE_CODE": get_language(),
    }
