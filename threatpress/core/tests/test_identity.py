"""The publisher's name in each language: the home page's own, else the site identity's; pages
and files agree."""

import pytest
from wagtail.models import Locale, Site

from threatpress.conftest import translate_tree
from threatpress.core.models import SiteIdentity
from threatpress.exports.builder import organisation_of

pytestmark = pytest.mark.django_db


def test_each_language_names_the_publisher_in_that_language(client, site_tree):
    site = Site.objects.get(is_default_site=True)
    identity = SiteIdentity.for_site(site)
    identity.organisation = "State Assessment Office"
    identity.tagline = "National Threat Assessment"
    identity.save()
    home_lt = translate_tree(site_tree.home, "lt", descendants=False)
    home_lt.organisation = "Valstybinė vertinimų tarnyba"
    home_lt.save_revision().publish()
    lithuanian = Locale.objects.get(language_code="lt")

    assert organisation_of(site, locale_id=lithuanian.pk) == "Valstybinė vertinimų tarnyba"
    assert organisation_of(site, locale_id=site_tree.home.locale_id) == "State Assessment Office"
    page_lt = client.get("/lt/").content.decode()
    assert "Valstybinė vertinimų tarnyba" in page_lt and "State Assessment Office" not in page_lt
    # A text left blank on the home page falls back to the site identity's.
    assert "National Threat Assessment" in page_lt
    assert "State Assessment Office" in client.get("/en/").content.decode()
