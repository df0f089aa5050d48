"""Media and exports in a real S3 server (SeaweedFS on 127.0.0.1), configured as an operator
would, by environment: files land in the bucket, readers get them only through the app's
visibility-checked views, and the bucket itself answers no anonymous request.

The server is started once per session (seaweedfs.py) with one bucket; each test keeps its
files under a prefix of its own (THREATPRESS_S3_PREFIX), as several sites could share a bucket.
"""

from __future__ import annotations

import datetime
import itertools
import re
import shutil
import socket
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.models import Page

from threatpress.conftest import as_drafts, build_edition, publish_all
from threatpress.core.storage_settings import s3_storages_from_environment
from threatpress.exports import builder
from threatpress.exports.models import ExportFile
from threatpress.publishing.release import schedule_release
from threatpress.publishing.tests.media import (
    document_link_block,
    figure_block,
    make_document,
    make_image,
)
from threatpress.reports.models import AssessmentPage, EditionPage

from . import seaweedfs

pytestmark = pytest.mark.django_db
ASSESSMENT = "/en/reports/2026/chapter-1/judgment-1-1/"
ASSESSMENT_PDF = ASSESSMENT + "judgment-1-1-2026.pdf"
BUCKET = "threatpress-test"
_test_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def s3_server():
    folder = Path(tempfile.mkdtemp(prefix="threatpress-s3-"))
    try:
        process, server, leftovers = seaweedfs.start(folder)
    except RuntimeError as error:
        shutil.rmtree(folder, ignore_errors=True)
        # A failure, not a skip: CI must run these tests.
        pytest.fail(f"Cannot start the S3 test server: {error}", pytrace=False)
    try:
        client(server).create_bucket(Bucket=BUCKET)
        yield server
    finally:
        seaweedfs.stop(process)
    for path in leftovers:
        path.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Bucket:
    name: str
    prefix: str

    def key(self, location: str, name: str) -> str:
        """The object key of a storage's file: `media/...` or `exports/...` under the prefix."""
        return f"{self.prefix}/{location}/{name}"


@pytest.fixture
def bucket(s3_server, settings, monkeypatch) -> Bucket:
    """The site's storages pointed at the bucket through the documented variables."""
    prefix = f"test-{next(_test_numbers)}"
    monkeypatch.setenv("THREATPRESS_S3_BUCKET", BUCKET)
    monkeypatch.setenv("THREATPRESS_S3_PREFIX", prefix)
    monkeypatch.setenv("THREATPRESS_S3_ENDPOINT_URL", s3_server.endpoint_url)
    monkeypatch.setenv("THREATPRESS_S3_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3_server.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_server.secret_key)
    settings.STORAGES = {**settings.STORAGES, **s3_storages_from_environment()}
    # Wagtail caches renditions by image id; ids restart with each test's rolled-back database.
    for alias in settings.CACHES:
        caches[alias].clear()
    return Bucket(BUCKET, prefix)


def client(server: seaweedfs.S3Server):
    return boto3.client(
        "s3",
        endpoint_url=server.endpoint_url,
        aws_access_key_id=server.access_key,
        aws_secret_access_key=server.secret_key,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )


def keys(server, bucket: Bucket) -> set[str]:
    listing = client(server).list_objects_v2(Bucket=bucket.name, Prefix=bucket.prefix + "/")
    return {item["Key"] for item in listing.get("Contents", [])}


def object_bytes(server, bucket: Bucket, key: str) -> bytes:
    return client(server).get_object(Bucket=bucket.name, Key=key)["Body"].read()


def anonymous_status(url: str) -> int:
    """What someone without credentials gets straight from the S3 endpoint."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def content(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def draft_page(edition) -> AssessmentPage:
    page = AssessmentPage.objects.get(slug="judgment-1-2")
    Page.objects.filter(pk=page.pk).update(live=False)
    return AssessmentPage.objects.get(pk=page.pk)


def use_in(page: AssessmentPage, *blocks: dict, publish: bool) -> None:
    page = AssessmentPage.objects.get(pk=page.pk)
    page.body = list(blocks)
    revision = page.save_revision()
    if publish:
        revision.publish()


def test_an_uploaded_image_and_its_rendition_are_objects_in_the_bucket(s3_server, bucket):
    image = make_image("Chart", "chart.png")
    rendition = image.get_rendition("width-20")
    stored = keys(s3_server, bucket)
    assert bucket.key("media", image.file.name) in stored
    assert bucket.key("media", rendition.file.name) in stored
    image.file.open("rb")
    uploaded = image.file.read()
    assert object_bytes(s3_server, bucket, bucket.key("media", image.file.name)) == uploaded
    # Readers are sent to the app's view, never to the bucket.
    assert image.file.url == f"/media/{image.file.name}"
    assert rendition.url == f"/media/{rendition.file.name}"


def test_a_public_pages_image_and_document_are_served_to_readers(
    client, s3_server, bucket, draft_page
):
    image = make_image("Released chart", "released-chart.png")
    document = make_document("Annex", "annex.txt", "Annex text.")
    use_in(draft_page, figure_block(image), document_link_block(document), publish=True)

    page = client.get(draft_page.url).content.decode()
    rendition_urls = set(re.findall(r"/media/images/[^\"\s,]+", page))
    assert rendition_urls, "the page shows its figure through the app's media view"
    assert s3_server.endpoint_url not in page
    for url in [image.file.url, *rendition_urls]:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert content(response) == object_bytes(
            s3_server, bucket, bucket.key("media", url.removeprefix("/media/"))
        )
        # Revalidation costs one HEAD to the bucket and no body.
        again = client.get(url, headers={"If-Modified-Since": response["Last-Modified"]})
        assert again.status_code == 304

    response = client.get(document.url)
    assert response.status_code == 200
    assert content(response) == b"Annex text."


def test_an_embargoed_pages_files_are_404_in_the_app_and_private_in_the_bucket(
    client, s3_server, bucket, site_tree, engines
):
    edition = build_edition(site_tree.reports, 2026)
    publish_all(edition)
    image = make_image("Embargoed chart", "embargoed-chart.png")
    document = make_document("Embargoed annex", "embargoed-annex.txt", "Secret annex.")
    assessment = AssessmentPage.objects.get(slug="judgment-1-1")
    use_in(assessment, figure_block(image), document_link_block(document), publish=True)
    rendition = image.get_rendition("width-20")
    builder.build_due()
    pdf = ExportFile.objects.get(export__page=assessment, export__fmt="pdf")
    assert client.get(ASSESSMENT_PDF).status_code == 200
    assert client.get(image.file.url).status_code == 200

    AssessmentPage.objects.get(pk=assessment.pk).unpublish()

    for url in [image.file.url, rendition.url, document.url, ASSESSMENT_PDF]:
        assert client.get(url).status_code == 404, url
    objects = [
        bucket.key("media", image.file.name),
        bucket.key("media", rendition.file.name),
        bucket.key("media", document.file.name),
        bucket.key("exports", pdf.file.name),
    ]
    assert set(objects) <= keys(s3_server, bucket)
    for key in objects:
        assert anonymous_status(f"{s3_server.endpoint_url}/{bucket.name}/{key}") == 403, key
    # Nor can anyone list the bucket to learn the names.
    assert anonymous_status(f"{s3_server.endpoint_url}/{bucket.name}/") == 403


def test_an_export_built_into_the_bucket_is_downloaded_with_a_range_request(
    client, s3_server, bucket, site_tree, engines
):
    publish_all(build_edition(site_tree.reports, 2026))
    assert builder.build_due() > 0
    pdf = ExportFile.objects.get(
        export__page__url_path__endswith="/judgment-1-1/", export__fmt="pdf"
    )
    stored = object_bytes(s3_server, bucket, bucket.key("exports", pdf.file.name))
    assert len(stored) == pdf.size > 20

    whole = client.get(ASSESSMENT_PDF)
    assert whole.status_code == 200
    assert content(whole) == stored
    part = client.get(ASSESSMENT_PDF, headers={"Range": "bytes=5-14"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 5-14/{len(stored)}"
    assert content(part) == stored[5:15]
    tail = client.get(ASSESSMENT_PDF, headers={"Range": "bytes=-7"})
    assert content(tail) == stored[-7:]


def test_a_replaced_or_deleted_file_leaves_the_bucket(
    admin_client, s3_server, bucket, edition, django_capture_on_commit_callbacks
):
    image = make_image("Chart", "chart.png")
    old_original = bucket.key("media", image.file.name)
    old_rendition = bucket.key("media", image.get_rendition("width-20").file.name)
    document = make_document("Annex", "annex.txt", "First text.")
    old_document = bucket.key("media", document.file.name)

    # Editors replace the files in Wagtail's admin; renditions go when the edit commits.
    replacement = make_image("Other", "other.png")
    replacement.file.open("rb")
    png = replacement.file.read()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/images/{image.pk}/",
            {"title": "Chart", "file": SimpleUploadedFile("chart-v2.png", png, "image/png")},
        )
        assert response.status_code == 302
        response = admin_client.post(
            f"/admin/documents/edit/{document.pk}/",
            {"title": "Annex", "file": SimpleUploadedFile("annex-v2.txt", b"Second text.")},
        )
        assert response.status_code == 302
    image.refresh_from_db()
    document.refresh_from_db()
    stored = keys(s3_server, bucket)
    assert old_original not in stored
    assert old_rendition not in stored
    assert old_document not in stored
    assert bucket.key("media", image.file.name) in stored
    new_document = bucket.key("media", document.file.name)
    assert object_bytes(s3_server, bucket, new_document) == b"Second text."

    current = [bucket.key("media", image.file.name), bucket.key("media", document.file.name)]
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
        document.delete()
    assert not set(current) & keys(s3_server, bucket)


def test_an_embargoed_editions_prepared_pdf_waits_privately_in_the_bucket(
    client, s3_server, bucket, site_tree, engines, people
):
    draft = build_edition(site_tree.reports, 2027)
    marked = AssessmentPage.objects.descendant_of(draft).get(slug="judgment-1-1")
    marked.summary = "EMBARGOED-MARKER summary."
    marked.save()
    as_drafts(draft)
    when = timezone.now() + datetime.timedelta(hours=1)
    schedule_release(EditionPage.objects.get(pk=draft.pk), when, people["publisher"])
    builder.build_due()

    pdf = ExportFile.objects.get(export__page=marked, export__fmt="pdf", prepared=True)
    key = bucket.key("exports", pdf.file.name)
    assert b"EMBARGOED-MARKER" in object_bytes(s3_server, bucket, key)
    page = "/en/reports/2027/chapter-1/judgment-1-1/"
    assert client.get(page).status_code == 404
    assert client.get(page + "judgment-1-1-2027.pdf").status_code == 404
    assert anonymous_status(f"{s3_server.endpoint_url}/{bucket.name}/{key}") == 403


def test_the_bytes_an_export_made_again_replaced_leave_the_bucket_an_hour_later(
    s3_server, bucket, site_tree, engines, monkeypatch
):
    """A file made again (an image it shows changed) is stored under a new key; the old object,
    which no row names any more, is deleted from the bucket by the collection an hour later."""
    import dataclasses

    from threatpress.exports.formats import Format
    from threatpress.exports.models import Export
    from threatpress.exports.tests.standin import fake_render

    publish_all(build_edition(site_tree.reports, 2026, chapters=1, per_chapter=1))
    builder.build_due()
    export = Export.objects.get(page__slug="judgment-1-1", fmt="pdf")
    old = bucket.key("exports", export.files.get().file.name)

    def other_bytes(self, doc):  # the same text in other bytes (JSON allows a trailing space)
        rendered = fake_render(self, doc)
        return dataclasses.replace(rendered, data=rendered.data + b" ")

    monkeypatch.setattr(Format, "render", other_bytes)
    ExportFile.objects.filter(export=export).update(outdated=True)  # as a changed image does
    assert builder.build_due() == 1
    new = bucket.key("exports", export.files.get().file.name)
    assert new != old and {old, new} <= keys(s3_server, bucket)
    assert builder.collect_garbage() == 0  # a download may still be reading it
    assert builder.collect_garbage(now=timezone.now() + datetime.timedelta(hours=2)) == 1
    stored = keys(s3_server, bucket)
    assert old not in stored and new in stored


def test_a_missing_server_binary_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(seaweedfs, "weed_binary", lambda: str(tmp_path / "no-weed"))
    with pytest.raises(RuntimeError, match="weed binary could not run"):
        seaweedfs.start(tmp_path)


def test_a_bucket_that_does_not_answer_gives_503_not_500(
    client, s3_server, bucket, site_tree, engines, settings, monkeypatch
):
    publish_all(build_edition(site_tree.reports, 2026))
    builder.build_due()
    image = make_image("Chart", "chart.png")
    document = make_document("Annex", "annex.txt", "Annex text.")
    page = AssessmentPage.objects.get(slug="judgment-1-2")
    use_in(page, figure_block(image), document_link_block(document), publish=True)
    assert client.get(image.file.url).status_code == 200
    assert client.get(document.url).status_code == 200

    with socket.socket() as probe:  # a loopback port where nothing listens
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    working = settings.STORAGES
    monkeypatch.setenv("THREATPRESS_S3_ENDPOINT_URL", f"http://127.0.0.1:{closed}")
    settings.STORAGES = {**settings.STORAGES, **s3_storages_from_environment()}
    try:
        downloads = [(image.file.url, {}), (document.url, {})]
        for url, headers in [*downloads, (ASSESSMENT_PDF, {"Range": "bytes=0-9"})]:
            response = client.get(url, headers=headers)
            assert response.status_code == 503, url
            assert response["Retry-After"] == "30"
    finally:
        settings.STORAGES = working  # so that the teardown can empty the bucket
