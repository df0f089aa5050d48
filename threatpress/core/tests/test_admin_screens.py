"""The project's own admin screens name themselves in the admin's header (Wagtail's trail said
only "Home" on several)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from threatpress.publishing.models import PreviewLink

pytestmark = pytest.mark.django_db


def trail(html: str) -> list[str]:
    """The labels of the header's breadcrumb trail, in order."""
    nav = re.search(r'aria-label="Breadcrumb">(.*?)</nav>', html, re.S)[1]
    items = re.findall(r"<li\b.*?</li>", nav, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_each_screen_of_ours_is_named_in_the_header(client, edition):
    user = get_user_model().objects.create_superuser("chief", password="x" * 20)
    client.force_login(user)
    link, _token = PreviewLink.create(
        edition, "A journalist", timezone.now() + datetime.timedelta(days=7), user
    )
    expected = {
        "/admin/releases/": ["Home", "Releases"],
        "/admin/preview-links/": ["Home", "Preview links"],
        f"/admin/preview-links/new/{edition.pk}/": [
            "Home",
            "Preview links",
            f"Preview link for {edition.title}",
        ],
        f"/admin/preview-links/{link.pk}/": [
            "Home",
            "Preview links",
            "Preview link for A journalist",
        ],
        "/admin/translations/": ["Home", "Translations"],
        "/admin/exports/": ["Home", "Exports"],
        "/admin/consent-log/": None,  # named below, whatever its title
    }
    for url, crumbs in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        found = trail(response.content.decode())
        if crumbs is None:
            assert len(found) == 2 and found[1] not in ("", "Home"), (url, found)
        else:
            assert found == crumbs, (url, found)
