"""The consent log: one row per decision, never changed or deleted, so that the publisher can
prove what a visitor agreed to (GDPR Art. 7(1)).

A row holds the random consent id from the visitor's cookie, the time, the policy version and
the choice for each optional category. No IP address, user agent or page: the log proves that a
consent was given under a policy, not who gave it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Consent records are evidence: they are written once and never changed or removed."""


class ConsentRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("consent records cannot be changed")

    def delete(self):
        raise AppendOnlyError("consent records cannot be deleted")


class ConsentRecord(models.Model):
    ACCEPT_ALL = "accept_all"
    REJECT_ALL = "reject_all"
    CUSTOM = "custom"
    WITHDRAW = "withdraw"
    ACTIONS = [
        (ACCEPT_ALL, _("Allowed all")),
        (REJECT_ALL, _("Rejected all")),
        (CUSTOM, _("Chose in settings")),
        (WITHDRAW, _("Withdrew a consent")),
    ]

    consent_id = models.CharField(_("consent id"), max_length=32, db_index=True, editable=False)
    recorded_at = models.DateTimeField(
        _("recorded at"), default=timezone.now, db_index=True, editable=False
    )
    policy_version = models.CharField(_("policy version"), max_length=16, editable=False)
    action = models.CharField(_("action"), max_length=16, choices=ACTIONS, editable=False)
    # {"functional": false, "statistic": true}: every optional category, allowed or not.
    choices = models.JSONField(_("choices"), editable=False)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-recorded_at", "-pk"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.consent_id} {self.action} {self.recorded_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("consent records cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("consent records cannot be deleted")
