"""Admin: an edition downloaded as a Word manuscript, for the people who edit it."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control

from threatpress.reports.models import EditionPage

from .writing import docx_filename, edition_to_docx

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def may_download(user, edition) -> bool:
    """Editorial roles (Authors, Reviewers, Publishers) edit an edition's pages; the manuscript
    holds their drafts, so it is theirs alone."""
    return edition.permissions_for_user(user).can_edit()


def download_manuscript(request, page_id: int) -> HttpResponse:
    edition = get_object_or_404(EditionPage, pk=page_id)
    if not may_download(request.user, edition):
        raise Http404  # as for any page an editor may not see: its existence is not revealed
    response = HttpResponse(edition_to_docx(edition), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{docx_filename(edition)}"'
    patch_cache_control(response, private=True, no_store=True)  # drafts never in a cache
    return response
