"""Admin: every export of every edition with its state, and a publisher's "Rebuild" button."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.models import Page

from threatpress.core.admin_screens import AdminScreen
from threatpress.core.ids import parse_id
from threatpress.reports.models import EditionPage, edition_of

from .builder import organisation_of, site_of
from .formats import FORMATS, file_name, formats_for
from .models import Export, ExportFile
from .snapshot import live_plans, release_plans, scope_of
from .views import send_file


@dataclass
class Cell:
    fmt: str
    label: str
    state: str  # ready / prepared / pending / failed / unavailable
    export: Export | None
    file: ExportFile | None = None
    prepared: ExportFile | None = None


@dataclass
class Row:
    page_id: int
    title: str
    depth: int
    cells: list[Cell]


def editions_for(user) -> list[EditionPage]:
    editions = EditionPage.objects.order_by("-year", "locale__language_code")
    return [edition for edition in editions if _may_rebuild(user, edition)]


def _may_rebuild(user, page: Page) -> bool:
    return page.permissions_for_user(user).can_publish()


def rows_for(edition: EditionPage) -> list[Row]:
    organisation = organisation_of(site_of(edition), locale_id=edition.locale_id)
    live = {plan.root.pk: plan for plan in live_plans(edition)}
    release = {plan.root.pk: plan for plan in release_plans(edition)}
    page_ids = list(dict.fromkeys([*live, *release]))
    titles = dict(Page.objects.filter(pk__in=page_ids).values_list("pk", "title"))
    exports = {(e.page_id, e.fmt): e for e in Export.objects.filter(page_id__in=page_ids)}
    files = {
        (f.export.page_id, f.export.fmt, f.fingerprint): f
        for f in ExportFile.objects.filter(export__page_id__in=page_ids).select_related("export")
    }
    rows = []
    for page_id in page_ids:
        plan = live.get(page_id) or release[page_id]
        cells = []
        for fmt in formats_for(plan.scope):
            export = exports.get((page_id, fmt.key))
            cell = Cell(fmt.key, str(fmt.label), "pending", export)
            if page_id in live:
                fingerprint = live[page_id].fingerprint(fmt.key, organisation)
                cell.file = files.get((page_id, fmt.key, fingerprint))
            if page_id in release:
                fingerprint = release[page_id].fingerprint(fmt.key, organisation)
                cell.prepared = files.get((page_id, fmt.key, fingerprint))
            if export is not None and export.state in (Export.FAILED, Export.UNAVAILABLE):
                cell.state = export.state
            # An outdated file (an image it shows changed) is still offered, and made again:
            # "pending" until then, so the release board does not count it as ready.
            elif cell.file is not None and not cell.file.outdated:
                cell.state = "ready"
            elif cell.prepared is not None and not cell.prepared.outdated:
                cell.state = "prepared"
            cells.append(cell)
        rows.append(Row(page_id, titles.get(page_id, ""), plan.root.depth - edition.depth, cells))
    return rows


def proof_name(page: Page, file: ExportFile, fmt) -> str:
    """The name readers will get ("national-threat-assessment-2027.pdf"), with the build's
    hash before the extension, so that two proofs of one file keep apart."""
    edition = edition_of(page)
    if edition is None:
        return f"{page.slug}-{file.content_hash[:8]}.{fmt.extension}"
    name = file_name(page, scope_of(page, edition.depth), edition.year, fmt)
    return f"{name.removesuffix(f'.{fmt.extension}')}-{file.content_hash[:8]}.{fmt.extension}"


def download_file(request, file_id: int):
    """A built file for its publishers, public or not: a prepared edition can be proofread
    before its release. Never cached, never indexed."""
    file = get_object_or_404(ExportFile.objects.select_related("export__page"), pk=file_id)
    page = file.export.page
    fmt = FORMATS.get(file.export.fmt)
    if fmt is None or not _may_rebuild(request.user, page):
        raise PermissionDenied
    response = send_file(request, file, fmt, proof_name(page, file, fmt))
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


class ExportsIndexView(AdminScreen, TemplateView):
    page_title = gettext_lazy("Exports")
    header_icon = "doc-full"
    template_name = "exports/admin/index.html"

    def dispatch(self, request, *args, **kwargs):
        self.editions = editions_for(request.user)
        if not self.editions:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        languages = sorted({edition.locale.language_code for edition in self.editions})
        context["unavailable"] = [
            (fmt.label, language, reason)
            for fmt in FORMATS.values()
            for language in languages
            if (reason := fmt.unavailable_reason(language))
        ]
        context["notes"] = [
            (fmt.label, language, note)
            for fmt in FORMATS.values()
            for language in languages
            if (note := fmt.note(language))
        ]
        context["editions"] = [(edition, rows_for(edition)) for edition in self.editions]
        return context

    def post(self, request, *args, **kwargs):
        """Ask the worker to make one export again (it keeps serving the current file until
        the new one is ready)."""
        page_id = parse_id(request.POST.get("page", ""))
        if page_id is None:
            raise Http404
        page = get_object_or_404(Page, pk=page_id)
        fmt = request.POST.get("format", "")
        if fmt not in FORMATS or not _may_rebuild(request.user, page):
            raise PermissionDenied
        Export.objects.update_or_create(
            page=page, fmt=fmt, defaults={"rebuild_requested_at": timezone.now()}
        )
        messages.success(
            request,
            _("“%(title)s”: the %(format)s will be made again in the next minute.")
            % {"title": page.title, "format": FORMATS[fmt].label},
        )
        # Back to the row asked about (a list of an archive's files is long), which now says
        # "Rebuild requested".
        return redirect(f"{reverse('threatpress_exports')}#export-{page.pk}-{fmt}")
