"""Deciding: the form posts to /<lang>/consent/, the view records, sets the cookie, goes back."""

import re

import pytest

from threatpress.consent import state
from threatpress.consent.models import ConsentRecord
from threatpress.consent.registry import CONSENT_COOKIE

from .conftest import SAME_ORIGIN, give_consent

pytestmark = pytest.mark.django_db
PAGE = "/en/reports/2026/chapter-1/judgment-1-1/"


def decide(client, choice, *categories, next_url=PAGE, headers=SAME_ORIGIN):
    data = {"choice": choice, "next": next_url, "category": list(categories)}
    return client.post("/en/consent/", data, **headers)


def cookie_consent(response) -> state.Consent:
    return state.parse(response.cookies[CONSENT_COOKIE].value)


def test_allow_all_records_consent_and_goes_back_to_the_page(client, edition, statistics):
    response = decide(client, "accept_all")
    assert response.status_code == 303 and response["Location"] == PAGE
    consent = cookie_consent(response)
    assert consent.granted == {"statistic"}  # functional has nothing in it: nothing to allow
    assert consent.version == statistics.version
    record = ConsentRecord.objects.get()
    assert (record.consent_id, record.policy_version, record.action, record.choices) == (
        consent.consent_id,
        statistics.version,
        "accept_all",
        {"functional": False, "statistic": True},
    )


def test_the_consent_cookie_is_first_party_lax_and_kept_a_year_or_half_a_year(
    client, edition, statistics
):
    allowed = decide(client, "accept_all").cookies[CONSENT_COOKIE]
    assert allowed["max-age"] == 365 * 86400
    assert (allowed["path"], allowed["samesite"], allowed["httponly"]) == ("/", "Lax", "")
    assert allowed["domain"] == ""  # this host only
    client.cookies.clear()
    refused = decide(client, "reject_all").cookies[CONSENT_COOKIE]
    assert refused["max-age"] == 182 * 86400
    assert cookie_consent(decide(client, "reject_all")).granted == set()


def test_the_cookie_is_secure_over_https(client, edition, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.post(
        "/en/consent/",
        {"choice": "reject_all", "next": PAGE},
        HTTP_X_FORWARDED_PROTO="https",
        **SAME_ORIGIN,
    )
    assert response.cookies[CONSENT_COOKIE]["secure"] is True


def test_settings_with_a_mix_keeps_only_categories_in_use(client, edition, settings):
    settings.THREATPRESS_STATISTICS_SCRIPT_URL = "/stats.js"
    settings.THREATPRESS_CONSENT_EXTRA = [
        {"cookie": "tp_size", "category": "functional", "purpose": "Size", "lifetime": "30d"}
    ]
    response = decide(client, "custom", "functional", "marketing")
    assert cookie_consent(response).granted == {"functional"}
    assert ConsentRecord.objects.get().choices == {"functional": True, "statistic": False}
    assert ConsentRecord.objects.get().action == "custom"


def test_taking_back_a_category_is_a_withdrawal_under_the_same_consent_id(
    client, edition, statistics
):
    first = cookie_consent(decide(client, "accept_all"))
    client.cookies["_pk_id"] = "1234"  # what the statistics script would have set
    response = decide(client, "reject_all")
    second = cookie_consent(response)
    assert second.consent_id == first.consent_id and second.granted == set()
    # The statistics cookie, our own, goes at once.
    assert response.cookies["_pk_id"]["max-age"] == 0
    actions = list(ConsentRecord.objects.order_by("pk").values_list("consent_id", "action"))
    assert actions == [(first.consent_id, "accept_all"), (first.consent_id, "withdraw")]
    # Allowing again is a consent, not a withdrawal.
    decide(client, "custom", "statistic")
    assert ConsentRecord.objects.order_by("-pk").first().action == "custom"


def test_a_new_policy_version_keeps_the_consent_id(client, edition, settings):
    first = cookie_consent(decide(client, "reject_all"))
    settings.THREATPRESS_CONSENT_REVISION = "2"
    second = cookie_consent(decide(client, "reject_all"))
    assert second.consent_id == first.consent_id and second.version != first.version


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        # A lying Origin does not help when the browser says cross-site.
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_REFERER": "http://[::1"},  # not an address: refused, not an error
        {},
    ],
    ids=[
        "cross-site",
        "cross-site-origin",
        "same-site",
        "origin",
        "null",
        "referer",
        "broken-referer",
        "nothing",
    ],
)
def test_a_forged_cross_site_post_is_refused_and_logs_nothing(client, edition, headers):
    response = decide(client, "accept_all", headers=headers)
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert CONSENT_COOKIE not in response.cookies
    assert not ConsentRecord.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_SEC_FETCH_SITE": "none"},
        {"HTTP_ORIGIN": "http://testserver"},
        {"HTTP_REFERER": "http://testserver/en/"},
    ],
    ids=["fetch-metadata", "user-initiated", "origin", "referer"],
)
def test_a_post_from_our_own_page_is_accepted(client, edition, headers):
    assert decide(client, "reject_all", headers=headers).status_code == 303
    assert ConsentRecord.objects.count() == 1


def test_no_csrf_token_is_needed(edition):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert decide(client, "reject_all").status_code == 303


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_next_never_leaves_the_site(client, edition, next_url):
    response = decide(client, "reject_all", next_url=next_url)
    assert response.status_code == 303 and response["Location"] == "/en/"


def test_an_unknown_choice_is_a_bad_request(client, edition):
    assert decide(client, "maybe").status_code == 400
    assert not ConsentRecord.objects.exists()


def test_without_javascript_settings_is_a_page_with_the_same_form(client, edition, statistics):
    response = client.get("/en/consent/", {"next": PAGE})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<dialog" not in html  # the page is the settings layer itself
    assert "no-store" in response["Cache-Control"]  # it shows this visitor's choice
    assert f'name="next" value="{PAGE}"' in html
    assert re.search(r'name="category" value="statistic"(?![^>]*checked)', html)
    for label in ("Save my choices", "Allow all cookies", "Reject all"):
        assert f">{label}</button>" in html
    # A visitor who allowed statistics sees it ticked, and can take it back here.
    give_consent(client, "statistic")
    html = client.get("/en/consent/", {"next": PAGE}).content.decode()
    assert re.search(r'name="category" value="statistic"[^>]*checked', html)


@pytest.mark.parametrize(
    ("referer", "back"),
    [
        (f"http://testserver{PAGE}?x=1", f"{PAGE}?x=1"),
        ("https://evil.example/page", "/en/"),
        ("http://testserver/en/consent/", "/en/"),
        ("http://[::1", "/en/"),  # any client may send a Referer that is not an address
        ("http://[x]/", "/en/"),
        (None, "/en/"),
    ],
)
def test_the_settings_page_finds_the_way_back_from_the_referer(client, edition, referer, back):
    headers = {"HTTP_REFERER": referer} if referer else {}
    html = client.get("/en/consent/", **headers).content.decode()
    assert f'name="next" value="{back}"' in html


def test_a_head_request_answers_like_a_get_without_a_body(client, edition):
    response = client.head("/en/consent/")
    assert response.status_code == 200 and response.content == b""


def test_the_js_off_journey_from_page_to_decision_and_back(client, edition, statistics):
    page = client.get(PAGE).content.decode()
    action = re.search(r'<form class="consent__form" method="post" action="([^"]+)"', page)[1]
    next_url = re.search(r'name="next" value="([^"]+)"', page)[1]
    response = client.post(
        action,
        {"choice": "custom", "category": "statistic", "next": next_url},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 303
    back = client.get(response["Location"])
    assert back.status_code == 200
    assert not re.search(r"<dialog[^>]* open[ >]", back.content.decode())
    assert ConsentRecord.objects.get().choices == {"functional": False, "statistic": True}


def test_the_consent_address_is_per_language(client, edition):
    response = client.get("/lt/slapukai/")
    assert response.status_code == 200
    assert 'action="/lt/slapukai/"' in response.content.decode()
    # The English word: the page moved for good; a decision posted there is still taken (a
    # page a cache kept from before names it in its form).
    moved = client.get("/lt/consent/?next=/lt/")
    assert (moved.status_code, moved["Location"]) == (301, "/lt/slapukai/?next=%2Flt%2F")
    response = client.post(
        "/lt/consent/",
        {"choice": ConsentRecord.REJECT_ALL, "next": "/lt/"},
        HTTP_ORIGIN="http://testserver",
    )
    assert (response.status_code, response["Location"]) == (303, "/lt/")
    assert ConsentRecord.objects.count() == 1
    assert client.get("/en/consent/").status_code == 200
