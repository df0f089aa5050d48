"""Django's LocaleMiddleware, except that a 404 under an address no language ever prefixes
stays a 404.

Django answers a 404 outside the language prefixes with a redirect to the same path under
/en/ whenever that path resolves, and Wagtail's catch-all route resolves every path. So a
mistyped admin address, a deleted document's link or an unknown preview link went first to
/en/admin/…, /en/documents/… or /en/preview/<token>/…, and got its 404 only there (the
preview's token copied into a second address). The API keeps its own 404s the same way
(api/views.py, keep_not_found).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

# The site's addresses outside i18n_patterns (threatpress/urls.py) that have a subtree.
UNPREFIXED = ("/admin/", "/documents/", "/media/", "/preview/", "/preview-files/", "/footnotes/")


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code == 404 and request.path_info.startswith(UNPREFIXED):
            # What Django adds to a response it does not redirect.
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)
