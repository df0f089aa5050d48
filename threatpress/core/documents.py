"""A document's content must be what its name says: a .pdf is a PDF, a .docx a Word file.

Wagtail checks only the extension, so an HTML page named report.pdf was accepted. Served by
Wagtail's view (nosniff, a CSP of "default-src 'none'") it would not run, but a file that lies
about its type does not belong among published sources, and a reader's software may trust it.
The checks look at the first bytes and, for zip-based formats, at the archive's list of files;
nothing is decompressed. An extension without a check here is only checked by Wagtail.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

HEAD_BYTES = 64 * 1024
ODT_TYPE = b"application/vnd.oasis.opendocument.text"


def _pdf(head: bytes, file: IO[bytes]) -> bool:
    return head.startswith(b"%PDF-")


def _text(head: bytes, file: IO[bytes]) -> bool:
    # Text in any 8-bit encoding or UTF-8 has no NUL byte; executables and archives do.
    return b"\x00" not in head


def _zip_holding(*names: str) -> Callable[[bytes, IO[bytes]], bool]:
    def check(head: bytes, file: IO[bytes]) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(file) as archive:
                return set(names) <= set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return False

    return check


def _odt(head: bytes, file: IO[bytes]) -> bool:
    # OpenDocument stores an uncompressed "mimetype" entry first, so the type sits at a fixed place.
    return (
        head.startswith(b"PK\x03\x04") and head[30 : 38 + len(ODT_TYPE)] == b"mimetype" + ODT_TYPE
    )


CONTENT_CHECKS: dict[str, tuple[str, Callable[[bytes, IO[bytes]], bool]]] = {
    "pdf": (_("a PDF"), _pdf),
    "docx": (_("a Word document"), _zip_holding("[Content_Types].xml", "word/document.xml")),
    "xlsx": (_("an Excel workbook"), _zip_holding("[Content_Types].xml", "xl/workbook.xml")),
    "odt": (_("an OpenDocument text"), _odt),
    "csv": (_("a text file"), _text),
    "txt": (_("a text file"), _text),
}


def check_document_content(file: UploadedFile) -> None:
    """Raise ValidationError when the file's content is not what its extension says."""
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    if extension not in CONTENT_CHECKS:
        return  # Wagtail's extension check accepts or refuses it
    kind, matches = CONTENT_CHECKS[extension]
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    try:
        ok = matches(head, file)
    finally:
        file.seek(0)
    if not ok:
        raise ValidationError(
            _("This file is not %(kind)s, although its name ends in .%(extension)s."),
            code="content_does_not_match_extension",
            params={"kind": kind, "extension": extension},
        )


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form (single and multiple upload, replacing a file), plus the content
    check; the error belongs to the file field, so the multiple uploader shows it too."""

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):
            check_document_content(file)
        return file
