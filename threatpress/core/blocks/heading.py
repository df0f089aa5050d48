from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class HeadingBlock(blocks.CharBlock):
    """A sub-heading inside body text (rendered as h2: the page title is the only h1)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 160)
        super().__init__(**kwargs)

    class Meta:
        icon = "title"
        label = _("Sub-heading")
        template = "components/blocks/heading.html"
        preview_value = "How Moscow keeps a foothold"
