"""Two-factor authentication: required for Publishers and superusers, optional for the others,
and nothing changes while it is off."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Page

from threatpress.publishing.roles import AUTHORS, PUBLISHERS, ensure_editorial_roles

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"
VERIFY = "/admin/2fa/verify/"
ENROL = "/admin/2fa/setup/"
LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def roles(site_tree):
    ensure_editorial_roles(Page.get_first_root_node())


@pytest.fixture
def two_factor_on():
    with override_settings(THREATPRESS_2FA=True):
        yield


def make_user(username: str, group: str | None = None, **extra):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def add_device(user, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=confirmed)


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or that many 30-second steps later)."""
    device.refresh_from_db()
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + steps_ahead,
    )
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    # Any code that is not valid in the accepted window (the current step ± one).
    valid = {code_for(device, ahead) for ahead in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def signed_in(user) -> Client:
    """A client that has given the right password (the first factor) and nothing more."""
    client = Client()
    client.force_login(user)
    return client


# --- Publishers: required ---------------------------------------------------------------------


def test_publisher_without_a_device_is_sent_to_set_one_up(two_factor_on):
    client = signed_in(make_user("pub", PUBLISHERS))
    for path in ("/admin/", "/admin/pages/", "/footnotes/footnotes_modal/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{ENROL}?next={quote(path)}"


def test_superuser_without_a_device_is_sent_to_set_one_up(two_factor_on):
    client = signed_in(make_user("root", is_superuser=True, is_staff=True))
    response = client.get("/admin/pages/")
    assert response["Location"].startswith(ENROL)


def test_publisher_with_a_device_must_enter_a_code(two_factor_on):
    user = make_user("pub", PUBLISHERS)
    add_device(user)
    client = signed_in(user)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=/admin/pages/"
    # The set-up screen is no way round: the device exists, so a code is asked for.
    assert client.get(ENROL)["Location"].startswith(VERIFY)


def test_the_right_code_lets_the_publisher_in(two_factor_on):
    user = make_user("pub", PUBLISHERS)
    device = add_device(user)
    client = signed_in(user)
    page = client.get(f"{VERIFY}?next=/admin/pages/")
    assert page.status_code == 200
    assert b"Enter the code from your authenticator app" in page.content
    response = client.post(VERIFY, {"code": code_for(device), "next": "/admin/pages/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_code_with_a_space_as_apps_show_it_is_accepted(two_factor_on):
    user = make_user("pub", PUBLISHERS)
    device = add_device(user)
    client = signed_in(user)
    code = code_for(device)
    response = client.post(VERIFY, {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_code_from_a_phone_one_step_ahead_is_accepted(two_factor_on):
    user = make_user("pub", PUBLISHERS)
    device = add_device(user)
    client = signed_in(user)
    response = client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})
    assert response.status_code == 302


def test_a_wrong_code_is_refused_with_a_clear_error(two_factor_on):
    user = make_user("pub", PUBLISHERS)
    device = add_device(user)
    client = signed_in(user)
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    assert client.get("/admin/pages/")["Location"].startswith(VERIFY)


SIX_DIGITS = "Enter the six digits your app shows"


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "This field is required."),
        ("12345", SIX_DIGITS),
        ("1234567", SIX_DIGITS),
        ("abcdef", SIX_DIGITS),
        ("12345\x00", "Null characters are not allowed."),
        ("1" * 500, "Ensure this value has at most 20 characters"),
    ],
)
def test_malformed_codes_get_a_form_error_not_a_crash(two_factor_on, typed, error):
    user = make_user("pub", PUBLISHERS)
    device = add_device(user)
    response = signed_in(user).post(VERIFY, {"code": typed})
    assert response.status_code == 200
    assert f'<li class="error">{error}' in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0  # a typo is not a guess


def test_repeated_wrong_codes_are_throttled_even_before_the_right_one(two_factor_on):
    user = make_user("pub", PUBLISHERS)
    device = add_device(user)
    client = signed_in(user)
    wrong = wrong_code(device)
    client.post(VERIFY, {"code": wrong})
    time.sleep(1.1)  # the first failure blocks for one second
    client.post(VERIFY, {"code": wrong})
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 200
    assert b"Too many wrong codes in a row" in response.content
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_a_code_cannot_be_used_twice(two_factor_on):
    user = make_user("pub", PUBLISHERS)
    device = add_device(user)
    code = code_for(device)
    assert signed_in(user).post(VERIFY, {"code": code}).status_code == 302
    response = signed_in(user).post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert b"That code is not right" in response.content


def test_next_cannot_send_the_user_to_another_site(two_factor_on):
    user = make_user("pub", PUBLISHERS)
    device = add_device(user)
    response = signed_in(user).post(
        VERIFY, {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


# --- Setting up -------------------------------------------------------------------------------


def test_set_up_shows_a_qr_code_and_the_key(two_factor_on):
    client = signed_in(make_user("pub", PUBLISHERS))
    response = client.get(ENROL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'src="data:image/svg+xml' in html
    device = TOTPDevice.objects.get(user__username="pub", confirmed=False)
    secret = html.split('class="two-factor-secret">')[1].split("<")[0]
    assert len(secret.replace(" ", "")) == 32
    # The same secret on a reload, so that a scanned code keeps working.
    assert secret in client.get(ENROL).content.decode()
    assert TOTPDevice.objects.filter(user__username="pub").count() == 1
    assert device.config_url.startswith("otpauth://totp/")


def test_set_up_with_the_right_code_turns_it_on_and_lets_the_user_in(two_factor_on):
    user = make_user("pub", PUBLISHERS)
    client = signed_in(user)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(ENROL, {"code": code_for(device), "next": "/admin/pages/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/pages/").status_code == 200
    # The next sign-in asks for a code.
    assert signed_in(user).get("/admin/")["Location"].startswith(VERIFY)


def test_set_up_with_a_wrong_code_is_refused(two_factor_on):
    user = make_user("pub", PUBLISHERS)
    client = signed_in(user)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(ENROL, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1  # guessing is throttled here too
    assert client.get("/admin/")["Location"].startswith(ENROL)


# --- Authors: optional ------------------------------------------------------------------------


def test_author_without_a_device_uses_the_admin(two_factor_on):
    client = signed_in(make_user("author", AUTHORS))
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/pages/").status_code == 200
    # No code to ask for: the code screen offers the set-up instead.
    assert client.get(VERIFY)["Location"] == ENROL


def test_author_may_set_it_up_and_is_then_asked_for_a_code(two_factor_on):
    user = make_user("author", AUTHORS)
    client = signed_in(user)
    response = client.get(ENROL)
    assert response.status_code == 200
    assert b"Your account can publish" not in response.content
    device = TOTPDevice.objects.get(user=user)
    assert client.post(ENROL, {"code": code_for(device)}).status_code == 302
    assert signed_in(user).get("/admin/")["Location"].startswith(VERIFY)


def test_the_account_page_offers_two_factor_set_up(two_factor_on):
    client = signed_in(make_user("author", AUTHORS))
    assert ENROL.encode() in client.get("/admin/account/").content


# --- Who may reach the screens ----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(two_factor_on):
    for path in (VERIFY, ENROL):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_public_pages_are_not_held_back(two_factor_on, edition):
    client = signed_in(make_user("pub", PUBLISHERS))
    assert client.get("/en/reports/2026/").status_code == 200


# --- Off --------------------------------------------------------------------------------------


def test_with_two_factor_off_nothing_changes():
    user = make_user("pub", PUBLISHERS)
    add_device(user)
    client = signed_in(user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/pages/").status_code == 200
    # The two-factor screens just lead to the dashboard.
    assert client.get(VERIFY)["Location"] == "/admin/"
    assert client.get(ENROL)["Location"] == "/admin/"
    assert ENROL.encode() not in client.get("/admin/account/").content


# --- Password throttling still applies --------------------------------------------------------


@override_settings(AXES_ENABLED=True, THREATPRESS_2FA=True)
def test_password_lock_out_still_works_before_the_code():
    user = make_user("pub", PUBLISHERS)
    add_device(user)
    client = Client()
    for _ in range(5):
        client.post(LOGIN, {"username": "pub", "password": "wrong"})
    response = client.post(LOGIN, {"username": "pub", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True, THREATPRESS_2FA=True)
def test_the_right_password_then_the_right_code_signs_in():
    user = make_user("pub", PUBLISHERS)
    device = add_device(user)
    client = Client()
    response = client.post(LOGIN, {"username": "pub", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"] == f"{VERIFY}?next=/admin/"
    response = client.post(VERIFY, {"code": code_for(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
