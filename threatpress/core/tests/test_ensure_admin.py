from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_creates_admin_with_random_password_printed_once(monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_USERNAME", raising=False)
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    password = out.getvalue().split("password: ")[1].split()[0]
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)
    again = StringIO()
    call_command("ensure_admin", stdout=again)
    assert password not in again.getvalue()
    assert "admin" in again.getvalue()


def test_uses_the_environment_when_given(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "editor-in-chief")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-chosen-password")
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    user = get_user_model().objects.get(username="editor-in-chief")
    assert user.check_password("a-long-chosen-password")
    assert "a-long-chosen-password" not in out.getvalue()


def test_admin_can_log_in_to_wagtail(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "chief")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-chosen-password")
    call_command("ensure_admin", stdout=StringIO())
    assert client.login(username="chief", password="a-long-chosen-password")
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("enabled", [True, False])
def test_says_when_the_admin_will_set_up_two_factor_at_first_sign_in(monkeypatch, enabled):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "editor-in-chief")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-chosen-password")
    out = StringIO()
    with override_settings(THREATPRESS_2FA=enabled):
        call_command("ensure_admin", stdout=out)
    assert ("sets up an authenticator app" in out.getvalue()) is enabled
