"""The export formats: which pages get which file, under which name, made by which engine."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.module_loading import import_string
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .document import ExportDocument, Scope
from .engines import RenderedFile


@dataclass(frozen=True)
class Format:
    key: str  # stored in Export.fmt
    kind: str  # "pdf" or "audio": how readership counts a download
    label: str
    scopes: tuple[Scope, ...]
    suffix: str  # added to the file's base name: "" or "-print"
    extension: str
    media_type: str
    renderer: str  # dotted path of a callable (ExportDocument, **options) -> RenderedFile
    availability: str = ""  # dotted path of a callable (language) -> Availability
    options: tuple[tuple[str, str], ...] = ()  # keyword arguments for the renderer

    def render(self, doc: ExportDocument) -> RenderedFile:
        return import_string(self.renderer)(doc, **dict(self.options))

    def _check(self, language: str):
        """The engine's Availability for `language` (ok, reason), or None for a format whose
        engine is always there."""
        return import_string(self.availability)(language) if self.availability else None

    def unavailable_reason(self, language: str) -> str:
        """Why this format cannot be made here for `language`, or "" when it can."""
        result = self._check(language)
        return result.reason if result is not None and not result.ok else ""

    def note(self, language: str) -> str:
        """What the admin should know when the format can be made, but not as configured
        (e.g. "Piper is configured for English but is not installed; espeak-ng speaks")."""
        result = self._check(language)
        return result.reason if result is not None and result.ok else ""


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format(
            key="pdf",
            kind="pdf",
            label=_("PDF"),
            scopes=("edition", "chapter", "assessment"),
            suffix="",
            extension="pdf",
            media_type="application/pdf",
            renderer="threatpress.exports.pdf.render_pdf",
            options=(("variant", "screen"),),
        ),
        Format(
            key="pdf-print",
            kind="pdf",
            label=_("PDF for printing"),
            scopes=("edition",),
            suffix="-print",
            extension="pdf",
            media_type="application/pdf",
            renderer="threatpress.exports.pdf.render_pdf",
            options=(("variant", "print"),),
        ),
        Format(
            key="audio",
            kind="audio",
            label=_("Audio"),
            scopes=("edition", "assessment"),
            suffix="",
            extension="mp3",
            media_type="audio/mpeg",
            renderer="threatpress.exports.audio.synthesise",
            availability="threatpress.exports.audio.availability",
        ),
    )
}


def formats_for(scope: Scope) -> list[Format]:
    return [f for f in FORMATS.values() if scope in f.scopes]


def base_name(page, scope: Scope, year: int) -> str:
    """A file name a reader can keep: "national-threat-assessment-2026" for an edition,
    "<slug>-2026" for a chapter or an assessment (the year makes it citable on its own)."""
    stem = slugify(page.title) if scope == "edition" else page.slug
    stem = stem[:120].strip("-") or "export"
    return stem if stem.endswith(str(year)) else f"{stem}-{year}"


def file_name(page, scope: Scope, year: int, fmt: Format) -> str:
    return f"{base_name(page, scope, year)}{fmt.suffix}.{fmt.extension}"


def format_for_file_name(name: str, scope: Scope) -> Format | None:
    """The format a requested file name asks for (by extension and suffix), if this scope has it."""
    stem, _dot, extension = name.rpartition(".")
    candidates = [f for f in formats_for(scope) if f.extension == extension]
    # The longest matching suffix wins: "-print.pdf" before ".pdf".
    for fmt in sorted(candidates, key=lambda f: len(f.suffix), reverse=True):
        if stem.endswith(fmt.suffix):
            return fmt
    return None
