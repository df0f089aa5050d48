import threading

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page
from wagtail_footnotes.blocks import RichTextBlockWithFootnotes

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul", "footnotes"]


class ParagraphBlock(RichTextBlockWithFootnotes):
    """Rich text whose footnote references link to the page's source list and back."""

    # wagtail-footnotes keeps the page's notes on the block while it renders one paragraph, and a
    # block is one object shared by every thread of a worker: two pages rendered at once would
    # read each other's notes and drop the references they cannot find. Kept per thread here.
    _rendering = threading.local()

    @property
    def all_footnotes(self):
        return self._rendering.footnotes

    @all_footnotes.setter
    def all_footnotes(self, value) -> None:
        self._rendering.footnotes = value

    def __init__(self, **kwargs):
        kwargs.setdefault("features", list(PARAGRAPH_FEATURES))
        super().__init__(**kwargs)

    def replace_footnote_tags(self, value, html, context=None):
        # wagtail-footnotes reads page.footnotes once per paragraph: fetched once per page (Django
        # skips a page whose notes are fetched already), and only when a body is rendered (a
        # remembered body reads none).
        page = (context or {}).get("page")
        if isinstance(page, Page):
            prefetch_related_objects([page], "footnotes")
        return super().replace_footnote_tags(value, html, context=context)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "components/blocks/paragraph.html"
        preview_value = (
            "<p>Moscow still keeps a garrison in Gyumri, but it no longer decides who controls "
            "the roads of the South Caucasus.</p>"
        )
