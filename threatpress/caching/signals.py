"""Every kind of change that alters public pages, each sent to invalidation.page_changed.

Wagtail's publish and unpublish actions send page_published / page_unpublished for every route
(the editor, the workflow, `publish_scheduled` for go-lives and expiries, the staged release),
so scheduled changes need nothing of their own. Moves and deletions are purged at both the old
addresses (computed before the change) and the new ones.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move, pre_page_move

from .affected import region_paths
from .invalidation import page_changed, purge_after_commit
from .purge_log import EVERYTHING


@receiver(page_published)
@receiver(page_unpublished)
def publish_state_changed(sender, instance, **kwargs) -> None:
    page_changed(instance)


@receiver(pre_page_move)
def moving(sender, instance, **kwargs) -> None:
    page_changed(instance, before_change=True)


@receiver(post_page_move)
def moved(sender, instance, **kwargs) -> None:
    page_changed(instance)


@receiver(pre_delete, sender=Page)
def deleted(sender, instance, **kwargs) -> None:
    if instance.depth > 1:
        page_changed(instance, before_change=True)


def _regions_before_publish(sender, instance, update_fields=None, **kwargs) -> None:
    """Publishing saves the whole page (a draft saves a few fields): the country pages of the
    regions it names *before* the change are affected too, if it stops naming one."""
    if instance.pk and update_fields is None:
        purge_after_commit(region_paths([instance.pk]))


def _export_built(sender, instance, **kwargs) -> None:
    """A PDF or recording is ready: its page and the archive now offer it."""
    page_changed(instance.export.page)


def _translation_marked(sender, instance, **kwargs) -> None:
    page_changed(instance.page)


def _restriction_changed(sender, instance, **kwargs) -> None:
    # A page that gains a restriction leaves the public site; one that loses it comes back.
    # (When the page itself is being deleted, its deletion purges.)
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        page_changed(page)


def _identity_changed(sender, instance, created: bool, **kwargs) -> None:
    # Created means first read (Wagtail makes the row with its defaults): nothing changed.
    if not created:
        purge_after_commit({EVERYTHING})


def connect() -> None:
    from threatpress.core.models import SiteIdentity
    from threatpress.exports.models import ExportFile
    from threatpress.reports.models import AssessmentPage
    from threatpress.translations.models import TranslationState

    pre_save.connect(
        _regions_before_publish, sender=AssessmentPage, dispatch_uid="tp-cache-regions"
    )
    post_save.connect(_export_built, sender=ExportFile, dispatch_uid="tp-cache-export")
    post_save.connect(_translation_marked, sender=TranslationState, dispatch_uid="tp-cache-tr")
    post_save.connect(_identity_changed, sender=SiteIdentity, dispatch_uid="tp-cache-identity")
    post_save.connect(_restriction_changed, sender=PageViewRestriction, dispatch_uid="tp-cache-vr")
    post_delete.connect(
        _restriction_changed, sender=PageViewRestriction, dispatch_uid="tp-cache-vr-del"
    )


connect()
