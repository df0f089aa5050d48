"""`manage.py load_demo`'s options, each on an empty database of its own."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Site

from threatpress.reports.models import EditionPage

pytestmark = pytest.mark.django_db

CRISIS = "/en/reports/2026/crisis-regions/russia-loses-its-main-lever-in-the-south-caucasus/"


def test_dry_run_saves_nothing_and_no_readership_leaves_out_the_totals(db):
    out = StringIO()
    call_command("load_demo", "--dry-run", "--no-readership", stdout=out, verbosity=2)
    report = out.getvalue()
    assert "nothing was saved" in report
    assert not EditionPage.objects.exists()
    # What would have been made is still listed: everything but the readership totals (a full
    # load lists them: test_demo_loader.py).
    assert "created edition 2026" in report
    assert "readership" not in report


def test_setup_site_serves_the_demo_where_make_run_serves_it(settings, client, monkeypatch):
    # `make run HOST=… PORT=…` passes its address on; links that leave the page (canonical,
    # printed link targets, a PDF's "read online") must point there, not at localhost.
    monkeypatch.delenv("DJANGO_SUPERUSER_USERNAME", raising=False)
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8123"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    out = StringIO()
    call_command("setup_site", stdout=out)
    assert "Demo content:" in out.getvalue()
    assert "password:" in out.getvalue()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8123)
    assert client.get("/en/reports/2026/", HTTP_HOST="127.0.0.1:8123").status_code == 200
    html = client.get(CRISIS, HTTP_HOST="127.0.0.1:8123").content.decode()
    assert f'<link rel="canonical" href="http://127.0.0.1:8123{CRISIS}">' in html
