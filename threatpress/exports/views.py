"""Downloads: `/<lang>/<page path><file name>.pdf|.mp3`, public pages only."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_safe
from wagtail.models import Locale, Page, Site

from threatpress.core.stored_files import StorageUnavailable, StoredObject, storage_unavailable
from threatpress.readership.counting import record_download
from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage, edition_of

from .builder import organisation_of
from .formats import Format, file_name, format_for_file_name
from .models import ExportFile, export_storage
from .ranges import file_response
from .snapshot import live_plan, scope_of

EXPORTABLE = (EditionPage, ChapterPage, AssessmentPage)
READERSHIP_FORMAT = {"pdf": "screen", "pdf-print": "print"}
# Checked on every request (a 304 is cheap), so an unpublished page's file disappears at once.
CACHE_CONTROL = "public, no-cache"


def _page_at(request: HttpRequest, page_path: str) -> Page:
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    try:
        locale = Locale.objects.get(language_code=get_language())
    except Locale.DoesNotExist as missing:
        raise Http404 from missing
    home = site.root_page.get_translation_or_none(locale)
    if home is None:
        raise Http404
    page = Page.objects.filter(url_path=home.url_path + page_path).first()
    if page is None:
        raise Http404
    return page.specific


@require_safe  # a file is read, never posted to: 405 (and no download counted) for the rest
def serve_export(request: HttpRequest, page_path: str, filename: str) -> HttpResponse:
    page = _page_at(request, page_path)
    if not isinstance(page, EXPORTABLE):
        raise Http404
    edition = edition_of(page)
    if edition is None:  # a chapter or assessment outside every edition (put there by a script)
        raise Http404
    plan = live_plan(page, edition)  # None unless the page is public
    if plan is None:
        raise Http404
    scope = scope_of(page, edition.depth)
    fmt = format_for_file_name(filename, scope)
    if fmt is None:
        raise Http404
    canonical = file_name(page, scope, edition.year, fmt)
    if filename != canonical:  # an older name (the title changed): the current file
        return HttpResponseRedirect(page.get_url(request) + canonical)
    fingerprint = plan.fingerprint(
        fmt.key, organisation_of(request=request, locale_id=edition.locale_id)
    )
    file = ExportFile.objects.filter(
        export__page_id=page.pk, export__fmt=fmt.key, fingerprint=fingerprint
    ).first()
    if file is None:
        return _not_ready(request, page, fmt)
    try:
        response = send_file(request, file, fmt, canonical)
    except StorageUnavailable:
        return storage_unavailable()
    record_download(
        page,
        fmt.kind,
        READERSHIP_FORMAT.get(fmt.key, fmt.extension),
        page.locale.language_code,
        request=request,
    )
    patch_cache_control(response, public=True, no_cache=True)
    return response


def send_file(request: HttpRequest, file: ExportFile, fmt: Format, filename: str) -> HttpResponse:
    """A built file from the export storage, answering conditional and range requests."""
    stored = StoredObject(export_storage(), file.file.name, file.size, file.built_at)
    return file_response(
        request,
        stored.read,
        size=file.size,
        etag=file.content_hash,
        last_modified=file.built_at.timestamp(),
        media_type=fmt.media_type,
        filename=filename,
    )


def _not_ready(request: HttpRequest, page: Page, fmt: Format) -> HttpResponse:
    # A format this machine cannot make does not exist, as the page shows no player for it.
    if fmt.unavailable_reason(page.locale.language_code):
        raise Http404
    response = render(
        request,
        "exports/pending.html",
        {"page": page, "fmt": fmt, "page_url": page.get_url(request)},
        status=503,
    )
    response["Retry-After"] = "60"
    patch_cache_control(response, no_store=True, max_age=0)
    return response
