"""Built export files and the state of each page's exports, for readers' buttons and the admin."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


def export_storage():
    """Exports live in their own storage (settings.STORAGES["exports"]), outside MEDIA_ROOT, so
    that no file is reachable except through the view that checks the visibility rule."""
    from django.core.files.storage import storages

    return storages["exports"]


class Export(models.Model):
    """One page in one format (the edition's screen PDF, an assessment's audio...)."""

    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"
    UNAVAILABLE = "unavailable"
    STATES = [
        (PENDING, _("Being prepared")),
        (READY, _("Ready")),
        (FAILED, _("Failed")),
        (UNAVAILABLE, _("Unavailable")),
    ]

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name=_("page")
    )
    fmt = models.CharField(_("format"), max_length=20)
    state = models.CharField(_("state"), max_length=20, choices=STATES, default=PENDING)
    # Why the last build failed, or why this format cannot be made on this machine.
    message = models.TextField(_("message"), blank=True)
    # The fingerprint the last failure belongs to: a new text is tried again at once.
    failed_fingerprint = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_after = models.DateTimeField(null=True, blank=True)
    # A publisher asked for the current file to be made again.
    rebuild_requested_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("export")
        constraints = [
            models.UniqueConstraint(fields=["page", "fmt"], name="one_export_per_page_and_format")
        ]

    def __str__(self) -> str:
        return f"{self.fmt} of page {self.page_id}"


class ExportFile(models.Model):
    """A file built from the revisions that `fingerprint` names. Its name is the SHA-256 of its
    bytes, so a changed text is always a new file, and the ETag is that hash."""

    export = models.ForeignKey(Export, on_delete=models.CASCADE, related_name="files")
    fingerprint = models.CharField(max_length=64)
    content_hash = models.CharField(max_length=64)
    # Read and written through export_storage() at the time of use (the field's own storage is
    # fixed when the model loads, and settings may point the alias elsewhere later).
    file = models.FileField(storage=export_storage, max_length=200)
    size = models.PositiveBigIntegerField()
    pages = models.PositiveIntegerField(null=True, blank=True)
    duration = models.FloatField(null=True, blank=True)
    engine = models.CharField(max_length=100, blank=True)
    build_seconds = models.FloatField(default=0)
    # Built from revisions scheduled for a release, before they went live.
    prepared = models.BooleanField(default=False)
    # An image it shows or a document it links changed after it was built (exports/signals.py):
    # made again with the same fingerprint, and served until then.
    outdated = models.BooleanField(default=False)
    # Pages its text links that were not public when it was built, so their links are words
    # only: the file is outdated when one of them (or a page above it) is published.
    unlinked_pages = models.ManyToManyField("wagtailcore.Page", blank=True, related_name="+")
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("export file")
        constraints = [
            models.UniqueConstraint(
                fields=["export", "fingerprint"], name="one_file_per_export_and_fingerprint"
            )
        ]
        indexes = [models.Index(fields=["fingerprint"])]

    def __str__(self) -> str:
        return self.file.name
