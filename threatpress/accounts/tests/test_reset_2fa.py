"""An administrator resets the two-factor authentication of a user who lost their phone."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture
def user_with_device():
    user = get_user_model().objects.create_user("pub", password="a-long-test-password")
    TOTPDevice.objects.create(user=user, name="lost phone", confirmed=True)
    return user


def test_reset_removes_the_users_device(user_with_device):
    out = StringIO()
    call_command("reset_2fa", "pub", stdout=out)
    assert "Removed 1 two-factor device(s) of 'pub'" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=user_with_device).exists()


def test_dry_run_removes_nothing(user_with_device):
    out = StringIO()
    call_command("reset_2fa", "pub", "--dry-run", stdout=out)
    assert "Would remove 1" in out.getvalue()
    assert TOTPDevice.objects.filter(user=user_with_device).exists()


def test_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        call_command("reset_2fa", "nobody")
