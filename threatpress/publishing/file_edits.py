"""Whether saving an image or a document changed anything a reader sees, and which pages with
a scheduled release show it.

A page or a PDF shows an image's file, cropped around its focal point, and a document's file
and title. A save that changes none of them (new tags, another collection, or the file size and
hash Wagtail writes back the first time it reads them, with `update_fields`) needs no purge and
no new PDF. The caching and exports receivers ask `changed_for_readers` after a save; a
`pre_save` receiver (`connect`) reads the shown fields as they were before it.
"""

from __future__ import annotations

import logging

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.db.models.signals import post_save, pre_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex, Revision

logger = logging.getLogger(__name__)

# Image and document fields a page may show (an image's title and description too: a figure has
# its own alt text today, but a later template may print them). The rest is bookkeeping.
SHOWN_FIELDS = frozenset(
    {
        "file",
        "title",
        "description",
        "focal_point_x",
        "focal_point_y",
        "focal_point_width",
        "focal_point_height",
    }
)
# The shown fields' values before a save, set on the instance by `_remember_shown`.
BEFORE = "_threatpress_shown_before"


def _shown_fields(model: type[Model], update_fields) -> list[str]:
    names = {field.name for field in model._meta.concrete_fields} & SHOWN_FIELDS
    if update_fields is not None:
        names &= set(update_fields)
    return sorted(names)


def _remember_shown(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or instance._state.adding or instance.pk is None:
        return
    fields = _shown_fields(sender, update_fields)
    before = sender.objects.filter(pk=instance.pk).values(*fields).first() if fields else {}
    setattr(instance, BEFORE, before)


def changed_for_readers(instance: Model, fields: frozenset[str] = SHOWN_FIELDS) -> bool:
    """True when the save just made changed a field readers see (of `fields`, when a caller
    shows fewer); also when the value before it is unknown (a row saved without `pre_save`, or
    gone meanwhile): a purge too many is safe."""
    before = getattr(instance, BEFORE, None)
    if before is None:
        return True
    meta = instance._meta
    return any(
        meta.get_field(name).get_prep_value(meta.get_field(name).value_from_object(instance))
        != value
        for name, value in before.items()
        if name in fields
    )


def changes_what_readers_see(
    instance: Model, created: bool, signal, fields: frozenset[str] = SHOWN_FIELDS
) -> bool:
    """For a receiver of `post_save` and of a deletion: a new file is on no page yet, a deletion
    always counts, and a save counts when it changed one of `fields` (changed_for_readers)."""
    if created:
        return False
    return signal is not post_save or changed_for_readers(instance, fields)


def scheduled_pages_using(model: type[Model], pk: object) -> QuerySet:
    """The pages with a revision scheduled to go live that shows the `model` object `pk`.

    The reference index is built from page rows, which hold the live version, so a picture that
    only a release's revision shows is not in it: each scheduled revision is read instead. They
    are few (a release's pages, for the days before it) and an image is rarely edited then."""
    target = (ContentType.objects.get_for_model(model).pk, str(pk))
    revisions = Revision.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        approved_go_live_at__isnull=False,
    )
    using = {int(revision.object_id) for revision in revisions if _shows(revision, target)}
    return Page.objects.filter(pk__in=using)


def _shows(revision: Revision, target: tuple[int, str]) -> bool:
    try:
        # Wagtail's own extraction (the one the index is built with), reached through its
        # private name: a revision is not a row the index can be asked about.
        references = list(ReferenceIndex._extract_references_from_object(revision.as_object()))
    except Exception:  # a revision its page type can no longer read: a file made again is safe
        logger.exception("could not read the references of revision %s", revision.pk)
        return True
    return any((content_type, object_id) == target for content_type, object_id, *_ in references)


def connect() -> None:
    """Idempotent: the caching and exports apps both call it."""
    for model in (get_image_model(), get_document_model()):
        label = model._meta.label_lower
        pre_save.connect(_remember_shown, sender=model, dispatch_uid=f"tp-shown-{label}")
