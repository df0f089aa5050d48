"""Every page that enters another language through Wagtail starts out untranslated."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import translation
from wagtail.models import Page
from wagtail.signals import copy_for_translation_done

from .models import TranslationState


@receiver(copy_for_translation_done)
def copy_starts_untranslated(sender, source_obj, target_obj, **kwargs) -> None:
    if isinstance(target_obj, Page):
        TranslationState.objects.update_or_create(
            page=target_obj, defaults={"source": source_obj, "translated": False}
        )
        reword_default_scale(source_obj, target_obj)


def reword_default_scale(source: Page, copy: Page) -> None:
    """An edition's copy brings the original's scale. Where the original kept our default words
    ("Likely", "Near term"), give the copy the defaults of its own language, so translators
    start from the standard wording; words an editor chose are left for the translator."""
    from threatpress.reports.models import EditionPage
    from threatpress.reports.scale import DEFAULT_PROBABILITY_TERMS, DEFAULT_TIME_HORIZONS

    if not isinstance(copy, EditionPage):
        return
    fields = {"label", "description", "span"}

    def words(defaults, language: str) -> dict[str, dict[str, str]]:
        with translation.override(language):
            return {
                d.key: {f: str(getattr(d, f)) for f in fields if hasattr(d, f)} for d in defaults
            }

    source_language = source.locale.language_code
    target_language = copy.locale.language_code
    for rows, defaults in (
        (copy.probability_terms.all(), DEFAULT_PROBABILITY_TERMS),
        (copy.time_horizons.all(), DEFAULT_TIME_HORIZONS),
    ):
        original = words(defaults, source_language)
        translated = words(defaults, target_language)
        for row in rows:
            changed = False
            for name, value in original.get(row.key, {}).items():
                if getattr(row, name) == value:
                    setattr(row, name, translated[row.key][name])
                    changed = True
            if changed:
                row.save()


@receiver(post_save)
def alias_in_another_language_starts_untranslated(sender, instance, created, **kwargs) -> None:
    """Translating a page whose parent has no translation makes the parent an alias in the new
    language: a live mirror of the original's text. It is untranslated like any copy."""
    if not created or not isinstance(instance, Page) or instance.alias_of_id is None:
        return
    original = Page.objects.filter(pk=instance.alias_of_id).only("locale_id").first()
    if original is not None and original.locale_id != instance.locale_id:
        TranslationState.objects.get_or_create(page=instance, defaults={"source": original})
