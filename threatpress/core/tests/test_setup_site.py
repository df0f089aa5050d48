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


# `setup_site` with the demo (what `make run` does) is tested on the demo's own empty database in
# test_demo_loader_options.py: a demo load is the slowest thing a test can do.
