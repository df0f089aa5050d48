"""The admin import's two forms: the upload, and the confirmation of every proposal."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from .manuscript import Manuscript
from .saving import Confirmation, positions

DEFAULT_MAX_BYTES = 30 * 1024 * 1024  # a long edition with its charts is a few MB


def max_upload_bytes() -> int:
    return getattr(settings, "THREATPRESS_MANUSCRIPT_MAX_BYTES", DEFAULT_MAX_BYTES)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Manuscript (.docx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )
    year = forms.IntegerField(
        label=_("Edition year"), validators=[MinValueValidator(1990), MaxValueValidator(2200)]
    )
    language = forms.ChoiceField(label=_("Language of the manuscript"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = set(Locale.objects.values_list("language_code", flat=True))
        self.fields["language"].choices = [
            (code, name) for code, name in settings.WAGTAIL_CONTENT_LANGUAGES if code in existing
        ]
        self.fields["year"].initial = timezone.localdate().year + 1
        self.fields["file"].help_text = _("At most %(size)s.") % {
            "size": filesizeformat(max_upload_bytes())
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s; at most %(limit)s can be imported.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(max_upload_bytes()),
                }
            )
        return upload


class ConfirmForm(forms.Form):
    """One probability select and one set of region checkboxes per assessment, filled in with
    what the text suggests."""

    def __init__(self, *args, manuscript: Manuscript, scale: dict[str, str], regions, proposals,
                 **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.rows = []
        region_choices = [(str(region.pk), region.name) for region in regions]
        for key, chapter, assessment in positions(manuscript):
            proposal = proposals.get(key, Confirmation())
            probability = forms.ChoiceField(
                label=_("Probability"),
                required=False,
                choices=[("", _("No probability term")), *list(scale.items())],
                initial=proposal.probability if proposal.probability in scale else "",
            )
            chosen = forms.MultipleChoiceField(
                label=_("Countries and regions"),
                required=False,
                choices=region_choices,
                widget=forms.CheckboxSelectMultiple,
                initial=[str(pk) for pk in proposal.regions],
            )
            self.fields[f"probability_{key}"] = probability
            self.fields[f"regions_{key}"] = chosen
            self.rows.append((key, chapter, assessment))

    def row_fields(self):
        """(key, chapter, assessment, probability field, regions field) for the template."""
        return [
            (key, chapter, assessment, self[f"probability_{key}"], self[f"regions_{key}"])
            for key, chapter, assessment in self.rows
        ]

    def confirmations(self) -> dict[str, Confirmation]:
        return {
            key: Confirmation(
                probability=self.cleaned_data[f"probability_{key}"],
                regions=tuple(int(pk) for pk in self.cleaned_data[f"regions_{key}"]),
            )
            for key, _chapter, _assessment in self.rows
        }
