"""The consent log: append-only evidence, and its export for Publishers (tested in threes)."""

import csv
import io

import pytest
from django.urls import reverse

from threatpress.consent.models import AppendOnlyError, ConsentRecord

from .conftest import SAME_ORIGIN

pytestmark = pytest.mark.django_db
LOG = "/admin/consent-log/"
CSV = "/admin/consent-log/export.csv"


def record(action="accept_all", **choices) -> ConsentRecord:
    return ConsentRecord.objects.create(
        consent_id="c" * 32,
        policy_version="0123456789",
        action=action,
        choices={"functional": False, "statistic": False, **choices},
    )


def test_a_record_can_be_written_once_and_never_changed_or_deleted():
    entry = record()
    entry.action = "reject_all"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.filter(pk=entry.pk).update(action="reject_all")
    with pytest.raises(AppendOnlyError):
        ConsentRecord.objects.all().delete()
    assert ConsentRecord.objects.get().action == "accept_all"


def test_a_record_holds_no_address_or_browser(client, edition):
    client.post(
        "/en/consent/",
        {"choice": "reject_all"},
        HTTP_USER_AGENT="Mozilla/5.0 test-agent",
        REMOTE_ADDR="203.0.113.9",
        **SAME_ORIGIN,
    )
    fields = {field.name for field in ConsentRecord._meta.get_fields()}
    assert fields == {"id", "consent_id", "recorded_at", "policy_version", "action", "choices"}
    values = " ".join(str(v) for v in ConsentRecord.objects.values().get().values())
    assert "203.0.113.9" not in values and "test-agent" not in values


def test_anonymous_visitors_are_sent_to_sign_in(client, people):
    for url in (LOG, CSV):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_an_author_is_refused_and_does_not_see_the_menu_item(client, people):
    record()
    client.force_login(people["author"])
    for url in (LOG, CSV):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert LOG not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_publisher_reads_the_log_and_downloads_every_decision_as_csv(client, people):
    record("accept_all", statistic=True)
    record("withdraw")
    client.force_login(people["publisher"])
    assert LOG in client.get(reverse("wagtailadmin_home")).content.decode()
    page = client.get(LOG)
    assert page.status_code == 200
    html = page.content.decode()
    assert "c" * 32 in html and "Withdrew a consent" in html

    response = client.get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="consent-log-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "consent_id",
        "recorded_at_utc",
        "policy_version",
        "action",
        "functional",
        "statistic",
    ]
    assert [row[3:] for row in rows[1:]] == [
        ["accept_all", "no", "yes"],
        ["withdraw", "no", "no"],
    ]
    assert rows[1][1].endswith("+00:00")


def test_a_superuser_may_read_it_too(client, db):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20)
    client.force_login(admin)
    assert client.get(CSV).status_code == 200
