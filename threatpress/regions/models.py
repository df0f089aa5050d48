"""Countries, regions and organisations that judgments concern."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index


class Region(TranslatableMixin, index.Indexed, models.Model):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")
        ORGANISATION = "organisation", _("Organisation")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COUNTRY)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("kind")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("country or region")
        verbose_name_plural = _("countries and regions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["locale", "slug"], name="unique_region_slug_per_locale")
        ]

    def __str__(self) -> str:
        return self.name
