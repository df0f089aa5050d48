"""Document uploads through the admin, as an Author: only allowed extensions whose content is
what the extension says, within the size limit; served so that nothing in them can run."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from wagtail.documents import get_document_model

from threatpress.core.tests.uploads import login_as, stored_files
from threatpress.publishing.roles import REVIEWERS

pytestmark = pytest.mark.django_db
Document = get_document_model()
ADD = reverse("wagtaildocs:add")
ADD_MULTIPLE = reverse("wagtaildocs:add_multiple")

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def zipped(*names: str, first: tuple[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1])  # stored, not compressed
        for name in names:
            archive.writestr(name, "<x/>", compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


DOCX = zipped("[Content_Types].xml", "_rels/.rels", "word/document.xml")
XLSX = zipped("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")
ODT = zipped("content.xml", first=("mimetype", b"application/vnd.oasis.opendocument.text"))
ODS = zipped("content.xml", first=("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"))


def upload(client, name: str, content: bytes):
    return client.post(ADD, {"title": "Source", "file": SimpleUploadedFile(name, content)})


def assert_refused(client, name: str, content: bytes, message: str) -> None:
    documents, files = Document.objects.count(), stored_files()
    response = upload(client, name, content)
    assert response.status_code == 200  # the form again, not a 500
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert Document.objects.count() == documents
    assert stored_files() == files


# Who may upload ------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = upload(client, "source.pdf", PDF)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not Document.objects.exists()


def test_reviewer_cannot_upload(client):
    login_as(client, REVIEWERS)
    response = upload(client, "source.pdf", PDF)
    assert response.status_code in {302, 403}
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", PDF),
        ("notes.docx", DOCX),
        ("figures.xlsx", XLSX),
        ("notes.odt", ODT),
        ("figures.csv", "Šalis,Grėsmė\nLietuva,1\n".encode()),
        ("README.TXT", "Grėsmių vertinimas\n".encode()),
    ],
    ids=["pdf", "docx", "xlsx", "odt", "csv", "txt"],
)
def test_author_uploads_documents_of_every_allowed_type(author, name, content):
    response = upload(author, name, content)
    assert response.status_code == 302
    assert Document.objects.get().file_size == len(content)


# Type ----------------------------------------------------------------------------------------

NOT_ALLOWED = "is not allowed. Allowed extensions are: csv, docx, odt, pdf, txt, xlsx."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", HTML, "File extension “html” is not allowed"),
        ("logo.svg", b"<svg onload='alert(1)'/>", "File extension “svg” is not allowed"),
        ("setup.exe", EXE, NOT_ALLOWED),
        ("app.js", b"alert(1)", NOT_ALLOWED),
        ("report.pdf", HTML, "This file is not a PDF, although its name ends in .pdf."),
        ("notes.docx", XLSX, "This file is not a Word document"),
        ("notes.docx", zipped("index.html"), "This file is not a Word document"),
        ("figures.xlsx", b"PK\x03\x04 not really a zip", "This file is not an Excel workbook"),
        ("notes.odt", ODS, "This file is not an OpenDocument text"),
        ("readme.txt", EXE, "This file is not a text file"),
        ("figures.csv", DOCX, "This file is not a text file"),
    ],
    ids=[
        "html",
        "svg",
        "exe",
        "js",
        "html-as-pdf",
        "xlsx-as-docx",
        "zip-as-docx",
        "broken-zip-as-xlsx",
        "ods-as-odt",
        "exe-as-txt",
        "docx-as-csv",
    ],
)
def test_a_disallowed_type_or_a_lying_extension_is_refused(author, name, content, message):
    assert_refused(author, name, content, message)


def test_the_multiple_uploader_reports_a_lying_extension_as_an_error(author):
    response = author.post(ADD_MULTIPLE, {"files[]": SimpleUploadedFile("report.pdf", HTML)})
    assert response.status_code == 200
    result = response.json()
    assert result["success"] is False
    assert "This file is not a PDF" in result["error_message"]
    assert not Document.objects.exists()


# Size ----------------------------------------------------------------------------------------


@override_settings(WAGTAILDOCS_MAX_UPLOAD_SIZE=1024)
def test_a_file_over_the_size_limit_is_refused(author):
    assert_refused(author, "notes.txt", b"x" * 2048, "Maximum filesize 1.0\xa0KB")


def test_the_size_limit_comes_from_the_settings(settings):
    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE == 50 * 1024 * 1024


# Serving -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type", "disposition"),
    [
        ("report.pdf", PDF, "application/pdf", "inline"),
        ("notes.txt", b"<script>alert(1)</script>", "text/plain", "inline"),
        ("figures.csv", b"a,b\n<script>,1\n", "text/csv", "attachment"),
        ("notes.docx", DOCX, DOCX_TYPE, "attachment"),
    ],
    ids=["pdf", "txt", "csv", "docx"],
)
def test_documents_are_served_so_that_nothing_in_them_runs(
    client, author, tmp_path, name, content, content_type, disposition
):
    # Files on disk, as in production: Wagtail's view streams them from their path.
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
        "staticfiles": settings.STORAGES["staticfiles"],
    }
    with override_settings(STORAGES=storages, MEDIA_ROOT=tmp_path):
        assert upload(author, name, content).status_code == 302
        response = client.get(Document.objects.get().url)
        assert b"".join(response.streaming_content) == content
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_document_files_are_never_served_from_media_only_through_their_view(client, tmp_path):
    # (Which images /media/ serves is publishing/tests/test_media_visibility.py's subject.)
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "secret.pdf").write_bytes(PDF)
    client.force_login(get_user_model().objects.create_superuser("editor", password="e" * 20))
    with override_settings(MEDIA_ROOT=tmp_path):
        for path in ("documents/secret.pdf", "images/../documents/secret.pdf", "/documents/x"):
            assert client.get(f"/media/{path}").status_code == 404, path
