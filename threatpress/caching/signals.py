"""Every kind of change that alters public pages, each sent to invalidation.page_changed.

Wagtail's publish and unpublish actions send published / page_unpublished for every route
(the editor, the workflow, `publish_scheduled` for go-lives and expiries, the staged release),
so scheduled changes need nothing of their own. Moves and deletions are purged at both the old
addresses (computed before the change) and the new ones. Two ways of putting a page on the site
send neither: a copy kept live and a new alias of a live page are created live (`page_created`),
and an alias follows its original's publish with only `page_published` (`alias_updated`).
Images and documents are not pages: the live pages that use one are purged when it is edited
or deleted, and when an image's renditions are deleted (`_file_changed`).
"""

from __future__ import annotations

import datetime

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.models import AbstractRendition
from wagtail.models import Locale, Page, PageViewRestriction, Site, get_page_models
from wagtail.signals import (
    page_published,
    page_unpublished,
    post_page_move,
    pre_page_move,
    published,
)

from .affected import region_paths
from .invalidation import page_changed, purge_after_commit
from .purge_log import EVERYTHING

# Set by the save a publish makes ("own" or "listed"), read by the `published` signal after it.
OWN_TEXT_ONLY = "_threatpress_own_text_only"
# Fields an assessment may change and still have changed only its own text (affected.py): shown
# on its page alone, or also where it is listed with its summary; and the bookkeeping a publish
# changes that no reader sees. Any other field, or one added later, counts as a change other
# pages may show.
OWN_TEXT_FIELDS = frozenset({"body"})
LISTED_TEXT_FIELDS = frozenset({"summary"})
BOOKKEEPING_FIELDS = frozenset(
    {
        "latest_revision_id",
        "live_revision_id",
        "has_unpublished_changes",
        "last_published_at",
        "latest_revision_created_at",
        "draft_title",
        "locked",
        "locked_at",
        "locked_by_id",
        "owner_id",
        # When a scheduled revision goes live, or when it expires: the scheduler acts on them
        # (an expiry unpublishes, which purges), and no page shows them.
        "go_live_at",
        "expire_at",
    }
)
# A revision read back from the database (a scheduled go-live, a workflow's approval) holds its
# times to the millisecond, as JSON does: a time that differs from the stored one by less is
# the same time, and the stored value is kept.
JSON_PRECISION = datetime.timedelta(milliseconds=1)


# Wagtail's generic `published`, which its page action sends after `page_published` and its
# generic PublishRevisionAction sends alone: a page published through either is purged (once).
@receiver(published)
def published_page(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        scope = instance.__dict__.pop(OWN_TEXT_ONLY, None)
        page_changed(instance, own_text_only=scope is not None, listed=scope == "listed")


@receiver(page_published)
def alias_updated(sender, instance, alias: bool = False, **kwargs) -> None:
    # Publishing a page copies its content to each of its aliases and sends `page_published`
    # (alias=True) for each, but not `published`: the alias's addresses show the new content.
    if alias:
        page_changed(instance)


def page_created(sender, instance, created: bool, **kwargs) -> None:
    """A page saved live on creation is on the site at once: a copy with "publish copies" ticked
    or an alias of a live page (the admin's Copy), a page a script adds. Wagtail sends no
    `published` for either; the admin creates a new page as a draft and publishes it."""
    if created and instance.live and instance.depth > 1:
        page_changed(instance)


@receiver(page_unpublished)
def unpublished(sender, instance, **kwargs) -> None:
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


def _own_text_change(instance) -> str | None:
    """ "own" when saving `instance` changes only its own text (its body), "listed" when that
    text includes its summary, None otherwise: it was live, stays live, and every other field
    other pages may show (and the regions it names) is as the database has it."""
    model = type(instance)
    compared = [
        field.attname
        for field in model._meta.concrete_fields
        if field.attname not in OWN_TEXT_FIELDS | BOOKKEEPING_FIELDS
    ]
    before = model.objects.filter(pk=instance.pk).values(*compared).first()
    if before is None or not before["live"]:
        return None
    changed = set()
    for name, stored in before.items():
        value = getattr(instance, name)
        if value == stored:
            continue
        both_times = isinstance(stored, datetime.datetime) and isinstance(value, datetime.datetime)
        # (A naive time beside an aware one cannot be subtracted: it counts as a change.)
        both_times = both_times and (value.tzinfo is None) == (stored.tzinfo is None)
        if both_times and abs(value - stored) < JSON_PRECISION:
            setattr(instance, name, stored)  # the same time, read back from JSON
        else:
            changed.add(name)
    if changed - LISTED_TEXT_FIELDS:
        return None
    named = model.regions.through.objects.filter(assessmentpage_id=instance.pk)
    if set(named.values_list("region_id", flat=True)) != {r.pk for r in instance.regions.all()}:
        return None
    return "listed" if changed else "own"


def _before_publish(sender, instance, update_fields=None, **kwargs) -> None:
    """Publishing saves the whole page (a draft saves a few fields). If only its own text (body,
    summary) changes, the publish purges less (affected.own_text_paths). Otherwise the country
    pages of the regions it names *before* the change are affected too, if it stops naming one."""
    instance.__dict__.pop(OWN_TEXT_ONLY, None)
    if not instance.pk or update_fields is not None:
        return
    scope = _own_text_change(instance)
    if scope is not None:
        instance.__dict__[OWN_TEXT_ONLY] = scope
    else:
        purge_after_commit(region_paths([instance.pk]))


def _export_built(sender, instance, **kwargs) -> None:
    """A PDF or recording is ready: its page (and, for an edition's file, the archive) now offers
    it. Those are among the addresses a change of the page's own text purges, not the rest of
    its edition: a fresh install or a new body has a dozen files built one after the other."""
    page_changed(instance.export.page, own_text_only=True)


def _file_changed(sender, instance, created: bool = False, **kwargs) -> None:
    """An image or document edited or deleted, or an image's rendition deleted: the pages that
    show it are purged as for a new body (affected.own_text_paths), as they name its files and
    show its title. Replacing an image's file or moving its focal point deletes every rendition
    and its file, which the pages in every cache still link to: purged when each rendition is
    gone, so that no page rendered before that is kept. A new image or document is on no page,
    and a save that changed nothing readers see (new tags, say) changes none
    (publishing.file_edits)."""
    from threatpress.publishing.file_edits import changes_what_readers_see
    from threatpress.publishing.visibility import live_pages_using

    if not changes_what_readers_see(instance, created, kwargs.get("signal")):
        return
    if isinstance(instance, AbstractRendition):
        model, pk = get_image_model(), instance.image_id
    else:
        model, pk = type(instance), instance.pk
    for page in live_pages_using(model, pk):
        page_changed(page, own_text_only=True)


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


def _everything_changed(sender, instance, **kwargs) -> None:
    # A Site saved or deleted: every address of the site may change (its host, port or root
    # page), and the Site each process remembers for a host (sites.py) with them. A language
    # added, recoded or removed: routing, switchers and alternates change everywhere, and the
    # language codes each process remembers (core/request_locales.py).
    purge_after_commit({EVERYTHING})


def _region_changed(sender, instance, created: bool = False, **kwargs) -> None:
    # A country or region renamed or removed shows on every assessment naming it, its region
    # pages, the index, the timeline and the search filters: rare enough to purge everything.
    # A new one shows nowhere until a published assessment names it (that publish purges).
    if not created:
        purge_after_commit({EVERYTHING})


def connect() -> None:
    from threatpress.core.models import SiteIdentity
    from threatpress.exports.models import ExportFile
    from threatpress.publishing import file_edits
    from threatpress.regions.models import Region
    from threatpress.reports.models import AssessmentPage
    from threatpress.translations.models import TranslationState

    pre_save.connect(_before_publish, sender=AssessmentPage, dispatch_uid="tp-cache-regions")
    for model in get_page_models():  # post_save is sent for the concrete class only
        post_save.connect(page_created, sender=model, dispatch_uid=f"tp-cache-new-{model._meta}")
    post_save.connect(_export_built, sender=ExportFile, dispatch_uid="tp-cache-export")
    post_save.connect(_translation_marked, sender=TranslationState, dispatch_uid="tp-cache-tr")
    post_save.connect(_identity_changed, sender=SiteIdentity, dispatch_uid="tp-cache-identity")
    post_save.connect(_restriction_changed, sender=PageViewRestriction, dispatch_uid="tp-cache-vr")
    post_delete.connect(
        _restriction_changed, sender=PageViewRestriction, dispatch_uid="tp-cache-vr-del"
    )
    post_save.connect(_region_changed, sender=Region, dispatch_uid="tp-cache-region")
    post_delete.connect(_region_changed, sender=Region, dispatch_uid="tp-cache-region-del")
    # An image or document before it goes (the references to it go with it); a rendition once it
    # is gone (a page rendered from then on asks for a new one).
    file_edits.connect()
    renditions = get_image_model().get_rendition_model()
    for model, removal in (
        (get_image_model(), pre_delete),
        (get_document_model(), pre_delete),
        (renditions, post_delete),
    ):
        label = model._meta.label_lower
        post_save.connect(_file_changed, sender=model, dispatch_uid=f"tp-cache-file-{label}")
        removal.connect(_file_changed, sender=model, dispatch_uid=f"tp-cache-file-del-{label}")
    post_save.connect(_everything_changed, sender=Locale, dispatch_uid="tp-cache-locale")
    post_delete.connect(_everything_changed, sender=Locale, dispatch_uid="tp-cache-locale-del")
    post_save.connect(_everything_changed, sender=Site, dispatch_uid="tp-cache-site")
    post_delete.connect(_everything_changed, sender=Site, dispatch_uid="tp-cache-site-del")


connect()
