"""Small text helpers shared by templates and views."""

import re

_CSS_UNSAFE = re.compile(r'[\\"\n\r\f<>]')


def css_string(text: str) -> str:
    """Escape text for use inside a double-quoted CSS string."""
    return _CSS_UNSAFE.sub(lambda m: f"\\{ord(m.group()):x} ", text)
