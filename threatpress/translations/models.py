"""Where a translated page stands against its original.

Wagtail's "Translate" (wagtail.contrib.simple_translation) copies a page into another language as
a draft that still holds the original's text. A `TranslationState` row is made for every such
copy, and for every alias Wagtail creates in another language to hold a translated child. Until
a translator marks the copy as translated, the page is not public whatever its `live` flag says
(publishing/visibility.py), so untranslated text can never reach a reader.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Revision


class TranslationState(models.Model):
    page = models.OneToOneField(
        Page, on_delete=models.CASCADE, related_name="translation_state", verbose_name=_("page")
    )
    # The page this one was translated from (another language, same translation key).
    source = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="+", verbose_name=_("original")
    )
    translated = models.BooleanField(_("translated"), default=False)
    # The original's revision the translation matched when it was last marked as translated:
    # what changed in the original since is the difference from this revision to its latest.
    source_revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("translation state")
        verbose_name_plural = _("translation states")

    def __str__(self) -> str:
        state = "translated" if self.translated else "not translated"
        return f"{self.page_id} from {self.source_id}: {state}"
