"""Admin forms that keep edition data consistent while an editor types it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

from threatpress.core.tree_paths import ancestor_paths


class EditionPageForm(WagtailAdminPageForm):
    """The slug of an edition is its year, so its URL always carries the year."""

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None and instance.pk is None:
            instance.add_default_scale()
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("Set from the year.")

    def clean(self):
        year = self.cleaned_data.get("year")
        if year:
            self.cleaned_data["slug"] = str(year)
            parent = self.parent_page
            siblings = Page.objects.child_of(parent).filter(slug=str(year))
            if self.instance.pk:
                siblings = siblings.exclude(pk=self.instance.pk)
            if siblings.exists():
                self.add_error(
                    "year", _("There is already an edition for %(year)s.") % {"year": year}
                )
        return super().clean()


class AssessmentPageForm(WagtailAdminPageForm):
    """Offer only the probability terms and time horizons of the assessment's own edition."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import EditionPage  # models import this module

        anchor = self.instance if self.instance.pk else self.parent_page
        edition = (
            EditionPage.objects.filter(
                path__in=ancestor_paths(anchor.path, from_depth=1, inclusive=True)
            ).first()
            if anchor is not None
            else None
        )
        if edition is None:
            return
        terms = [("", _("— none —"))] + [
            (term.key, f"{term.label} ({term.band})") for term in edition.probability_terms.all()
        ]
        horizons = [("", _("— none —"))] + [
            (h.key, f"{h.label} ({h.span})") for h in edition.time_horizons.all()
        ]
        if "probability" in self.fields:
            self.fields["probability"].widget = forms.Select(choices=terms)
        if "horizon" in self.fields:
            self.fields["horizon"].widget = forms.Select(choices=horizons)
