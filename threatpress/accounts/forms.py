from __future__ import annotations

import re

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import two_factor


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app, checked against the user's device."""

    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, user: AbstractBaseUser, device: TOTPDevice, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device

    def clean_code(self) -> str:
        code = two_factor.normalise_code(self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(
                _("Enter the six digits your app shows, for example 123456.")
            )
        try:
            self.accept(code)
        except two_factor.CodeRefused as refused:
            raise forms.ValidationError(str(refused)) from refused
        return code

    def accept(self, code: str) -> None:
        two_factor.check_code(self.device, code)


class EnrolForm(CodeForm):
    """The first code from a newly scanned app confirms the device."""

    def accept(self, code: str) -> None:
        self.device = two_factor.confirm_device(self.user, self.device, code)
