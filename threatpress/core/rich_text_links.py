"""Links in rich text whose page id is not a number a page can have.

The editor stores whatever id the browser sends with a link, and Wagtail's converter back to the
editor looks the page up with that text as it is: a hand-made request that saved `id="²"` left
the page's editor answering 500 every time it was opened, so the page could not be edited any
more. Here such a link is stored without its id (as plain text, which the editor then shows) and
an id already stored is read as a broken link, which the editor shows as one.
"""

from __future__ import annotations

from wagtail.admin.rich_text.converters.contentstate import link_entity
from wagtail.admin.rich_text.converters.html_to_contentstate import (
    ExternalLinkElementHandler,
    PageLinkElementHandler,
)

from threatpress.core.ids import parse_id


def safe_link_entity(props: dict):
    """Wagtail's `link_entity`, except that a link with a page id no page can have, or with
    neither an id nor an address (how SafePageLinkElementHandler hands such a stored link to
    the editor, which sends it back on save), is stored as its text."""
    page_id = props.get("id")
    if page_id is not None and parse_id(page_id) is None:
        return props["children"]
    if page_id is None and not props.get("url"):
        return props["children"]
    return link_entity(props)


class SafePageLinkElementHandler(PageLinkElementHandler):
    """Reads a stored page link whose id is not a key as a broken link instead of raising."""

    def get_attribute_data(self, attrs):
        if parse_id(attrs.get("id")) is None:
            return {"id": None, "url": None, "parentId": None}
        return super().get_attribute_data(attrs)


def register(features) -> None:
    features.register_converter_rule(
        "contentstate",
        "link",
        {
            "from_database_format": {
                "a[href]": ExternalLinkElementHandler("LINK"),
                'a[linktype="page"]': SafePageLinkElementHandler("LINK"),
            },
            "to_database_format": {"entity_decorators": {"LINK": safe_link_entity}},
        },
    )
