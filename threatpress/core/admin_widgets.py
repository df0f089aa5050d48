"""Two admin widgets that write inline script or style, adapted to the admin's CSP.

Wagtail's chooser widgets (page, image, document, snippet, task) end their HTML with an inline
`<script>` that starts the widget; it gets this response's nonce here. wagtail-footnotes shows a
footnote's id in a `<div style=...>`, which the admin policy blocks; a class does the same.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from wagtail.admin.panels import FieldPanel
from wagtail.admin.widgets.chooser import BaseChooser
from wagtail_footnotes.models import Footnote
from wagtail_footnotes.widgets import ReadonlyUUIDInput

from threatpress.core.csp import admin_script_nonce

WAGTAIL_CHOOSER_RENDER = BaseChooser.render


def render_chooser(
    self: BaseChooser,
    name: str,
    value: Any,
    attrs: dict[str, Any] | None = None,
    renderer: Any = None,
) -> SafeString:
    """BaseChooser.render of Wagtail 8.0, with a nonce on its script."""
    if not attrs or "id" not in attrs:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute")
    value_data = self.get_value_data(value)
    widget_html = self.render_html(name, value_data, attrs)
    js = self.render_js_init(attrs["id"], name, value_data)
    # Both parts are Wagtail's own markup and JSON, as in the method this replaces.
    return format_html(
        '{}<script nonce="{}">{}</script>',
        mark_safe(widget_html),  # noqa: S308
        admin_script_nonce(),
        mark_safe(js),  # noqa: S308
    )


class FootnoteIdInput(ReadonlyUUIDInput):
    def render_html(self, name: str, value: str | None, attrs: dict[str, Any]) -> str:
        html = super().render_html(name, value, attrs)
        return html.replace('style="padding-top: 1.2em;"', 'class="footnote-id"', 1)


def adapt_admin_widgets() -> None:
    BaseChooser.render = render_chooser
    Footnote.panels = [FieldPanel("text"), FieldPanel("uuid", widget=FootnoteIdInput)]
