"""The registry: what it declares, the policy version, and what an operator may add."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from threatpress.consent.registry import (
    CONSENT_COOKIE,
    FIRST_PARTY,
    THIRD_PARTY,
    Cookie,
    Registry,
    build_registry,
    describe_lifetime,
    get_registry,
    parse_lifetime,
)

STATS_URL = "https://stats.example.org/count.js"


def test_the_built_in_entries_are_the_cookies_the_site_really_sets():
    registry = get_registry()
    cookies = {cookie.name: cookie for cookie in registry.cookies}
    assert set(cookies) == {
        CONSENT_COOKIE,
        "csrftoken",
        "sessionid",
        "messages",
        "wagtail_sidebar_collapsed",
    }
    assert {cookie.category for cookie in cookies.values()} == {"mandatory"}
    assert {cookie.party for cookie in cookies.values()} == {FIRST_PARTY}
    assert cookies["csrftoken"].lifetime == datetime.timedelta(weeks=52)
    assert cookies["sessionid"].lifetime == datetime.timedelta(weeks=2)
    assert "6 months if you refuse" in cookies[CONSENT_COOKIE].lifetime_label
    assert "12 months if you allow" in cookies[CONSENT_COOKIE].lifetime_label
    # Without configuration nothing optional exists, and nothing is loaded after consent.
    assert registry.optional_in_use == ()
    assert registry.loadable_scripts == []
    assert registry.csp_sources() == {}


def test_a_statistics_script_from_settings_is_an_optional_third_party_entry(settings):
    settings.THREATPRESS_STATISTICS_SCRIPT_URL = STATS_URL
    settings.THREATPRESS_STATISTICS_COOKIES = ["_pk_id:395d", "_pk_ses:30m"]
    registry = get_registry()
    (script,) = registry.loadable_scripts
    assert (script.name, script.category, script.party, script.src) == (
        "count.js",
        "statistic",
        THIRD_PARTY,
        STATS_URL,
    )
    stats = {e.name: e for e in registry.entries("statistic")}
    assert set(stats) == {"count.js", "_pk_id", "_pk_ses"}
    assert stats["_pk_id"].lifetime_label == "13 months"
    assert stats["_pk_ses"].lifetime_label == "30 minutes"
    assert registry.optional_in_use == ("statistic",)
    assert registry.csp_sources() == {
        "script-src": ("https://stats.example.org",),
        "connect-src": ("https://stats.example.org",),
        "img-src": ("https://stats.example.org",),
    }


def test_a_script_on_this_site_is_first_party_and_needs_no_new_origin(settings):
    settings.THREATPRESS_STATISTICS_SCRIPT_URL = "/stats/count.js"
    registry = get_registry()
    assert registry.loadable_scripts[0].party == FIRST_PARTY
    assert registry.csp_sources() == {}


def test_any_cookie_or_script_can_be_declared_in_settings(settings):
    settings.THREATPRESS_CONSENT_EXTRA = [
        {
            "cookie": "tp_text_size",
            "category": "functional",
            "purpose": "Remembers the text size you chose.",
            "lifetime": "180d",
        },
        {
            "script": "video.js",
            "src": "https://video.example.net/player.js",
            "category": "functional",
            "purpose": "Plays embedded videos.",
        },
    ]
    registry = get_registry()
    names = [entry.name for entry in registry.entries("functional")]
    assert names == ["tp_text_size", "video.js"]
    assert registry.entries("functional")[1].party == THIRD_PARTY
    assert registry.optional_in_use == ("functional",)


def test_the_policy_version_changes_with_what_is_consented_to_not_with_wording(settings):
    version = get_registry().version
    settings.THREATPRESS_STATISTICS_SCRIPT_URL = STATS_URL
    with_script = get_registry().version
    assert with_script != version
    settings.THREATPRESS_CONSENT_REVISION = "2"
    assert get_registry().version not in {version, with_script}
    settings.THREATPRESS_CONSENT_REVISION = ""
    assert get_registry().version == with_script
    # Nor with the reader's language (purposes are translated, the version is not).
    with translation.override("lt"):
        assert build_registry().version == with_script
    reworded = Registry(
        cookies=tuple(
            Cookie(c.name, c.category, "other words", c.lifetime, c.party)
            for c in get_registry().cookies
        ),
        scripts=get_registry().scripts,
    )
    assert reworded.version == with_script


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("THREATPRESS_STATISTICS_SCRIPT_URL", "javascript:alert(1)", "must start with"),
        ("THREATPRESS_STATISTICS_SCRIPT_URL", "//cdn.example/x.js", "must start with"),
        ("THREATPRESS_STATISTICS_COOKIES", ["_pk_id:395d"], "needs THREATPRESS_STATISTICS"),
        (
            "THREATPRESS_CONSENT_EXTRA",
            [{"cookie": "x", "category": "marketing", "purpose": "", "lifetime": "1d"}],
            "category must be one of",
        ),
        (
            "THREATPRESS_CONSENT_EXTRA",
            [{"cookie": "x y", "category": "functional", "purpose": "", "lifetime": "1d"}],
            "not a valid cookie name",
        ),
        (
            "THREATPRESS_CONSENT_EXTRA",
            [{"cookie": "x", "category": "functional", "purpose": "", "lifetime": "a year"}],
            "lifetime",
        ),
        ("THREATPRESS_CONSENT_EXTRA", [{"cookie": "x"}], "lacks"),
        (
            "THREATPRESS_CONSENT_EXTRA",
            [{"script": "x", "src": "/x.js", "category": "mandatory", "purpose": ""}],
            "needs no consent",
        ),
        (
            "THREATPRESS_CONSENT_EXTRA",
            [{"cookie": "csrftoken", "category": "functional", "purpose": "", "lifetime": "1d"}],
            "registered twice",
        ),
    ],
)
def test_a_wrong_declaration_stops_the_site(settings, name, value, message):
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        get_registry()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("session", "Until you close the browser"),
        ("30m", "30 minutes"),
        ("1h", "1 hour"),
        ("14d", "2 weeks"),
        ("182d", "6 months"),
        ("365d", "12 months"),
        ("395d", "13 months"),
        ("730d", "2 years"),
        ("3d", "3 days"),
    ],
)
def test_lifetimes_read_as_a_reader_would_say_them(text, words):
    assert describe_lifetime(parse_lifetime(text)) == words
