"""A visitor's choice, as the consent cookie carries it: `<policy version>.<consent id>.<granted>`.

`granted` is the allowed optional categories joined by `+`, or `-` for none; strictly necessary
cookies are always allowed and not listed. The cookie is readable by the consent script (it is
not HttpOnly) so that every visitor who has decided can get the same cached page and the script
loads what this visitor allowed. The value says nothing about the visitor: the consent id is
random and only links their later changes to the same consent log entries.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from .registry import CONSENT_COOKIE, OPTIONAL_KEYS, acceptance_lifetime, refusal_lifetime

VALUE = re.compile(r"^(?P<version>[0-9a-f]{10})\.(?P<id>[0-9a-f]{32})\.(?P<granted>-|[a-z+]+)$")


def new_consent_id() -> str:
    """128 random bits in hex: unguessable, and harmless in a CSV file (no leading = + - @)."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Consent:
    version: str
    consent_id: str
    granted: frozenset[str]

    @property
    def value(self) -> str:
        granted = "+".join(key for key in OPTIONAL_KEYS if key in self.granted)
        return f"{self.version}.{self.consent_id}.{granted or '-'}"

    def allows(self, category: str) -> bool:
        return category in self.granted


def parse(value: str | None) -> Consent | None:
    match = VALUE.match(value or "")
    if match is None:
        return None
    granted = frozenset(match["granted"].split("+")) & set(OPTIONAL_KEYS)
    return Consent(match["version"], match["id"], granted)


def read(request: HttpRequest) -> Consent | None:
    """The visitor's last choice, whatever policy version it answered."""
    return parse(request.COOKIES.get(CONSENT_COOKIE))


def current(request: HttpRequest, version: str) -> Consent | None:
    """The visitor's choice if it answered this policy version; otherwise they must be asked."""
    consent = read(request)
    return consent if consent is not None and consent.version == version else None


def store(response: HttpResponse, request: HttpRequest, consent: Consent) -> None:
    """A refusal is kept for about six months, a consent for a year (both settings)."""
    lifetime = acceptance_lifetime() if consent.granted else refusal_lifetime()
    response.set_cookie(
        CONSENT_COOKIE,
        consent.value,
        max_age=int(lifetime.total_seconds()),
        path="/",
        secure=request.is_secure(),
        httponly=False,
        samesite="Lax",
    )


def granted_from(keys: Iterable[str], allowed: Iterable[str]) -> frozenset[str]:
    return frozenset(keys) & frozenset(allowed)
