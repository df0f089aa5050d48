"""The consent form's target: `/<lang>/consent/` in the language's words (`/lt/slapukai/`).

GET shows the settings page (the dialog's Settings without JavaScript, and the footer's Cookie
settings). POST records a decision, sets the consent cookie and sends the visitor back (303) to
the page they were reading.

The form carries no CSRF token, so that pages stay the same for every visitor and can be cached
(a token is per visitor). Cross-site forgery is refused instead by requiring that the browser
say the request comes from this site (`same_origin`), which every current browser does.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from threatpress.core.redirects import moved_for_good

from . import state
from .context_processors import category_rows
from .models import ConsentRecord
from .registry import OPTIONAL_KEYS, get_registry


def same_origin(request: HttpRequest) -> bool:
    """Did the browser send this request from one of our own pages?

    Fetch metadata first: `Sec-Fetch-Site` is set by the browser and cannot be forged by a page;
    `same-origin` is our own form, `none` a request the visitor made themselves. Browsers
    without it send `Origin` on every POST; the Referer is the last resort. A request that says
    nothing about where it comes from is refused: for a browser form that never happens.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in {"same-origin", "none"}
    ours = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin in ours
    parts = _referer(request)
    return parts is not None and f"{parts.scheme}://{parts.netloc}" in ours


def _referer(request: HttpRequest) -> SplitResult | None:
    """The Referer's parts; None when there is none or it is not an address (any client may
    send `http://[::1`, which urlsplit refuses)."""
    referer = request.headers.get("Referer")
    if not referer:
        return None
    try:
        return urlsplit(referer)
    except ValueError:
        return None


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """Back to the page the visitor was reading, never to another site."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return f"/{get_language() or settings.LANGUAGE_CODE}/"


def refused(request: HttpRequest) -> HttpResponse:
    return HttpResponseForbidden(loader.render_to_string("403.html", request=request))


@csrf_exempt  # protected by same_origin() instead of a token: see the module docstring
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def consent_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if not same_origin(request):
            return refused(request)
        return decide(request)
    return settings_page(request)


def came_from(request: HttpRequest) -> str | None:
    """The page the visitor was reading: `?next=`, or else the Referer if it is one of ours."""
    if request.GET.get("next"):
        return request.GET["next"]
    referer = _referer(request)
    if referer is None or referer.netloc != request.get_host() or referer.path == request.path:
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


def settings_page(request: HttpRequest) -> HttpResponse:
    registry = get_registry()
    consent = state.current(request, registry.version)
    granted = consent.granted if consent else frozenset()
    return render(
        request,
        "consent/settings_page.html",
        {
            "categories": category_rows(registry, granted),
            "next": safe_next(request, came_from(request)),
            "decided": consent is not None,
        },
    )


def decide(request: HttpRequest) -> HttpResponse:
    registry = get_registry()
    available = registry.optional_in_use
    choice = request.POST.get("choice")
    if choice == ConsentRecord.ACCEPT_ALL:
        granted = frozenset(available)
    elif choice == ConsentRecord.REJECT_ALL:
        granted = frozenset()
    elif choice == ConsentRecord.CUSTOM:
        granted = state.granted_from(request.POST.getlist("category"), available)
    else:
        return HttpResponseBadRequest(loader.render_to_string("400.html"))

    previous = state.read(request)
    consent = state.Consent(
        registry.version,
        previous.consent_id if previous else state.new_consent_id(),
        granted,
    )
    # Taking back a category allowed before is a withdrawal, whichever button did it.
    action = choice
    if previous is not None and previous.granted - granted:
        action = ConsentRecord.WITHDRAW
    ConsentRecord.objects.create(
        consent_id=consent.consent_id,
        policy_version=consent.version,
        action=action,
        choices={key: key in granted for key in OPTIONAL_KEYS},
    )

    response = HttpResponseRedirect(safe_next(request, request.POST.get("next")), status=303)
    state.store(response, request, consent)
    # Our own cookies of the categories now refused go at once (a third party's we cannot reach).
    for cookie in registry.cookies_outside(granted):
        if cookie.name in request.COOKIES:
            response.delete_cookie(cookie.name, path=cookie.path, samesite="Lax")
    return response


@csrf_exempt  # as consent_view
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def consent_in_other_words(request: HttpRequest) -> HttpResponse:
    """`/lt/consent/`: the English word in another language's address. The settings page
    moved for good to the language's own (`/lt/slapukai/`); a decision posted there (a page a
    cache kept from before, whose form still names it) is still taken."""
    if request.method == "POST":
        return consent_view(request)
    return moved_for_good(request, reverse("consent"))
