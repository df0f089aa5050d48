"""Two-factor authentication with a TOTP authenticator app (RFC 6238), built on django-otp.

Off unless `THREATPRESS_2FA` is true. When on, any editor may set up an authenticator app and is
then asked for a code after the password; Publishers and superusers must set one up before they
can use the admin. One confirmed device per user; a lost one is removed with
`manage.py reset_2fa USERNAME`.
"""

from __future__ import annotations

import math
import re
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from threatpress.publishing.roles import PUBLISHERS

DEVICE_NAME = "Authenticator app"


class CodeRefused(Exception):
    """A code was not accepted; the message says why, for the person typing it."""


def is_enabled() -> bool:
    return bool(settings.THREATPRESS_2FA)


def must_use_two_factor(user: AbstractBaseUser) -> bool:
    """Publishers release assessments and superusers can do anything: a password is not enough."""
    return user.is_superuser or user.groups.filter(name=PUBLISHERS).exists()


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_device(user: AbstractBaseUser) -> TOTPDevice:
    """The device being set up: the same secret on every visit until it is confirmed."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def readable_secret(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG data: URI (an <img> the admin's CSP allows)."""
    # White behind the modules, so that the code also scans in the admin's dark theme.
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def normalise_code(code: str) -> str:
    """Apps show codes as "123 456"; people paste them with spaces or dashes."""
    return re.sub(r"[\s-]", "", code)


def check_code(device: TOTPDevice, code: str) -> None:
    """Accept a current code (one 30-second step of clock drift either way) or raise CodeRefused.

    django-otp refuses a code already used and throttles guessing: after n wrong codes in a row
    the device accepts nothing for 2^(n-1) seconds. The row is locked so that two parallel
    requests cannot both pass the throttle.
    """
    refusal = None
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            refusal = throttled_message(details or {})
        elif not device.verify_token(code):
            refusal = _("That code is not right. Enter the code your app shows now.")
    # Raised after the block: inside it, the failure count just recorded would be rolled back.
    if refusal is not None:
        raise CodeRefused(refusal)


def throttled_message(details: dict) -> str:
    locked_until = details.get("locked_until")
    if locked_until is None:
        return _("Codes cannot be checked right now. Try again in a minute.")
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes in a row. Wait %(seconds)d second, then try again.",
        "Too many wrong codes in a row. Wait %(seconds)d seconds, then try again.",
        seconds,
    ) % {"seconds": seconds}


def confirm_device(user: AbstractBaseUser, device: TOTPDevice, code: str) -> TOTPDevice:
    """Finish setting up: the first correct code from the app turns the device on."""
    check_code(device, code)  # outside the transaction below, so that a failure stays counted
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.refresh_from_db()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


def device_count(user: AbstractBaseUser) -> int:
    return TOTPDevice.objects.filter(user=user).count()


@transaction.atomic
def reset(user: AbstractBaseUser) -> int:
    """Remove every device of the user (a lost phone); returns how many there were."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted
