"""Body blocks of an assessment, one small module each."""

from .body import AssessmentBodyBlock
from .figure import FigureBlock
from .paragraph import ParagraphBlock

__all__ = ["AssessmentBodyBlock", "FigureBlock", "ParagraphBlock"]
