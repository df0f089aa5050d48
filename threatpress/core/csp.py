"""Two Content Security Policies: the strict one for readers, a separate one for the editors' admin.

django-csp 4 builds one policy from settings and lets single views change it with decorators;
the Wagtail admin has hundreds of views, so this middleware picks the admin policy by path
instead. A view that set its own policy (a django-csp decorator) or its own header (Wagtail's
document view sends `default-src 'none'`) keeps it.

The admin policy allows no inline script either, except Wagtail's own: a few admin templates
and the chooser widgets write small inline initialisers. Those carry this response's nonce
(`admin_script_nonce`), so an injected script, which cannot know it, still does not run.
"""

from __future__ import annotations

from contextvars import ContextVar

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

# The admin request being answered on this thread, for widgets that render without a request.
_admin_request: ContextVar[HttpRequest | None] = ContextVar("admin_request", default=None)


def uses_admin_policy(path: str) -> bool:
    return path.startswith(tuple(settings.THREATPRESS_ADMIN_PATH_PREFIXES))


def admin_script_nonce() -> str:
    """The nonce of the admin response being rendered; empty outside the admin (no script runs)."""
    request = _admin_request.get()
    return str(request.csp_nonce) if request is not None else ""


class PolicyByPathCSPMiddleware(CSPMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        if uses_admin_policy(request.path_info):
            request._admin_request_token = _admin_request.set(request)

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        token = getattr(request, "_admin_request_token", None)
        if token is not None:
            _admin_request.reset(token)
            del request._admin_request_token
        return super().process_response(request, response)

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts
        if getattr(request, "is_preview", False):
            # Wagtail renders a preview through the whole middleware chain with the page's own
            # path: readers' policy, except that the admin's preview panel may frame it.
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'"]}
        elif uses_admin_policy(request.path_info):
            parts.config = settings.THREATPRESS_ADMIN_CSP["DIRECTIVES"]
        return parts
