"""`/print.css`: the site's address, which print.css writes before internal links on paper."""

from wagtail.models import Site

from threatpress.core.tests.inert import css_rules, css_strings

LINK = '<link rel="stylesheet" href="/print.css" media="print">'


def test_print_stylesheet_carries_the_sites_address(client, site_tree):
    response = client.get("/print.css")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert '--print-site-root: "http://testserver";' in response.content.decode()


def test_every_kind_of_page_links_it_for_print(client, edition):
    for path in ("/en/", "/en/reports/2026/chapter-1/judgment-1-1/", "/en/consent/", "/lt/"):
        assert LINK in client.get(path).content.decode(), path


def test_the_configured_address_wins_over_the_requests(client, site_tree):
    # As the canonical links do: a reader who came in by another name gets the site's own.
    Site.objects.update(hostname="assessment.example", port=443)
    css = client.get("/print.css").content.decode()
    assert '"https://assessment.example"' in css


def test_without_a_site_the_requests_address_is_used(client, site_tree):
    Site.objects.all().delete()
    assert '"http://testserver"' in client.get("/print.css").content.decode()


def test_a_hostname_cannot_add_rules_to_the_stylesheet(client, site_tree):
    plain = client.get("/print.css").content.decode()
    hostile = 'x"; } body { display: none } @import url(//evil.example/x.css); :root { --y: "'
    Site.objects.update(hostname=hostile)
    css = client.get("/print.css").content.decode()
    assert css_rules(css) == css_rules(plain)
    assert f"http://{hostile}" in css_strings(css)
