"""Keep the index in step with what is published.

Wagtail's index follows each save of a page, but a page's regions (a ParentalManyToManyField)
and other child relations are written after that save, so the index would miss them. Wagtail
sends `page_published` once a publication is complete, whoever publishes (an editor, a
workflow, the scheduler at an edition's release): the page is indexed again then, from its row.
"""

from __future__ import annotations

from modelsearch import index
from wagtail.models import Page
from wagtail.signals import page_published


def reindex_published_page(sender, instance: Page, **kwargs) -> None:
    index.insert_or_update_object(Page.objects.get(pk=instance.pk).specific)


def connect() -> None:
    from . import result_text
    from .service import RESULT_TYPES

    page_published.connect(reindex_published_page, dispatch_uid="threatpress_search_reindex")
    result_text.connect(RESULT_TYPES)
