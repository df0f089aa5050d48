"""The site's URLconf plus one view that returns pre-rendered bytes: bench/render.py's baseline.

The extra path comes last, so the assessment page resolves exactly as it does in production.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from threatpress import urls as site_urls

# bench/render.py fills this with the assessment page's HTML before timing the baseline.
BASELINE_HTML: bytes = b""


def baseline(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BASELINE_HTML, content_type="text/html; charset=utf-8")


urlpatterns = [
    *site_urls.urlpatterns,
    path("bench/baseline/", baseline, name="bench_baseline"),
]

# The site's error handlers (handler400, handler404, ...) apply here too.
globals().update({k: v for k, v in vars(site_urls).items() if k.startswith("handler")})
