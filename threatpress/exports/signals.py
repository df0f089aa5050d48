"""Files that show an image are made again when the image changes.

A file's fingerprint names the revisions of its pages (snapshot.Plan.fingerprint), not the
images they show: a chart whose file is replaced in the admin (or that is deleted) would stay
in every PDF built before. The PDFs of the pages that show it, live or in a revision scheduled
for a release, and of the chapter and edition above them, are marked outdated: the worker makes
them again (builder.due_jobs), and readers get the current file until the new one is ready. A
save that changes nothing a page shows (new tags, say) marks nothing (publishing.file_edits).
"""

from __future__ import annotations

from django.db.models.signals import post_save, pre_delete
from wagtail.images import get_image_model

from threatpress.publishing import file_edits
from threatpress.publishing.visibility import live_pages_using

from .formats import FORMATS
from .models import ExportFile


def image_changed(sender, instance, created: bool = False, **kwargs) -> int:
    """Mark outdated the PDFs that show `instance`; returns how many files were marked."""
    if created:
        return 0
    if kwargs.get("signal") is post_save and not file_edits.changed_for_readers(instance):
        return 0
    model = type(instance)
    pages = [
        *live_pages_using(model, instance.pk),
        *file_edits.scheduled_pages_using(model, instance.pk),
    ]
    paths = {
        page.path[: page.steplen * depth] for page in pages for depth in range(2, page.depth + 1)
    }
    if not paths:
        return 0
    pdfs = [fmt.key for fmt in FORMATS.values() if fmt.kind == "pdf"]
    return ExportFile.objects.filter(
        export__page__path__in=paths, export__fmt__in=pdfs, outdated=False
    ).update(outdated=True)


def connect() -> None:
    file_edits.connect()
    image = get_image_model()
    post_save.connect(image_changed, sender=image, dispatch_uid="tp-exports-image")
    pre_delete.connect(image_changed, sender=image, dispatch_uid="tp-exports-image-del")
