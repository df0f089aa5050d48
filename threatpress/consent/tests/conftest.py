import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from wagtail.models import Page

from threatpress.consent import state
from threatpress.consent.registry import CONSENT_COOKIE, get_registry
from threatpress.publishing.roles import AUTHORS, PUBLISHERS, ensure_editorial_roles

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


@pytest.fixture
def people(site_tree):
    ensure_editorial_roles(Page.get_first_root_node())
    users = {}
    for name, group in (("author", AUTHORS), ("publisher", PUBLISHERS)):
        user = get_user_model().objects.create_user(username=name, password="x" * 20)
        user.groups.add(Group.objects.get(name=group))
        users[name] = user
    return users
