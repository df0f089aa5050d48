"""robots.txt; the feed and the sitemap live in feeds.py and sitemap.py."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.urls import reverse
from django.views.decorators.http import require_safe

from .addresses import absolute

# Preview links (publishing/preview_link_views.py) and their files: secret, never for crawlers.
PREVIEW_PREFIXES = ["/preview/", "/preview-files/"]


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    text = loader.render_to_string(
        "discovery/robots.txt",
        {
            "disallowed": [*settings.THREATPRESS_ADMIN_PATH_PREFIXES, *PREVIEW_PREFIXES],
            "sitemap_url": absolute(request, reverse("sitemap")),
        },
    )
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
