"""`manage.py load_demo`'s options, each on an empty database of its own."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Site

from threatpress.readership.models import DownloadDay, PageViewDay, SearchTermDay
from threatpress.reports.models import EditionPage

pytestmark = pytest.mark.django_db

CRISIS = "/en/reports/2026/crisis-regions/russia-loses-its-main-lever-in-the-south-caucasus/"


def test_dry_run_saves_nothing(db):
    out = StringIO()
    call_command("load_demo", "--dry-run", stdout=out)
    assert "nothing was saved" in out.getvalue()
    assert not EditionPage.objects.exists()


def test_the_demo_site_is_where_it_is_served_and_can_do_without_readership_totals(settings, client):
    # `make run HOST=… PORT=…` passes its address on; links that leave the page (canonical,
    # printed link targets, a PDF's "read online") must point there, not at localhost.
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8123"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    call_command("load_demo", "--no-readership", stdout=StringIO())
    assert not (PageViewDay.objects.exists() or DownloadDay.objects.exists())
    assert not SearchTermDay.objects.exists()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8123)
    html = client.get(CRISIS, HTTP_HOST="127.0.0.1:8123").content.decode()
    assert f'<link rel="canonical" href="http://127.0.0.1:8123{CRISIS}">' in html
