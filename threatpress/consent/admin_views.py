"""The consent log in the Wagtail admin: recent decisions, counts, and a CSV export as proof.

Only users with the `consent.view_consentrecord` permission see it: Publishers (the editorial
role that answers for the site) and superusers. The log has no edit or delete screen at all.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from threatpress.core.admin_screens import AdminScreen

from .models import ConsentRecord
from .registry import OPTIONAL_KEYS, get_registry

PERMISSION = "consent.view_consentrecord"
RECENT = 50


def may_view(user) -> bool:
    return user.has_perm(PERMISSION)


class ConsentLogView(AdminScreen, TemplateView):
    page_title = gettext_lazy("Consent log")
    header_icon = "list-ul"
    template_name = "consent/admin/log.html"

    def dispatch(self, request, *args, **kwargs):
        if not may_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        labels = dict(ConsentRecord.ACTIONS)
        counts = {
            row["action"]: row["n"]
            for row in ConsentRecord.objects.order_by().values("action").annotate(n=Count("pk"))
        }
        return super().get_context_data(
            counts=[(labels[key], counts.get(key, 0)) for key in labels],
            total=sum(counts.values()),
            records=ConsentRecord.objects.all()[:RECENT],
            recent=RECENT,
            categories=OPTIONAL_KEYS,
            version=get_registry().version,
            **kwargs,
        )


class _Echo:
    """csv.writer writes into this and gets the line back, to stream it."""

    def write(self, value: str) -> str:
        return value


def csv_rows() -> Iterator[list[str]]:
    yield ["consent_id", "recorded_at_utc", "policy_version", "action", *OPTIONAL_KEYS]
    records = ConsentRecord.objects.order_by("recorded_at", "pk")
    for record in records.iterator(chunk_size=2000):
        yield [
            record.consent_id,
            record.recorded_at.astimezone(datetime.UTC).isoformat(timespec="seconds"),
            record.policy_version,
            record.action,
            *("yes" if record.choices.get(key) else "no" for key in OPTIONAL_KEYS),
        ]


def export_csv(request):
    """Every decision, oldest first, streamed (the log only grows)."""
    if not may_view(request.user):
        raise PermissionDenied
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in csv_rows()), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="consent-log-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
