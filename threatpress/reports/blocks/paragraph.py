from django.utils.translation import gettext_lazy as _
from wagtail_footnotes.blocks import RichTextBlockWithFootnotes

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul", "footnotes"]


class ParagraphBlock(RichTextBlockWithFootnotes):
    """Rich text whose footnote references link to the page's source list and back."""

    def __init__(self, **kwargs):
        kwargs.setdefault("features", list(PARAGRAPH_FEATURES))
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "components/blocks/paragraph.html"
        preview_value = (
            "<p>Moscow still keeps a garrison in Gyumri, but it no longer decides who controls "
            "the roads of the South Caucasus.</p>"
        )
