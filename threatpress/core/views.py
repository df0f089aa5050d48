"""Site-wide views: the language choice at `/`, a health check, the print stylesheet of the
site's address and the error pages."""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language_from_request
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from wagtail.models import Locale, Page, Site

from threatpress.core.outage import RETRY_AFTER_SECONDS, is_outage, outage_response
from threatpress.core.text import css_string
from threatpress.publishing.visibility import public_pages


def choose_language(request: HttpRequest) -> HttpResponseRedirect:
    """Send `/` to the reader's language, but only to a language that has a public home page."""
    available = available_languages(request)
    preferred = get_language_from_request(request, check_path=False)
    language = preferred if preferred in available else settings.LANGUAGE_CODE
    response = HttpResponseRedirect(f"/{language}/")
    response["Vary"] = "Accept-Language, Cookie"
    return response


def available_languages(request: HttpRequest) -> set[str]:
    site = Site.find_for_request(request)
    if site is None:
        return {settings.LANGUAGE_CODE}
    homes = public_pages(Page.objects.filter(translation_key=site.root_page.translation_key))
    locale_ids = homes.values_list("locale_id", flat=True)
    return set(
        Locale.objects.filter(pk__in=locale_ids).values_list("language_code", flat=True)
    ) or {settings.LANGUAGE_CODE}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """A read of the site's own tables; 503 while the database cannot be reached or is not the
    site's (an empty SQLite file left where the real one was), for a load balancer."""
    try:
        Site.objects.exists()
    except DatabaseError as exc:
        if not is_outage(exc):
            raise
        response = JsonResponse({"status": "database unavailable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok"})


def print_stylesheet(request: HttpRequest) -> HttpResponse:
    """The site's address for printed pages, which print.css writes before internal links' paths.

    A stylesheet because the CSP allows no inline style and CSS cannot read the page's address.
    The address is the site's configured root (the one canonical links carry), or this
    request's when no site answers.
    """
    site = Site.find_for_request(request)
    root_url = site.root_url if site else request.build_absolute_uri("/").rstrip("/")
    css = loader.render_to_string("print_site.css", {"root_url": css_string(root_url)})
    return HttpResponse(css, content_type="text/css; charset=utf-8")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # No database, no context processors: the request may be the thing that is broken.
    return HttpResponse(loader.render_to_string("400.html"), status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return HttpResponse(loader.render_to_string("403.html"), status=403)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponse(loader.render_to_string("403.html"), status=403)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so sys.exc_info() names it.
    if is_outage(sys.exc_info()[1]):
        return outage_response(request)
    return HttpResponse(loader.render_to_string("500.html"), status=500)
