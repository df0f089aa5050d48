"""Serve the self-hosted Source Serif font straight from its PyPI package, so no font file is
committed and no request goes to a font CDN."""

from pathlib import Path

import font_source_serif_pro
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

FONT_DIR = Path(font_source_serif_pro.__file__).parent / "files"
PREFIX = "fonts/source-serif"
# Only the faces the stylesheet uses, as TrueType (WhiteNoise pre-compresses them with Brotli).
FILES = [
    "SourceSerifPro-Regular.ttf",
    "SourceSerifPro-It.ttf",
    "SourceSerifPro-Semibold.ttf",
    "SourceSerifPro-Bold.ttf",
    "LICENSE.txt",
]


class FontPackageFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(FONT_DIR))
        self.storage.prefix = PREFIX

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path.startswith(PREFIX + "/") and path[len(PREFIX) + 1 :] in FILES:
            match = str(FONT_DIR / path[len(PREFIX) + 1 :])
            return [match] if find_all or kwargs.get("all") else match
        return [] if find_all or kwargs.get("all") else None

    def list(self, ignore_patterns):
        for name in FILES:
            yield name, self.storage
