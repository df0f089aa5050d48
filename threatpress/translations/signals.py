"""Every page that enters another language through Wagtail starts out untranslated."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import copy_for_translation_done

from .models import TranslationState


@receiver(copy_for_translation_done)
def copy_starts_untranslated(sender, source_obj, target_obj, **kwargs) -> None:
    if isinstance(target_obj, Page):
        TranslationState.objects.update_or_create(
            page=target_obj, defaults={"source": source_obj, "translated": False}
        )


@receiver(post_save)
def alias_in_another_language_starts_untranslated(sender, instance, created, **kwargs) -> None:
    """Translating a page whose parent has no translation makes the parent an alias in the new
    language: a live mirror of the original's text. It is untranslated like any copy."""
    if not created or not isinstance(instance, Page) or instance.alias_of_id is None:
        return
    original = Page.objects.filter(pk=instance.alias_of_id).only("locale_id").first()
    if original is not None and original.locale_id != instance.locale_id:
        TranslationState.objects.get_or_create(page=instance, defaults={"source": original})
