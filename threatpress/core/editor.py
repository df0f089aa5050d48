"""The admin's rich-text widget, hardened against input that its editor never sends.

Draftail posts its content as JSON. Anything else (a forged request, a script, a browser that
ran no JavaScript) made Wagtail's converter raise, which the admin answered with a 500. Such
input is now read as pasted HTML, which the converter whitelists like any paste.
"""

from __future__ import annotations

from wagtail.admin.rich_text import DraftailRichTextArea as WagtailDraftailRichTextArea
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter


class TolerantContentstateConverter(ContentstateConverter):
    def to_database_format(self, contentstate_json: str) -> str:
        if not contentstate_json.strip():
            return ""
        try:
            return super().to_database_format(contentstate_json)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):
            # Not Draftail's JSON (or JSON of the wrong shape): take it as pasted HTML.
            pasted = self.from_database_format(str(contentstate_json))
            return super().to_database_format(pasted)


class DraftailRichTextArea(WagtailDraftailRichTextArea):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.converter = TolerantContentstateConverter(self.features)
