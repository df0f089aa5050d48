from wagtail import blocks

from threatpress.core.blocks import HeadingBlock, QuoteBlock

from .figure import FigureBlock
from .paragraph import ParagraphBlock
from .table import TableBlock


class AssessmentBodyBlock(blocks.StreamBlock):
    """Body of an assessment. Sources are footnotes (wagtail-footnotes), referenced from text."""

    paragraph = ParagraphBlock()
    heading = HeadingBlock()
    quote = QuoteBlock()
    figure = FigureBlock()
    table = TableBlock()
