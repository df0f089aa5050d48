"""Images and documents for tests, stored on disk so that the media view can serve them."""

from __future__ import annotations

import io

from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model


def use_disk_storage(settings, tmp_path) -> None:
    # Wagtail caches renditions by image id; ids restart with each test's rolled-back database.
    for alias in settings.CACHES:
        caches[alias].clear()
    settings.MEDIA_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def make_image(title: str, file_name: str):
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 20), "navy").save(buffer, format="PNG")
    image = get_image_model()(title=title)
    image.file = ImageFile(buffer, name=file_name)
    image.save()
    return image


def make_document(title: str, file_name: str, text: str):
    document = get_document_model()(title=title)
    document.file = ContentFile(text.encode(), name=file_name)
    document.save()
    return document


def figure_block(image) -> dict:
    return {"type": "figure", "value": {"image": image.pk, "alt_text": "A chart", "caption": ""}}


def document_link_block(document) -> dict:
    html = f'<p>Read <a linktype="document" id="{document.pk}">the annex</a>.</p>'
    return {"type": "paragraph", "value": html}
