"""Image uploads through the admin, as an Author: only real raster images of an allowed format,
size and pixel count are kept; anything else gets a form error and leaves nothing behind."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model

from threatpress.core.tests.uploads import login_as, stored_files
from threatpress.publishing.roles import REVIEWERS

pytestmark = pytest.mark.django_db
Image = get_image_model()
ADD = reverse("wagtailimages:add")
ADD_MULTIPLE = reverse("wagtailimages:add_multiple")


def picture(fmt: str = "PNG", size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    PILImage.effect_noise(size, 60).convert("RGB").save(buffer, fmt)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of blank rows: kilobytes on disk, width × height pixels once decoded."""
    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def gif_bomb() -> bytes:
    """A one-pixel GIF on a declared 65,535 × 65,535 screen (Pillow takes the screen's size)."""
    gif = bytearray(picture("GIF", (1, 1)))
    gif[6:10] = b"\xff\xff\xff\xff"
    return bytes(gif)


def webp_bomb() -> bytes:
    """A two-frame animated WebP of one pixel on a declared 16,384 × 16,384 canvas."""
    buffer = io.BytesIO()
    frames = [PILImage.new("RGB", (1, 1), colour) for colour in ("white", "red")]
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    webp = bytearray(buffer.getvalue())
    assert webp[12:16] == b"VP8X"
    webp[24:30] = (16383).to_bytes(3, "little") * 2
    return bytes(webp)


def upload(client, name: str, content: bytes):
    return client.post(ADD, {"title": "Upload", "file": SimpleUploadedFile(name, content)})


def assert_refused(client, name: str, content: bytes, message: str) -> None:
    images, files = Image.objects.count(), stored_files()
    response = upload(client, name, content)
    assert response.status_code == 200  # the form again, not a 500
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert Image.objects.count() == images
    assert stored_files() == files


# Who may upload ------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = upload(client, "chart.png", picture())
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not Image.objects.exists()


def test_reviewer_cannot_upload(client):
    login_as(client, REVIEWERS)
    response = upload(client, "chart.png", picture())
    assert response.status_code in {302, 403}
    assert not Image.objects.exists()


def test_author_uploads_a_real_image(author):
    files = stored_files()
    response = upload(author, "chart.png", picture())
    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.width, image.height) == (64, 48)
    assert stored_files() - files == {image.file.name}


# Type ----------------------------------------------------------------------------------------

SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
NOT_AN_IMAGE = "Upload a valid image"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # Willow takes markup for SVG, so the message names a format mismatch.
        ("chart.png", b"<html><body><script>alert(1)</script></body></html>", "Not a valid .png"),
        ("shell.php.png", b'<?php system($_GET["c"]); ?>', NOT_AN_IMAGE),
        ("chart.svg", SVG_WITH_SCRIPT, "Not a supported image format"),
        ("chart.png", SVG_WITH_SCRIPT, "Not a valid .png image"),
        ("chart.html", b"<script>alert(1)</script>", "Not a supported image format"),
        ("chart.png", picture("GIF"), "Not a valid .png image"),
        ("chart.bmp", picture("BMP"), "Not a supported image format"),
    ],
    ids=["html-as-png", "php-as-png", "svg", "svg-as-png", "html", "gif-as-png", "bmp"],
)
def test_what_is_not_an_allowed_image_is_refused(author, name, content, message):
    assert_refused(author, name, content, message)


# Size ----------------------------------------------------------------------------------------


@override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=4 * 1024)
def test_a_file_over_the_size_limit_is_refused(author):
    content = picture(size=(256, 256))
    assert len(content) > 4 * 1024
    assert_refused(author, "photo.png", content, "Maximum filesize 4.0\xa0KB")


def test_size_limits_come_from_the_settings(settings):
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * 1024 * 1024
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS == 40_000_000


# Decompression bombs: small files that would need gigabytes once decoded -------------------


def test_more_pixels_than_the_site_allows_is_refused(author):
    # 48 million pixels in 6 KB: under Pillow's own limit, over the site's.
    content = png_bomb(8000, 6000)
    assert len(content) < 10_000
    assert_refused(author, "bomb.png", content, "too many pixels (48000000)")


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("bomb.png", lambda: png_bomb(20_000, 20_000)),
        ("bomb.gif", gif_bomb),
        ("bomb.webp", webp_bomb),
    ],
)
def test_a_decompression_bomb_is_refused_without_decoding_it(author, name, make):
    content = make()
    assert len(content) < 100_000
    assert_refused(author, name, content, "This file has too many pixels")


def test_the_multiple_uploader_reports_a_bomb_as_an_error(author):
    files = stored_files()
    upload = SimpleUploadedFile("bomb.png", png_bomb(20_000, 20_000))
    response = author.post(ADD_MULTIPLE, {"files[]": upload})
    assert response.status_code == 200
    result = response.json()
    assert result["success"] is False
    assert "too many pixels" in result["error_message"]
    assert not Image.objects.exists()
    assert stored_files() == files
