"""The cookie policy page lists the registry: every cookie and script, by category."""

import pytest
from wagtail.models import Site

from threatpress.core.models import InformationPage, SiteIdentity

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(site_tree):
    policy = site_tree.home.add_child(
        instance=InformationPage(title="Cookies", slug="cookies", intro="Our own words.")
    )
    about = site_tree.home.add_child(instance=InformationPage(title="About", slug="about"))
    identity = SiteIdentity.for_site(Site.objects.get())
    identity.cookies_page = policy
    identity.save()
    return policy, about


def test_the_policy_page_lists_every_registered_cookie_and_script(client, pages, statistics):
    html = client.get("/en/cookies/").content.decode()
    assert "Our own words." in html  # the editable text stays above
    for entry in (*statistics.cookies, *statistics.scripts):
        assert f"<code>{entry.name}</code>" in html, entry.name
    assert "https://stats.example.org/count.js" in html
    assert "Another site (third party)" in html
    assert "13 months" in html  # _pk_id:395d
    assert statistics.version in html


def test_a_category_with_nothing_in_it_is_shown_as_currently_unused(client, pages):
    html = client.get("/en/cookies/").content.decode()
    functional = html.split('id="cookies-functional"')[1].split("<h3")[0]
    assert "Currently unused." in functional
    statistic = html.split('id="cookies-statistic"')[1].split("</section>")[0]
    assert "Currently unused." in statistic


def test_other_information_pages_do_not_get_the_list(client, pages):
    assert "cookie-registry" not in client.get("/en/about/").content.decode()


def test_the_footer_links_the_policy_and_the_settings(client, pages):
    footer = client.get("/en/about/").content.decode().split('class="site-footer"')[1]
    assert 'href="/en/cookies/">Cookie policy<' in footer
    assert ">Cookie settings<" in footer
