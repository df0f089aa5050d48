"""What a page offers for download, and in which state: for the buttons and the player."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from threatpress.caching import fragments
from threatpress.core.request_locales import locale_codes

from .builder import organisation_of, site_of
from .formats import Format, file_name, formats_for
from .models import ExportFile
from .snapshot import live_plan, plan_from_contents, scope_of


@dataclass
class Download:
    fmt: Format
    state: str  # "ready", "pending", "unavailable" or "preview"
    url: str = ""
    size: int = 0
    pages: int | None = None
    duration: float | None = None

    @property
    def ready(self) -> bool:
        return self.state == "ready"

    @property
    def details(self) -> str:
        """E.g. "PDF, 1.2 MB, 14 pages" or "MP3, 4 min 10 s"."""
        parts = [self.fmt.extension.upper(), human_size(self.size)]
        if self.pages:
            parts.append(ngettext("%(n)d page", "%(n)d pages", self.pages) % {"n": self.pages})
        if self.duration:
            parts.append(human_duration(self.duration))
        return ", ".join(parts)


def human_size(size: int) -> str:
    """ "1.2 MB", "840 KB" (in Lithuanian "1,2 MB": the active language's decimal mark)."""
    if size >= 1024 * 1024:
        # Rounded here: number_format cuts a float off at the decimal place, it does not round.
        return _("%(n)s MB") % {"n": number_format(round(size / 1024 / 1024, 1), 1)}
    return _("%(n)s KB") % {"n": max(1, round(size / 1024))}


def human_duration(seconds: float) -> str:
    """ "45 s", "4 min 10 s", "1 h 18 min" (in Lithuanian "4 min. 10 s", "1 val. 18 min.")."""
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    if minutes == 0:
        return _("%(s)d s") % {"s": rest}
    return _("%(m)d min %(s)d s") % {"m": minutes, "s": rest}


def downloads_for(page: Page, edition, request=None, contents=None) -> dict[str, Download]:
    """The page's downloads by format key, with "_" for "-" (templates read `downloads.pdf_print`).
    Pass the edition's `contents` (reports.contents.edition_contents) when you have them.
    In a preview nothing is offered yet; a format this
    machine cannot make (audio without a voice) is left out, so no dead player is shown."""
    scope = scope_of(page, edition.depth)
    formats = formats_for(scope)
    if request is not None and getattr(request, "is_preview", False):
        return {_key(fmt): Download(fmt, "preview") for fmt in formats}
    if request is None:
        return _downloads(page, edition, request, contents, scope, formats)
    # Until the next purge (a finished file is one): the addresses are relative to the request's
    # site, the sizes written in the reader's language.
    site = Site.find_for_request(request)
    return fragments.remember(
        "downloads",
        (page.pk, edition.pk, site.pk if site else None, get_language()),
        lambda: _downloads(page, edition, request, contents, scope, formats),
    )


def _downloads(page, edition, request, contents, scope, formats) -> dict[str, Download]:
    # A page being served has its edition's public contents loaded already: no query then.
    plan = plan_from_contents(page, edition, contents) if contents else live_plan(page, edition)
    if plan is None:
        return {}
    organisation = (
        organisation_of(request=request, locale_id=edition.locale_id)
        if request
        else organisation_of(site_of(edition), locale_id=edition.locale_id)
    )
    fingerprints = {fmt.key: plan.fingerprint(fmt.key, organisation) for fmt in formats}
    files = {
        file.export.fmt: file
        for file in ExportFile.objects.filter(
            export__page_id=page.pk, fingerprint__in=fingerprints.values()
        ).select_related("export")
        if fingerprints.get(file.export.fmt) == file.fingerprint
    }
    language = locale_codes(request)[edition.locale_id] if request else edition.locale.language_code
    downloads = {}
    base_url = page.get_url(request) if request is not None else page.url
    for fmt in formats:
        file = files.get(fmt.key)
        if file is not None:
            downloads[_key(fmt)] = Download(
                fmt,
                "ready",
                url=base_url + file_name(page, scope, edition.year, fmt),
                size=file.size,
                pages=file.pages,
                duration=file.duration,
            )
        elif not fmt.unavailable_reason(language):
            downloads[_key(fmt)] = Download(fmt, "pending")
    return downloads


def _key(fmt: Format) -> str:
    return fmt.key.replace("-", "_")
