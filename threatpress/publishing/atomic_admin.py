"""The page editor's Publish, Unpublish and Create-and-publish, each in one transaction.

Wagtail's workflow approval, bulk actions and page moves run in a transaction already; its edit,
create and unpublish views do not. Their POST saves the revision, makes the page live, sends
`page_published` (search index, translation state) and writes the audit log as separate
commits, so a worker killed in between (an OOM kill, a deploy) could leave a page live without
its audit entry or its search text, or an edition unpublished with half its pages still live.
Here the same Wagtail views answer, but their POST commits once, at the end, or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import update_wrapper, wraps

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import URLResolver

# Wagtail's URL names, in its "wagtailadmin_pages" namespace.
ATOMIC_PAGE_VIEWS = {"add", "edit", "unpublish"}


def atomic_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        with transaction.atomic():
            return view(request, *args, **kwargs)

    wrapped.threatpress_atomic = True  # type: ignore[attr-defined]
    return wrapped


def make_page_views_atomic(urlpatterns: Iterable) -> int:
    """Wrap Wagtail's own add, edit and unpublish page views (with its access checks inside);
    return how many were found, so that a Wagtail upgrade that renames them fails loudly."""
    found = 0
    for pattern in urlpatterns:
        if not isinstance(pattern, URLResolver):
            continue
        if pattern.namespace != "wagtailadmin_pages":
            found += make_page_views_atomic(pattern.url_patterns)
            continue
        for view in pattern.url_patterns:
            if getattr(view, "name", None) in ATOMIC_PAGE_VIEWS:
                if not getattr(view.callback, "threatpress_atomic", False):
                    view.callback = update_wrapper(atomic_post(view.callback), view.callback)
                    view.callback.threatpress_atomic = True
                found += 1
    return found
