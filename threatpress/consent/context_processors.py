"""What the consent dialog in every page needs, computed only when a template shows it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from . import state
from .registry import CATEGORIES, CONSENT_COOKIE, Category, Entry, Registry, get_registry


@dataclass(frozen=True)
class CategoryRow:
    category: Category
    entries: list[Entry]
    checked: bool

    @property
    def unused(self) -> bool:
        return not self.entries


def category_rows(registry: Registry, granted: frozenset[str] = frozenset()) -> list[CategoryRow]:
    return [
        CategoryRow(category, registry.entries(category.key), category.key in granted)
        for category in CATEGORIES
    ]


@dataclass(frozen=True)
class Dialog:
    open: bool
    action: str
    next: str
    settings_url: str
    version: str
    cookie_name: str
    scripts_json: str
    categories: list[CategoryRow]


def settings_url() -> str:
    """One address on every page: a per-page `?next=` would give crawlers a settings page for
    every page of the site. The settings page finds its way back from the Referer instead."""
    return reverse("consent")


def dialog(request: HttpRequest) -> Dialog:
    registry = get_registry()
    # The page now depends on the consent cookie (ConsentVaryMiddleware sends Vary: Cookie).
    request.consent_dialog_rendered = True
    decided = state.current(request, registry.version) is not None
    next_path = request.get_full_path()
    scripts = [{"category": s.category, "src": s.src} for s in registry.loadable_scripts]
    return Dialog(
        # Wagtail's previews show editors a page, not a reader's first visit.
        open=not decided and not getattr(request, "is_preview", False),
        action=reverse("consent"),
        next=next_path,
        settings_url=settings_url(),
        version=registry.version,
        cookie_name=CONSENT_COOKIE,
        scripts_json=json.dumps(scripts, separators=(",", ":")),
        # Nothing is pre-ticked: the consent script ticks the visitor's current choice when
        # they reopen the dialog (the same page is served to every visitor who has decided).
        categories=category_rows(registry),
    )


def consent(request: HttpRequest) -> dict:
    return {"consent": SimpleLazyObject(lambda: dialog(request))}
