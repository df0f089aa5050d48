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

A PDF's link to a page that was not public when it was made is words only (a reader would find
nothing there). Once that page may be public (published, scheduled for a release, its
translation marked done, its restriction removed), the PDFs that left it unlinked are outdated
too, and made again with the link.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Revision
from wagtail.signals import page_published

from threatpress.core.tree_paths import ancestor_paths
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
    paths = {path for page in pages for path in ancestor_paths(page.path, inclusive=True)}
    if not paths:
        return 0
    return _pdfs().filter(export__page__path__in=paths).update(outdated=True)


def _pdfs():
    pdfs = [fmt.key for fmt in FORMATS.values() if fmt.kind == "pdf"]
    return ExportFile.objects.filter(export__fmt__in=pdfs, outdated=False)


def link_target_changed(page: Page | None, prepared_only: bool = False) -> int:
    """Mark outdated the PDFs that left `page`, or a page below it, unlinked; returns how many.
    `prepared_only`: only the files prepared for a release (a scheduled page is public at the
    release, not before)."""
    if page is None:
        return 0
    files = _pdfs().filter(unlinked_pages__path__startswith=page.path)
    if prepared_only:
        files = files.filter(prepared=True)
    return files.update(outdated=True)  # Django updates through a subquery of the ids


def _published(sender, instance, **kwargs) -> None:
    link_target_changed(instance)


def _scheduled(sender, instance, **kwargs) -> None:
    # A page scheduled to go live with a release: the PDFs prepared for that release (which
    # link what it makes public, snapshot.Plan.public_then) are made again, before it.
    if instance.approved_go_live_at is not None and isinstance(instance.content_object, Page):
        link_target_changed(instance.content_object, prepared_only=True)


def _translation_marked(sender, instance, **kwargs) -> None:
    if instance.translated:
        link_target_changed(Page.objects.filter(pk=instance.page_id).first())


def _restriction_removed(sender, instance, **kwargs) -> None:
    link_target_changed(Page.objects.filter(pk=instance.page_id).first())


def connect() -> None:
    from threatpress.translations.models import TranslationState

    page_published.connect(_published, dispatch_uid="tp-exports-link-published")
    post_save.connect(_scheduled, sender=Revision, dispatch_uid="tp-exports-link-scheduled")
    post_save.connect(
        _translation_marked, sender=TranslationState, dispatch_uid="tp-exports-link-translated"
    )
    post_delete.connect(
        _restriction_removed, sender=PageViewRestriction, dispatch_uid="tp-exports-link-open"
    )
    file_edits.connect()
    for model in (get_image_model(), get_document_model()):
        label = model._meta.label_lower
        post_save.connect(file_changed, sender=model, dispatch_uid=f"tp-exports-{label}")
        pre_delete.connect(file_changed, sender=model, dispatch_uid=f"tp-exports-{label}-del")
