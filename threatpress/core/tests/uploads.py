"""Shared by the upload tests: a signed-in editor of a given role, and what storage holds."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from wagtail.models import Page

from threatpress.publishing.roles import ensure_editorial_roles


def login_as(client, group: str | None):
    ensure_editorial_roles(Page.get_first_root_node())
    user = get_user_model().objects.create_user(username=f"user-{group}", password="x" * 20)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


def stored_files(folder: str = "") -> set[str]:
    """Every file in the default storage (in-memory in tests, and shared by all of them)."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return set()
    found = {f"{folder}/{name}".lstrip("/") for name in files}
    for name in folders:
        found |= stored_files(f"{folder}/{name}".lstrip("/"))
    return found
