"""Blocks shared by several page types; each module holds one small block."""

from .heading import HeadingBlock
from .information import InformationStreamBlock
from .quote import QuoteBlock

__all__ = ["HeadingBlock", "InformationStreamBlock", "QuoteBlock"]
