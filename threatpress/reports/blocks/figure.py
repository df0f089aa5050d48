from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class FigureBlock(blocks.StructBlock):
    """An image that carries information: the alternative text is required, not optional."""

    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=500,
        help_text=_("What the figure shows, for readers who cannot see it. Give the numbers."),
    )
    caption = blocks.CharBlock(label=_("Caption"), max_length=500, required=False)

    class Meta:
        icon = "image"
        label = _("Figure")
        template = "components/blocks/figure.html"
