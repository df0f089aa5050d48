import pytest

from threatpress.consent import state
from threatpress.consent.registry import CONSENT_COOKIE, get_registry

STATS_URL = "https://stats.example.org/count.js"
SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


@pytest.fixture
def statistics(settings):
    """An operator's statistics script and the cookie it sets."""
    settings.THREATPRESS_STATISTICS_SCRIPT_URL = STATS_URL
    settings.THREATPRESS_STATISTICS_COOKIES = ["_pk_id:395d"]
    return get_registry()


def give_consent(client, *granted: str, consent_id: str = "a" * 32) -> state.Consent:
    """The cookie a visitor has after deciding (what the consent view would have set)."""
    consent = state.Consent(get_registry().version, consent_id, frozenset(granted))
    client.cookies[CONSENT_COOKIE] = consent.value
    return consent
