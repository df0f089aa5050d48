"""Files that show an image or link a document are made again when it changes.

A file's fingerprint names the revisions of its pages (snapshot.Plan.fingerprint), not the
images they show nor the documents they link: a chart whose file is replaced in the admin (or
that is deleted) would stay in every PDF built before, and a PDF links a document at an address
that carries its file's name (Wagtail answers 404 at the old one once the file is replaced). The
PDFs of the pages that use it, live or in a revision scheduled for a release, and of the chapter
and edition above them, are marked outdated: the worker makes them again (builder.due_jobs), and
readers get the current file until the new one is ready. A save that changes nothing a PDF
shows (new tags, a document's title: its link text is the page's) marks nothing
(publishing.file_edits).
"""

from __future__ import annotations

from django.db.models.signals import post_save, pre_delete
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from threatpress.publishing import file_edits
from threatpress.publishing.visibility import live_pages_using

from .formats import FORMATS
from .models import ExportFile

# What a PDF shows of an image (its crop included) or a document (its address).
PDF_FIELDS = frozenset(
    {"file", "focal_point_x", "focal_point_y", "focal_point_width", "focal_point_height"}
)


def file_changed(sender, instance, created: bool = False, **kwargs) -> int:
    """Mark outdated the PDFs that show or link `instance`; returns how many files were marked."""
    if not file_edits.changes_what_readers_see(instance, created, kwargs.get("signal"), PDF_FIELDS):
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
    for model in (get_image_model(), get_document_model()):
        label = model._meta.label_lower
        post_save.connect(file_changed, sender=model, dispatch_uid=f"tp-exports-{label}")
        pre_delete.connect(file_changed, sender=model, dispatch_uid=f"tp-exports-{label}-del")
