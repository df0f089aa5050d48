"""With THREATPRESS_2FA=true an administrator sets up an authenticator app at the first sign-in
and enters a code at the next; the screens work under the admin's Content Security Policy."""

from __future__ import annotations

import base64
import re
import time

from django_otp.oath import totp
from playwright.sync_api import Browser, Page, expect

from .conftest import ADMIN_2FA, watch_csp


def code_for(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for this key now (or that many 30-second steps later)."""
    key = secret.replace(" ", "")
    key += "=" * (-len(key) % 8)
    return f"{totp(base64.b32decode(key), drift=steps_ahead):06d}"


def sign_in(page: Page) -> None:
    page.goto("/admin/pages/")
    page.get_by_label("Username").fill(ADMIN_2FA[0])
    page.get_by_label("Password").fill(ADMIN_2FA[1])
    page.get_by_role("button", name="Sign in").click()


def test_admin_sets_up_an_app_then_signs_in_with_a_code(browser: Browser, server_2fa):
    base_url, ensure_admin_said = server_2fa
    # What `make run` prints through ensure_admin.
    assert "sets up an authenticator app" in ensure_admin_said

    first = browser.new_context(base_url=base_url).new_page()
    violations = watch_csp(first)
    sign_in(first)
    expect(first).to_have_url(re.compile(r"/admin/2fa/setup/\?next=/admin/pages/$"))
    # The rest of the admin is out of reach until the app is set up.
    first.goto("/admin/")
    expect(first).to_have_url(re.compile(r"/admin/2fa/setup/"))
    qr_code = first.get_by_role("img", name="QR code that adds this account")
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("img => img.naturalWidth") > 0
    secret = first.locator(".two-factor-secret").inner_text()
    code = first.get_by_label("Six-digit code from your authenticator app")
    code.fill("12345")
    first.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(first.get_by_role("status")).to_contain_text("Enter the six digits your app shows")
    code.fill(code_for(secret))
    first.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(first).to_have_url(re.compile(r"/admin/$"))
    expect(first.get_by_role("status").first).to_contain_text("Two-factor authentication is on.")

    # The next sign-in asks for a code: a wrong one is refused, the app's next one accepted.
    second = browser.new_context(base_url=base_url).new_page()
    violations += watch_csp(second)
    sign_in(second)
    expect(second).to_have_url(re.compile(r"/admin/2fa/verify/\?next=/admin/pages/$"))
    code = second.get_by_label("Six-digit code from your authenticator app")
    code.fill("000000" if code_for(secret, 1) != "000000" else "111111")
    second.get_by_role("button", name="Continue").click()
    expect(second.get_by_role("status")).to_contain_text("That code is not right.")
    time.sleep(1.1)  # one wrong code locks the device for a second
    code.fill(code_for(secret, steps_ahead=1))  # a phone a little ahead; the current code is used
    second.get_by_role("button", name="Continue").click()
    expect(second).to_have_url(re.compile(r"/admin/pages/$"))
    expect(second.get_by_role("heading", level=1)).to_be_visible()
    assert violations == []
