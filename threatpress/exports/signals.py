"""Files that show an image are made again when the image changes.

A file's fingerprint names the revisions of its pages (snapshot.Plan.fingerprint), not the
images they show: a chart whose file is replaced in the admin (or that is deleted) would stay
in every PDF built before. The PDFs of the live pages that use it, and of the chapter and
edition above them, are asked to be made again, as a publisher's "Make again" does; readers
get the current file until the new one is ready.
"""

from __future__ import annotations

from django.db.models.signals import post_save, pre_delete
from django.utils import timezone
from wagtail.images import get_image_model

from threatpress.publishing.visibility import live_pages_using

from .formats import FORMATS
from .models import Export


def image_changed(sender, instance, created: bool = False, **kwargs) -> int:
    """Ask for the PDFs that show `instance` to be made again; returns how many."""
    if created:
        return 0
    paths = {
        page.path[: page.steplen * depth]
        for page in live_pages_using(type(instance), instance.pk)
        for depth in range(2, page.depth + 1)
    }
    if not paths:
        return 0
    pdfs = [fmt.key for fmt in FORMATS.values() if fmt.kind == "pdf"]
    return Export.objects.filter(page__path__in=paths, fmt__in=pdfs).update(
        rebuild_requested_at=timezone.now()
    )


def connect() -> None:
    image = get_image_model()
    post_save.connect(image_changed, sender=image, dispatch_uid="tp-exports-image")
    pre_delete.connect(image_changed, sender=image, dispatch_uid="tp-exports-image-del")
