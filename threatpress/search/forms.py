"""The filters, as a form: a value that is not among the choices is dropped, never an error."""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .service import NEWEST, RELEVANCE, Choices, Filters


class FilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Edition"), required=False, coerce=int, empty_value=None)
    chapter = forms.ChoiceField(label=pgettext_lazy("search filter", "Chapter"), required=False)
    region = forms.ChoiceField(label=_("Country or region"), required=False)
    probability = forms.ChoiceField(label=_("Probability"), required=False)
    sort = forms.ChoiceField(
        label=pgettext_lazy("search filter", "Order"),
        required=False,
        choices=[(RELEVANCE, _("Best match first")), (NEWEST, _("Newest edition first"))],
    )

    def __init__(self, data, choices: Choices):
        super().__init__(data, auto_id="search-%s")
        self.fields["year"].choices = [("", _("All editions"))] + [
            (year, str(year)) for year in choices.years
        ]
        self.fields["chapter"].choices = [("", _("All chapters")), *choices.chapters.items()]
        self.fields["region"].choices = [
            ("", _("All countries and regions")),
            *choices.regions.items(),
        ]
        self.fields["probability"].choices = [
            ("", _("Any probability")),
            *choices.probabilities.items(),
        ]
        # Keep what is valid and forget what is not (a stale link, a hand-made address): the
        # form is bound again to the valid values only, so it shows no error.
        valid = {}
        for name, form_field in self.fields.items():
            value = data.get(name, "")
            try:
                form_field.clean(value)
            except forms.ValidationError:
                continue
            valid[name] = value
        self.data = valid
        self.full_clean()

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            year=data.get("year"),
            chapter=data.get("chapter") or "",
            region=data.get("region") or "",
            probability=data.get("probability") or "",
        )

    def ordering(self) -> str:
        return self.cleaned_data.get("sort") or RELEVANCE

    def selects(self) -> list[tuple[str, str, SafeString]]:
        """(id, label, the <select>) of each filter. Written here rather than by Django's widget
        templates, which render a template per option: with twenty editions and every region
        that was a sixth of a search's time in a profile on the synthetic archive."""
        rows = []
        for bound in self:
            current = str(bound.value() or "")
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (value, " selected" if str(value) == current else "", label)
                    for value, label in bound.field.choices
                ),
            )
            name, id_ = bound.html_name, bound.id_for_label
            select = format_html('<select name="{}" id="{}">{}</select>', name, id_, options)
            rows.append((id_, bound.label, select))
        return rows
