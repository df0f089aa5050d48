"""Preview links: a draft or an embargoed edition shown to someone outside the CMS.

A publisher creates a link for a named recipient (a minister's office, a lawyer) with an expiry.
The link carries a random token; only its SHA-256 is stored, so a copy of the database does not
open any preview. Every use, refused ones included, is logged.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

TOKEN_BYTES = 24  # 192 bits: not guessable, short enough to paste into an e-mail


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    page = models.ForeignKey(
        Page,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("page"),
        help_text=_("The link shows this page and every page below it, in their latest drafts."),
    )
    recipient = models.CharField(
        _("recipient"),
        max_length=200,
        help_text=_("Who the link is for, as the log should name them."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("preview link")

    def __str__(self) -> str:
        return f"{self.page.title} – {self.recipient}"

    @classmethod
    def create(cls, page: Page, recipient: str, expires_at, user) -> tuple[PreviewLink, str]:
        """Make a link; the token is returned once and never stored."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        link = cls.objects.create(
            page=page,
            recipient=recipient,
            expires_at=expires_at,
            created_by=user,
            token_hash=hash_token(token),
        )
        return link, token

    @classmethod
    def find(cls, token: str) -> PreviewLink | None:
        return cls.objects.select_related("page").filter(token_hash=hash_token(token)).first()

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return PreviewLinkUse.REVOKED
        if self.expires_at <= timezone.now():
            return PreviewLinkUse.EXPIRED
        return "active"

    @property
    def is_active(self) -> bool:
        return self.state == "active"

    def revoke(self, user) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.revoked_by = user
            self.save(update_fields=["revoked_at", "revoked_by"])


class PreviewLinkUse(models.Model):
    SERVED, EXPIRED, REVOKED, NOT_FOUND = "served", "expired", "revoked", "not-found"
    OUTCOMES = [
        (SERVED, _("Served")),
        (EXPIRED, _("Refused: expired")),
        (REVOKED, _("Refused: revoked")),
        (NOT_FOUND, _("No such page in the preview")),
    ]

    link = models.ForeignKey(PreviewLink, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    path = models.CharField(max_length=500)
    outcome = models.CharField(max_length=12, choices=OUTCOMES)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.outcome} {self.path}"
