"""The header and footer link the standing pages and the archive only while a reader may see
them: the links follow the visibility rule (publishing/visibility.py) like every listing."""

from __future__ import annotations

import pytest
from wagtail.models import Locale, PageViewRestriction, Site

from threatpress.conftest import publish_all, translate_tree
from threatpress.core.models import InformationPage, SiteIdentity
from threatpress.translations.state import mark_untranslated

pytestmark = pytest.mark.django_db
ABOUT = '<a href="/en/about/">About</a>'
ARCHIVE = '<a href="/en/reports/">All reports</a>'


@pytest.fixture
def about(site_tree):
    page = site_tree.home.add_child(instance=InformationPage(title="About", slug="about"))
    publish_all(site_tree.home)
    identity = SiteIdentity.for_site(Site.objects.get())
    identity.about_page = page
    identity.save()
    return page


def header(client, path: str = "/en/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_links_leave_with_the_page_they_lead_to(client, site_tree, about):
    html = header(client)
    assert ABOUT in html and ARCHIVE in html
    about.unpublish()
    site_tree.reports.unpublish()
    html = header(client)
    assert ABOUT not in html and ARCHIVE not in html
    about.save_revision().publish()
    PageViewRestriction.objects.create(
        page=about, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert ABOUT not in header(client)


def test_a_translation_not_yet_marked_translated_gets_no_link(client, site_tree, about):
    translate_tree(site_tree.home, "lt")  # marked translated: linked
    lithuanian = header(client, "/lt/")
    assert '<a href="/lt/about/">' in lithuanian
    mark_untranslated(about.get_translation(Locale.objects.get(language_code="lt")))
    assert '<a href="/lt/about/">' not in header(client, "/lt/")
