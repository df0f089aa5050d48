"""Password guessing is throttled: five failures lock out that user from that address."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("axes_on")]
LOGIN = "/admin/login/"
PASSWORD = "the-right-long-password"


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "editor", password=PASSWORD, is_staff=True, is_superuser=True
    )


def attempt(client, username, password, address="127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_wrong_password_is_a_form_error(editor):
    response = attempt(Client(), "editor", "wrong")
    assert response.status_code == 200
    assert b"Your username and password didn" in response.content


def test_five_failures_lock_the_account_even_for_the_right_password(editor):
    client = Client()
    for _ in range(5):
        attempt(client, "editor", "wrong")
    response = attempt(client, "editor", PASSWORD)
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_user_and_address(editor):
    for _ in range(5):
        attempt(Client(), "editor", "wrong", address="10.9.9.9")
    response = attempt(Client(), "editor", PASSWORD, address="127.0.0.1")
    assert response.status_code == 302  # signed in from elsewhere
    assert response["Location"].startswith("/admin/")


def test_a_success_resets_the_count(editor):
    client = Client()
    for _ in range(4):
        attempt(client, "editor", "wrong")
    assert attempt(client, "editor", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "editor", "wrong")
    assert attempt(client, "editor", PASSWORD).status_code == 302
