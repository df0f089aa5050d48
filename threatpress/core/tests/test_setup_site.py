from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import Locale

from threatpress.reports.models import EditionPage

pytestmark = pytest.mark.django_db


def test_setup_without_demo_creates_locales_and_admin_only(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "operator")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-chosen-password")
    out = StringIO()
    call_command("setup_site", "--no-demo", stdout=out)
    assert set(Locale.objects.values_list("language_code", flat=True)) == {"en", "lt"}
    assert get_user_model().objects.filter(username="operator", is_superuser=True).exists()
    assert not EditionPage.objects.exists()
    groups = set(Group.objects.values_list("name", flat=True))
    assert {"Authors", "Reviewers", "Publishers"} <= groups


def test_setup_with_demo_serves_the_site(client, monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_USERNAME", raising=False)
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    out = StringIO()
    call_command("setup_site", stdout=out)
    assert "Demo content:" in out.getvalue()
    assert "password:" in out.getvalue()
    assert client.get("/en/reports/2026/").status_code == 200
