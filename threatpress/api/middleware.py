"""The API's answers are the same in every language: each record names its own (`language`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re

from threatpress.caching.policy import is_api


class LanguageNeutralAnswersMiddleware:
    """Django's LocaleMiddleware marks every response outside the language prefixes with the
    language the caller's browser prefers: `Content-Language` and `Vary: Accept-Language`. On
    the API's answers both are untrue (the body is the same bytes whatever the header), and the
    Vary made every shared cache keep a copy for each browser's header, each one a render.
    Listed before LocaleMiddleware, so it sees the response after it. Errors keep both: Django
    REST framework words some of them in the caller's language."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (200, 304) and is_api(request.path_info):
            del response["Content-Language"]
            vary = [
                name
                for name in cc_delim_re.split(response.get("Vary", ""))
                if name and name.lower() != "accept-language"
            ]
            if vary:
                response["Vary"] = ", ".join(vary)
            else:
                del response["Vary"]
        return response
