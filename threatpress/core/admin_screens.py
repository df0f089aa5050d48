"""The base of the project's own screens in Wagtail's admin."""

from __future__ import annotations

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class AdminScreen(WagtailAdminTemplateMixin):
    """A screen whose header names it. With only Wagtail's mixin the header's trail says
    "Home" ("Pradžia") on every screen; `parent_crumbs` names the screens above this one, as
    (url, label) pairs."""

    def parent_crumbs(self) -> list[tuple[str, str]]:
        return []

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            *({"url": url, "label": label} for url, label in self.parent_crumbs()),
            {"url": "", "label": self.get_page_title()},
        ]
