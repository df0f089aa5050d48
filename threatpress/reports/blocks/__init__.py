"""Body blocks of an assessment, one small module each."""

from .body import AssessmentBodyBlock
from .figure import FigureBlock
from .paragraph import ParagraphBlock
from .table import TableBlock, table_value

__all__ = ["AssessmentBodyBlock", "FigureBlock", "ParagraphBlock", "TableBlock", "table_value"]
