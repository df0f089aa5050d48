"""Result snippets: a short passage of the page's published text around the reader's words,
with those words in <mark>. Everything else is escaped: the text is the editors', the marks are
ours."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text import WORD, stems_of

WINDOW = 32  # words in a snippet


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


def _render(text: str, tokens, first: int, last: int, hits: list[bool]) -> str:
    """The words first..last of `text` (and what lies between them), hits marked."""
    pieces = []
    position = tokens[first][0]
    for i in range(first, last + 1):
        start, end, word = tokens[i]
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(word)}</mark>" if hits[i] else escape(word))
        position = end
    if last == len(tokens) - 1:
        pieces.append(escape(text[position:].rstrip()))
    return "".join(pieces)


def highlight(text: str, stems: set[str], language: str) -> SafeString:
    """The whole of a short text (a title), its words of `stems` marked."""
    tokens = _tokens(text)
    if not tokens or not stems:
        return escape(text)
    hits = [stem in stems for stem in stems_of([t[2] for t in tokens], language)]
    return mark_safe(  # noqa: S308 (_render escapes every piece of the text)
        escape(text[: tokens[0][0]]) + _render(text, tokens, 0, len(tokens) - 1, hits)
    )


def snippet(text: str, stems: set[str], language: str, window: int = WINDOW) -> SafeString:
    """The passage of `window` words of `text` that holds most of the different `stems` (then
    the most of them), with an ellipsis where it is cut; the start of the text if none is in
    it."""
    tokens = _tokens(text)
    if not tokens:
        return mark_safe("")
    found = stems_of([t[2] for t in tokens], language) if stems else []
    hits = [stem in stems for stem in found] if stems else [False] * len(tokens)
    best_first = 0
    if any(hits):
        best = (-1, -1)
        counts: dict[str, int] = {}
        total = 0
        for last in range(len(tokens)):
            if hits[last]:
                counts[found[last]] = counts.get(found[last], 0) + 1
                total += 1
            first = last - window + 1
            if first > 0 and hits[first - 1]:
                gone = found[first - 1]
                counts[gone] -= 1
                total -= 1
                if not counts[gone]:
                    del counts[gone]
            score = (len(counts), total)
            if score > best:
                best, best_first = score, max(first, 0)
        # Start a little before the first hit, so the passage reads as a sentence.
        first_hit = next(i for i in range(best_first, len(tokens)) if hits[i])
        best_first = max(0, min(best_first, first_hit - 4))
    last = min(len(tokens), best_first + window) - 1
    body = _render(text, tokens, best_first, last, hits)
    before = "… " if best_first > 0 else ""
    after = " …" if last < len(tokens) - 1 else ""
    return mark_safe(f"{before}{body}{after}")  # noqa: S308 (_render escapes the text)
