"""What every export engine (the PDF typesetter, the speech synthesiser) hands back."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RenderedFile:
    data: bytes
    extension: str  # "pdf", "mp3", "opus"
    media_type: str  # "application/pdf", "audio/mpeg", "audio/ogg"
    pages: int | None = None  # PDFs
    duration: float | None = None  # audio, in seconds
    engine: str = ""  # name and version, e.g. "typst 0.15.0", shown in the admin


class EngineUnavailable(Exception):
    """The engine cannot run on this machine (a program or voice is missing). The message says
    why, in words an operator can act on; the admin shows it and the site hides the player."""
