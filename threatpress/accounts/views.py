"""The two screens of two-factor authentication: enter a code, and set up an app."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from . import two_factor
from .forms import CodeForm, EnrolForm


def _next_url(request: HttpRequest) -> str:
    """Where the person was going, if it is on this site; else the admin's dashboard."""
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


@never_cache
@sensitive_post_parameters("code")
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the user's app."""
    if not two_factor.is_enabled() or request.user.is_verified():
        return redirect(_next_url(request))
    device = two_factor.confirmed_device(request.user)
    if device is None:
        query = request.GET.urlencode()
        return redirect(reverse("two_factor_enrol") + (f"?{query}" if query else ""))
    form = CodeForm(request.user, device, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect(_next_url(request))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
    )


@never_cache
@sensitive_post_parameters("code")
def enrol(request: HttpRequest) -> HttpResponse:
    """Scan a QR code (or type the key), then prove it works with one code."""
    if not two_factor.is_enabled():
        return redirect("wagtailadmin_home")
    device = two_factor.confirmed_device(request.user)
    if device is not None:
        # Already set up (and verified, or the middleware would have asked for a code).
        return render(request, "accounts/two_factor_enabled.html", {"device": device})
    device = two_factor.pending_device(request.user)
    form = EnrolForm(request.user, device, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        messages.success(
            request,
            _("Two-factor authentication is on. You will be asked for a code when you sign in."),
        )
        return redirect(_next_url(request))
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_code": two_factor.qr_code_data_uri(device),
            "secret": two_factor.readable_secret(device),
            "required": two_factor.must_use_two_factor(request.user),
        },
    )
