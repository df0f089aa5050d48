from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .heading import HeadingBlock
from .quote import QuoteBlock


class InformationStreamBlock(blocks.StreamBlock):
    """Body of a standing information page."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul"],
        label=_("Paragraph"),
        template="components/blocks/paragraph.html",
        icon="pilcrow",
    )
    quote = QuoteBlock()
