"""What the holder of a preview link sees: the latest drafts of a page and the pages below it.

`/preview/<token>/` shows the page the link was made for; `/preview/<token>/<slug>/.../` the pages
below it and its routes (an edition's summary/, foreword/, scale/). Links between those pages and
to their images are rewritten to stay inside the preview, so a minister can read a whole
embargoed edition; nothing else of the site opens. The token must not travel further: responses
are never cached, never indexed and send no Referer.
"""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page

from .media_views import owner_of, serve_stored
from .models import PreviewLink, PreviewLinkUse
from .visibility import is_public_file, used_by_pages

MEDIA_IN_HTML = re.compile(r"""(?<=["'\s,(])/media/""")


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _log(request: HttpRequest, link: PreviewLink, outcome: str, subpath: str) -> None:
    PreviewLinkUse.objects.create(
        link=link,
        path=("/" + subpath)[:500],  # below the link's page; the token itself is never logged
        outcome=outcome,
        ip_address=_client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_cache=True, no_store=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _refused(request: HttpRequest, link: PreviewLink | None) -> HttpResponse:
    status = 404 if link is None else 410
    response = render(
        request, "publishing/preview_link_refused.html", {"link": link}, status=status
    )
    return _private(response)


def _locate(root: Page, subpath: str) -> tuple[Page, list[str]]:
    """Walk slugs down from the link's page; what is left over is a route of the last page."""
    page = root
    parts = [part for part in subpath.split("/") if part]
    while parts:
        child = Page.objects.child_of(page).filter(slug=parts[0]).first()
        if child is None:
            break
        page, parts = child, parts[1:]
    return page, parts


def _rewrite(html: str, root_path: str, token: str) -> str:
    """Keep the reader inside the preview: links below the link's page and media files."""
    html = html.replace(f'href="{root_path}', f'href="/preview/{token}/')
    return MEDIA_IN_HTML.sub(f"/preview-files/{token}/", html)


def serve_preview_link(request: HttpRequest, token: str, subpath: str = "") -> HttpResponse:
    link = PreviewLink.find(token)
    if link is None:
        return _refused(request, None)
    if not link.is_active:
        _log(request, link, link.state, subpath)
        return _refused(request, link)

    page, route = _locate(link.page, subpath)
    draft = page.specific.get_latest_revision_as_object()
    request.is_preview = True
    request.preview_mode = draft.default_preview_mode
    with translation.override(draft.locale.language_code):
        try:
            if route:
                if not isinstance(draft, RoutablePageMixin):
                    raise Http404
                view, args, kwargs = draft.resolve_subpage("/" + "/".join(route) + "/")
                response = view(request, *args, **kwargs)
            else:
                response = draft.serve_preview(request, draft.default_preview_mode)
        except Http404:
            _log(request, link, PreviewLinkUse.NOT_FOUND, subpath)
            return _refused(request, None)
        if hasattr(response, "render"):
            response.render()
    is_page = response.get("Content-Type", "").startswith("text/html")
    if is_page:
        # Pages read, not what the browser fetches for them by itself (the edition's print
        # style sheet): a publisher reads the log as what the recipient opened.
        _log(request, link, PreviewLinkUse.SERVED, subpath)

    root_path = link.page.get_url_parts(request)[2]
    if is_page:
        response.content = _rewrite(response.content.decode(), root_path, token).encode()
    return _private(response)


def serve_preview_file(request: HttpRequest, token: str, path: str) -> HttpResponse:
    link = PreviewLink.find(token)
    if link is None or not link.is_active:
        raise Http404
    owner = owner_of(path)
    # A file the link's pages use (drafts too), or one that is public anyway.
    scope = Page.objects.descendant_of(link.page, inclusive=True)
    if owner is None or not (is_public_file(owner) or used_by_pages(owner, scope)):
        raise Http404
    return _private(serve_stored(request, path))
