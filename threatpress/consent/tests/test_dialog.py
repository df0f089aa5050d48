"""The dialog in every page: open until the visitor decides, a plain form, cache-friendly."""

import re

import pytest

from threatpress.consent.registry import CONSENT_COOKIE, get_registry
from threatpress.core.tests.inert import findings

from .conftest import STATS_URL, give_consent

pytestmark = pytest.mark.django_db
PAGE = "/en/reports/2026/chapter-1/judgment-1-1/"


def dialog_html(response) -> str:
    html = response.content.decode()
    return re.search(r"<dialog.*?</dialog>", html, re.S).group(0)


def test_a_first_visit_shows_the_dialog_and_sets_no_cookie(client, edition):
    response = client.get(PAGE)
    assert response.status_code == 200
    dialog = dialog_html(response)
    assert re.search(r"<dialog[^>]* open[ >]", dialog)
    # The three choices on the first layer, all submit buttons of one form, the same class.
    for label in ("Allow all cookies", "Reject all", "Settings"):
        assert re.search(rf'class="consent__button"[^>]*>{label}<', dialog), label
    assert 'action="/en/consent/"' in dialog and 'method="post"' in dialog
    assert f'name="next" value="{PAGE}"' in dialog
    # Nothing pre-ticked, and no per-visitor token: the page is the same for every new visitor.
    assert " checked" not in dialog.replace("checked disabled", "")
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert response.cookies == {} or CONSENT_COOKIE not in response.cookies
    assert "Cookie" in response["Vary"]
    assert findings(response.content.decode()) == []


def test_without_script_settings_are_one_link_to_one_address(client, edition):
    dialog = dialog_html(client.get(PAGE))
    assert '<a class="consent__button" href="/en/consent/" data-consent-settings-link>' in dialog
    footer = client.get(PAGE).content.decode().split('class="site-footer"')[1]
    assert '<a href="/en/consent/" data-consent-open-link>Cookie settings</a>' in footer


def test_a_visitor_who_decided_gets_it_closed_and_identical_pages(client, edition):
    give_consent(client, consent_id="a" * 32)
    first = client.get(PAGE)
    assert not re.search(r"<dialog[^>]* open[ >]", dialog_html(first))
    give_consent(client, consent_id="b" * 32)
    # Another visitor with another consent id gets the same bytes: one cached copy serves all.
    assert client.get(PAGE).content == first.content


def test_an_answer_to_an_older_policy_asks_again(client, edition, settings):
    give_consent(client)
    settings.THREATPRESS_CONSENT_REVISION = "2"
    assert re.search(r"<dialog[^>]* open[ >]", dialog_html(client.get(PAGE)))


def test_a_malformed_consent_cookie_counts_as_no_answer(client, edition):
    client.cookies[CONSENT_COOKIE] = f"{get_registry().version}.not-an-id.statistic"
    assert re.search(r"<dialog[^>]* open[ >]", dialog_html(client.get(PAGE)))


def test_registered_scripts_are_named_for_the_consent_script_not_loaded(
    client, edition, statistics
):
    html = client.get(PAGE).content.decode()
    assert f'src="{STATS_URL}"' not in html
    assert "count.js" in dialog_html(client.get(PAGE))
    # The server never writes the statistics script into the page, consent or not.
    give_consent(client, "statistic")
    assert f'src="{STATS_URL}"' not in client.get(PAGE).content.decode()


def test_the_not_found_page_has_the_dialog_too(client, edition):
    response = client.get("/en/reports/2026/no-such-page/")
    assert response.status_code == 404
    assert re.search(r"<dialog[^>]* open[ >]", dialog_html(response))
