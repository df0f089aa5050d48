"""The demo's synthetic readership totals: added once, to an empty database, and skippable."""

from io import StringIO

import pytest
from django.core.management import call_command

from threatpress.readership.models import DownloadDay, PageViewDay, SearchTermDay

pytestmark = pytest.mark.django_db


def totals() -> tuple[int, int, int]:
    return tuple(m.objects.count() for m in (PageViewDay, DownloadDay, SearchTermDay))


def test_the_demo_adds_synthetic_totals_once_and_only_to_public_pages():
    out = StringIO()
    call_command("load_demo", stdout=out, verbosity=2)
    assert "created synthetic readership totals (56 days)" in out.getvalue()
    first = totals()
    assert all(first)
    assert not PageViewDay.objects.filter(page__live=False).exists()
    assert not PageViewDay.objects.filter(page__url_path__contains="/2027/").exists()
    out = StringIO()
    call_command("load_demo", stdout=out, verbosity=2)
    assert "kept    synthetic readership totals" in out.getvalue()
    assert totals() == first


def test_the_demo_can_do_without_them():
    call_command("load_demo", "--no-readership", stdout=StringIO())
    assert totals() == (0, 0, 0)
