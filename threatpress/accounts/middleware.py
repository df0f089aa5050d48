"""Holds editors at the code (or set-up) screen until their second factor is proven.

Runs after URL resolution (process_view), only for the admin's paths and only while
THREATPRESS_2FA is on, which it reads on every request. Signed in with a password only:
- a user with a confirmed device is sent to enter a code;
- a Publisher or superuser without one is sent to set one up;
- anybody else (an Author without a device) carries on: for them it is optional.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from . import two_factor

# What a user part-way through signing in may still reach.
ALWAYS_ALLOWED = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
}


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not two_factor.is_enabled():
            return None
        if not request.path_info.startswith(tuple(settings.THREATPRESS_ADMIN_PATH_PREFIXES)):
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        url_name = request.resolver_match.url_name if request.resolver_match else None
        if url_name in ALWAYS_ALLOWED:
            return None
        if two_factor.confirmed_device(user) is not None:
            return self._send_to("two_factor_verify", url_name, request)
        if two_factor.must_use_two_factor(user):
            return self._send_to("two_factor_enrol", url_name, request)
        return None

    @staticmethod
    def _send_to(url_name: str, current: str | None, request: HttpRequest) -> HttpResponse | None:
        if current == url_name:
            return None
        return redirect_to_login(request.get_full_path(), login_url=reverse(url_name))
