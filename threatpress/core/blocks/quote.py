from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class QuoteBlock(blocks.StructBlock):
    """A quotation with its attribution, shown as a block quote with a figcaption."""

    text = blocks.TextBlock(label=_("Quotation"))
    attribution = blocks.CharBlock(label=_("Attribution"), max_length=250, required=False)

    class Meta:
        icon = "openquote"
        label = _("Quotation")
        template = "components/blocks/quote.html"
        preview_value = {
            "text": "Leverage that rests on one instrument disappears with it.",
            "attribution": "State Assessment Office, National Threat Assessment 2025",
        }
