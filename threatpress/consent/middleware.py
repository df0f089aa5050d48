"""Response headers that follow from the consent registry and the consent dialog."""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import PolicyParts
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from threatpress.core.csp import PolicyByPathCSPMiddleware, uses_admin_policy

from .registry import get_registry


class RegistryCSPMiddleware(PolicyByPathCSPMiddleware):
    """django-csp's middleware (subclassed the way its docs suggest; the admin keeps its own
    policy, see threatpress/core/csp.py), allowing on public pages the origins of the scripts in
    the consent registry. Without a registered script from another origin the
    policy is exactly the one in settings. The origin is allowed on every page, consented or
    not: the policy must be the same for every visitor of a cached page, and it is the consent
    script, not the policy, that decides whether the script is requested."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        extra = get_registry().csp_sources()
        if extra and not report_only and not uses_admin_policy(request.path_info):
            update = dict(parts.update or {})
            for directive, origins in extra.items():
                update[directive] = (*update.get(directive, ()), *origins)
            parts.update = update
        return parts


class ConsentVaryMiddleware:
    """A page that rendered the consent dialog depends on the consent cookie (open for a
    visitor who has not decided, closed for one who has): say so to caches."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "consent_dialog_rendered", False):
            patch_vary_headers(response, ("Cookie",))
        return response
