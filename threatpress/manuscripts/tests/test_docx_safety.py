"""Bytes that are not a manuscript we may open: each is one blocking problem with a sentence a
publisher understands, and nothing raises out of `read_manuscript`, whatever the bytes."""

from __future__ import annotations

import io
import os
import struct
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from threatpress.manuscripts import docx_safety
from threatpress.manuscripts.manuscript import Manuscript
from threatpress.manuscripts.reading import read_manuscript

from .docx_builder import DocxBuilder

FREE = 0xFFFFFFFF
END_OF_CHAIN = 0xFFFFFFFE
FAT_SECTOR = 0xFFFFFFFD


def read(data) -> Manuscript:
    return read_manuscript(data, language="en", probability_terms={}, region_names=[])


def only_problem(data) -> tuple[str, str]:
    manuscript = read(data)
    assert manuscript.chapters == []
    [problem] = manuscript.problems
    assert problem.blocking
    return problem.code, problem.message


def small_docx() -> bytes:
    builder = DocxBuilder()
    builder.heading("Chapter", 1)
    builder.heading("A judgment", 2)
    builder.paragraph("Its summary.")
    return builder.bytes()


def compound_file(*stream_names: str) -> bytes:
    """A minimal OLE compound file (the container of Word 97 documents and of Word's encrypted
    .docx) holding empty streams with these names: a header, one FAT sector, one directory."""
    header = bytearray(512)
    header[0:8] = docx_safety.OLE_SIGNATURE
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, END_OF_CHAIN, 0, END_OF_CHAIN, 0)
    struct.pack_into("<I", header, 76, 0)  # the FAT is sector 0
    for index in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * index, FREE)
    fat = struct.pack("<II", FAT_SECTOR, END_OF_CHAIN) + b"\xff" * (512 - 8)

    def entry(name: str, kind: int, right: int, child: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        raw = bytearray(128)
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, FREE, right, child)
        struct.pack_into("<IQ", raw, 116, END_OF_CHAIN, 0)
        return bytes(raw)

    entries = [entry("Root Entry", 5, FREE, 1 if stream_names else FREE)]
    for index, name in enumerate(stream_names, start=1):
        entries.append(entry(name, 2, index + 1 if index < len(stream_names) else FREE, FREE))
    directory = b"".join(entries).ljust(512, b"\0")
    return bytes(header) + fat + directory


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- Not a .docx ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "This is a PDF"),
        (b"Dear editor,\nplease find the assessment below.\n", "not a Word document"),
        (b"", "not a Word document"),
        (b"PK\x03\x04truncated", "not a Word document"),
    ],
    ids=["pdf", "renamed-text", "empty", "broken-zip"],
)
def test_files_that_are_not_word_documents(data, said):
    code, message = only_problem(data)
    assert code == "not-docx"
    assert said in message


def test_an_old_binary_word_document():
    code, message = only_problem(compound_file("WordDocument", "1Table"))
    assert code == "not-docx"
    assert "old Word document (.doc)" in message


def test_a_zip_that_is_not_a_word_document():
    spreadsheet = zipped(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/content-types"><Override PartName="/xl/'
            b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            b'spreadsheetml.sheet.main+xml"/></Types>',
            "xl/workbook.xml": b"<workbook/>",
        }
    )
    assert only_problem(spreadsheet)[0] == "not-docx"
    assert only_problem(zipped({"notes.txt": b"hello"}))[0] == "not-docx"


def test_a_truncated_docx():
    assert only_problem(small_docx()[:2000])[0] == "not-docx"


def test_a_docx_whose_xml_is_broken_cannot_be_read():
    source = zipfile.ZipFile(io.BytesIO(small_docx()))
    entries = {name: source.read(name) for name in source.namelist()}
    entries["word/document.xml"] = b"<w:document><w:body><w:p>"
    code, message = only_problem(zipped(entries))
    assert code == "unreadable"
    assert "cannot be read" in message


def test_entities_in_the_xml_are_never_expanded():
    source = zipfile.ZipFile(io.BytesIO(small_docx()))
    entries = {name: source.read(name) for name in source.namelist()}
    # The classic nested expansion: &i; would be 10^9 characters if it were expanded.
    doctype = '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    entries["word/document.xml"] = (
        entries["word/document.xml"]
        .replace(b"<w:document", (doctype + "]><w:document").encode(), 1)
        .replace(b"Its summary.", b"&i;")
    )
    started = time.perf_counter()
    manuscript = read(zipped(entries))
    assert time.perf_counter() - started < 5
    assert all(len(a.summary) < 1000 for a in manuscript.assessments)


# --- Encrypted -----------------------------------------------------------------------------------


def test_a_password_protected_word_document():
    code, message = only_problem(
        compound_file("EncryptionInfo", "EncryptedPackage", "\x06DataSpaces")
    )
    assert code == "encrypted"
    assert "protected with a password" in message


def test_an_encrypted_zip():
    data = bytearray(small_docx())
    position = data.find(b"PK\x01\x02")
    while position != -1:  # set "encrypted" in every central directory entry's flags
        data[position + 8] |= 0x1
        position = data.find(b"PK\x01\x02", position + 4)
    assert only_problem(bytes(data))[0] == "encrypted"


# --- Too big -------------------------------------------------------------------------------------


def test_an_upload_over_the_size_cap(monkeypatch):
    data = small_docx()
    monkeypatch.setattr(docx_safety, "MAX_UPLOAD_BYTES", len(data) - 1)
    code, message = only_problem(data)
    assert code == "too-large"
    assert "larger than" in message
    code, _message = only_problem(io.BytesIO(data))  # a stream is read only up to the cap
    assert code == "too-large"


def test_an_entry_that_inflates_a_thousandfold_is_a_zip_bomb():
    source = zipfile.ZipFile(io.BytesIO(small_docx()))
    entries = {name: source.read(name) for name in source.namelist()}
    entries["word/media/padding.bin"] = bytes(20 * 1024 * 1024)  # 20 MB of zeros → ~20 kB
    code, message = only_problem(zipped(entries))
    assert code == "zip-bomb"
    assert "far more than a manuscript" in message


def test_entries_that_together_exceed_the_cap_are_a_zip_bomb(monkeypatch):
    monkeypatch.setattr(docx_safety, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    source = zipfile.ZipFile(io.BytesIO(small_docx()))
    entries = {name: source.read(name) for name in source.namelist()}
    for index in range(3):
        entries[f"word/media/image{index}.png"] = os.urandom(400 * 1024)  # incompressible
    assert only_problem(zipped(entries))[0] == "zip-bomb"


def test_an_entry_that_lies_about_its_size_is_refused_without_inflating_it_all(monkeypatch):
    """The central directory says 1 kB (and so a sane ratio); 512 kB would come out. Inflating
    never goes past the declared size (Python's zip reader stops there and finds the checksum
    wrong), so the entry is refused as a damaged file."""
    source = zipfile.ZipFile(io.BytesIO(small_docx()))
    entries = {name: source.read(name) for name in source.namelist()}
    entries["word/media/big.bin"] = os.urandom(512 * 1024)
    data = bytearray(zipped(entries))
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == b"word/media/big.bin":
            struct.pack_into("<I", data, central + 24, 1024)  # declared uncompressed size
        central = data.find(b"PK\x01\x02", central + 4)
    inflated = []
    real_read = zipfile.ZipExtFile.read

    def counted_read(stream, size=-1):
        chunk = real_read(stream, size)
        inflated.append(len(chunk))
        return chunk

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counted_read)
    assert only_problem(bytes(data))[0] == "not-docx"
    assert sum(inflated) < 1024 + sum(len(content) for content in entries.values()) - 512 * 1024


def test_too_many_entries_is_a_zip_bomb(monkeypatch):
    monkeypatch.setattr(docx_safety, "MAX_ENTRIES", 20)
    source = zipfile.ZipFile(io.BytesIO(small_docx()))
    entries = {name: source.read(name) for name in source.namelist()}
    entries.update({f"word/extra{i}.xml": b"<x/>" for i in range(30)})
    assert only_problem(zipped(entries))[0] == "zip-bomb"


# --- Anything at all: 50 examples in all ----------------------------------------------------

VALID = small_docx()
VALID_ENTRIES = {
    name: zipfile.ZipFile(io.BytesIO(VALID)).read(name)
    for name in zipfile.ZipFile(io.BytesIO(VALID)).namelist()
}
FAST = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
CHANGES = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8)


def mutated(data: bytes, changes) -> bytes:
    changed = bytearray(data)
    for position, value in changes:
        changed[position % len(changed)] = value
    return bytes(changed)


@settings(max_examples=15, **FAST)
@given(st.binary(max_size=4096))
def test_random_bytes_never_raise(data):
    assert read(data).blocking_problems


@settings(max_examples=15, **FAST)
@given(CHANGES)
def test_a_docx_with_bytes_changed_never_raises(changes):
    manuscript = read(mutated(VALID, changes))
    assert manuscript.blocking_problems or manuscript.chapters


@settings(max_examples=20, **FAST)
@given(st.sampled_from(sorted(VALID_ENTRIES)), CHANGES)
def test_a_docx_with_one_part_changed_never_raises(name, changes):
    """The zip is intact and its checksums right, so the changed XML reaches the parsers."""
    manuscript = read(zipped({**VALID_ENTRIES, name: mutated(VALID_ENTRIES[name], changes)}))
    assert manuscript.blocking_problems or manuscript.chapters
