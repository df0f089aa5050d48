"""What a translator, a publisher and the release need to know about a page's translation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Revision

from .models import TranslationState

ORIGINAL = "original"  # not a translation: written in this language
UNTRANSLATED = "untranslated"  # a copy still waiting for its translator
TRANSLATED = "translated"  # matches the original's latest revision
OUTDATED = "outdated"  # was translated; the original has changed since


@dataclass(frozen=True)
class TranslationStatus:
    page: Page
    state: str
    source: Page | None = None
    source_revision: Revision | None = None  # the original as last translated
    source_latest: Revision | None = None  # the original as it is now
    changes: int = 0  # revisions of the original since the translation was marked

    @property
    def blocks_release(self) -> bool:
        return self.state in (UNTRANSLATED, OUTDATED)

    @property
    def compare_url(self) -> str:
        """Wagtail's comparison of the original from what was translated to what it is now."""
        if self.source is None or self.source_latest is None:
            return ""
        start = self.source_revision.pk if self.source_revision else "earliest"
        return reverse(
            "wagtailadmin_pages:revisions_compare",
            args=(self.source.pk, start, self.source_latest.pk),
        )


def _status(page: Page, record: TranslationState | None) -> TranslationStatus:
    if record is None:
        return TranslationStatus(page=page, state=ORIGINAL)
    source = record.source
    latest = source.latest_revision
    since = source.revisions.all()
    if record.source_revision_id is not None:
        since = since.filter(pk__gt=record.source_revision_id)
    if not record.translated:
        state = UNTRANSLATED
    elif latest is not None and latest.pk != record.source_revision_id:
        state = OUTDATED
    else:
        state = TRANSLATED
    return TranslationStatus(
        page=page,
        state=state,
        source=source,
        source_revision=record.source_revision,
        source_latest=latest,
        changes=since.count() if state != TRANSLATED else 0,
    )


def status_of(page: Page) -> TranslationStatus:
    record = (
        TranslationState.objects.select_related("source", "source_revision")
        .filter(page_id=page.pk)
        .first()
    )
    return _status(page, record)


def statuses(pages: Iterable[Page]) -> list[TranslationStatus]:
    pages = list(pages)
    records = {
        record.page_id: record
        for record in TranslationState.objects.select_related(
            "source", "source__latest_revision", "source_revision"
        ).filter(page_id__in=[page.pk for page in pages])
    }
    return [_status(page, records.get(page.pk)) for page in pages]


def blocking(pages: Iterable[Page]) -> list[TranslationStatus]:
    """The translations among `pages` that are not translated, or behind their original."""
    return [status for status in statuses(pages) if status.blocks_release]


@transaction.atomic
def mark_translated(page: Page, user: AbstractBaseUser | None) -> TranslationStatus:
    """Record that `page` now renders its original as the original stands (its latest revision).

    Raises TranslationState.DoesNotExist for a page that is not a translation.
    """
    record = TranslationState.objects.select_for_update().get(page_id=page.pk)
    record.translated = True
    record.source_revision = record.source.latest_revision
    record.marked_at = timezone.now()
    record.marked_by = user
    record.save()
    return status_of(page)


def mark_untranslated(page: Page) -> None:
    TranslationState.objects.filter(page_id=page.pk).update(translated=False)
