"""Is this upload a .docx we may open? Checked on the raw bytes before any XML is parsed.

A .docx is a zip archive; a hostile or mistaken upload can be anything else (a PDF, a Word 97
`.doc`, a renamed text file), a document Word encrypted with a password (then it is not a zip at
all but an OLE compound file holding an `EncryptionInfo` stream), or a zip bomb: a small archive
whose entries inflate to gigabytes. Sizes are checked as the archive declares them and again while
inflating, in bounded chunks, so a lying header cannot make us hold more than the caps.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import olefile
from django.utils.translation import gettext as _
from lxml import etree

from .manuscript import Problem

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # a 60-page manuscript with its figures is a few MB
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # all entries together, once inflated
MAX_ENTRIES = 5000
# Word's XML inflates 5-20 times; beyond this ratio (for entries big enough to matter) it is a bomb.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # small entries may compress as well as they like
CHUNK = 64 * 1024

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A Word document's main part (python-docx opens no other: not a template, not a macro file).
WORD_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


@dataclass(frozen=True)
class Verdict:
    """What the checks found: the bytes to open (when it is safe to), or the problem."""

    data: bytes = b""
    problem: Problem | None = None


def _blocked(code: str, message: str) -> Verdict:
    return Verdict(problem=Problem(code=code, message=message))


def check_upload(data: bytes) -> Verdict:
    if len(data) > MAX_UPLOAD_BYTES:
        return _blocked(
            "too-large",
            _("The file is larger than %(mb)d MB; save the images smaller and upload it again.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
    if data.startswith(OLE_SIGNATURE):
        return _check_ole(data)
    if data.startswith(b"%PDF"):
        return _blocked(
            "not-docx",
            _("This is a PDF, not a Word document: upload the manuscript as a .docx file."),
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return _not_docx()
    return _check_zip(data)


def _not_docx() -> Verdict:
    return _blocked(
        "not-docx",
        _("This file is not a Word document (.docx); save the manuscript as .docx and upload it."),
    )


def _check_ole(data: bytes) -> Verdict:
    """An OLE compound file: a password-protected .docx, or an old binary .doc."""
    try:
        with olefile.OleFileIO(data) as ole:
            encrypted = ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage")
    except Exception:  # a broken container is simply not a document we can read
        return _not_docx()
    if encrypted:
        return _blocked(
            "encrypted",
            _("The document is protected with a password; remove it and upload the file again."),
        )
    return _blocked(
        "not-docx",
        _("This is an old Word document (.doc); save it as .docx (Word document) and upload it."),
    )


def _check_zip(data: bytes) -> Verdict:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return _not_docx()
    with archive:
        if len(entries) > MAX_ENTRIES:
            return _bomb()
        if any(entry.flag_bits & 0x1 for entry in entries):
            return _blocked(
                "encrypted",
                _("The archive is encrypted; remove the password and upload it again."),
            )
        if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
            return _bomb()
        if any(_ratio_too_high(entry.file_size, entry.compress_size) for entry in entries):
            return _bomb()
        inflated = 0
        for entry in entries:
            try:
                size = _inflate_within(archive, entry, MAX_UNCOMPRESSED_BYTES - inflated)
            except _TooBig:
                return _bomb()
            except Exception:  # corrupt data, unknown compression: not readable
                return _not_docx()
            inflated += size
        if not _is_word_document(archive):
            return _not_docx()
    return Verdict(data=data)


def _ratio_too_high(size: int, compressed: int) -> bool:
    return size > RATIO_FLOOR and size > MAX_RATIO * max(compressed, 1)


class _TooBig(Exception):
    pass


def _inflate_within(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, room: int) -> int:
    """Inflate one entry chunk by chunk, stopping as soon as it outgrows what it declared, the
    ratio, or the room left under the total cap."""
    limit = min(entry.file_size, room)
    seen = 0
    with archive.open(entry) as stream:
        while chunk := stream.read(CHUNK):
            seen += len(chunk)
            if seen > limit or _ratio_too_high(seen, entry.compress_size):
                raise _TooBig
    return seen


def _bomb() -> Verdict:
    return _blocked(
        "zip-bomb",
        _(
            "The file would unpack to far more than a manuscript can hold; it is not imported. "
            "Save the document again from Word and upload the new file."
        ),
    )


def _is_word_document(archive: zipfile.ZipFile) -> bool:
    """Its content types name a Word main document (not a spreadsheet, an .odt, a macro file)."""
    try:
        root = etree.fromstring(
            archive.read("[Content_Types].xml"),
            etree.XMLParser(resolve_entities=False, no_network=True),
        )
    except (KeyError, etree.XMLSyntaxError, ValueError):
        return False
    return any(
        override.get("ContentType") == WORD_MAIN_TYPE
        for override in root.iter(f"{CONTENT_TYPES_NS}Override")
    )
