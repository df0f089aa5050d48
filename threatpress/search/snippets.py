"""Result snippets: a short passage of the page's published text around the reader's words,
with those words in <mark>. Everything else is escaped: the text is the editors', the marks are
ours."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text import WORD, stems_of, words

WINDOW = 32  # words in a snippet


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


def _render(text: str, tokens, first: int, last: int, hits: list[bool]) -> str:
    """The words first..last of `text` (and what lies between them), hits marked; `tokens`
    holds (start, end, word) of at least those words."""
    pieces = []
    position = tokens[first][0]
    for i in range(first, last + 1):
        start, end, word = tokens[i]
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(word)}</mark>" if hits[i] else escape(word))
        position = end
    return "".join(pieces)


def highlight(text: str, stems: set[str], language: str) -> SafeString:
    """The whole of a short text (a title), its words of `stems` marked."""
    tokens = _tokens(text)
    if not tokens or not stems:
        return escape(text)
    hits = [stem in stems for stem in stems_of([t[2] for t in tokens], language)]
    body = _render(text, tokens, 0, len(tokens) - 1, hits)
    return mark_safe(  # noqa: S308 (_render escapes every piece of the text)
        escape(text[: tokens[0][0]]) + body + escape(text[tokens[-1][1] :])
    )


def snippet(
    text: str,
    stems: set[str],
    language: str,
    window: int = WINDOW,
    known: tuple[Sequence[str], Sequence[str]] | None = None,
) -> SafeString:
    """The passage of `window` words of `text` that holds most of the different `stems` (then
    the most of them), with an ellipsis where it is cut; the start of the text if none is in
    it. `known`: the text's words and their stems, if already cut (views.Shown)."""
    found, known_stems = known if known is not None else (words(text), None)
    if not found:
        return mark_safe("")
    if not stems:
        found_stems = []
    else:
        found_stems = known_stems if known_stems is not None else stems_of(found, language)
    hits = [stem in stems for stem in found_stems]
    first = _best_window(found_stems if any(hits) else [], hits, window)
    last = min(len(found), first + window) - 1
    # Offsets only for the words shown: the rest of the text was only counted.
    shown = [(m.start(), m.end(), m.group()) for m in islice(WORD.finditer(text), first, last + 1)]
    tokens = [None] * first + shown
    marks = hits or [False] * len(found)
    body = _render(text, tokens, first, last, marks)
    if last == len(found) - 1:
        body += escape(text[shown[-1][1] :].rstrip())
    before = "… " if first > 0 else ""
    after = " …" if last < len(found) - 1 else ""
    return mark_safe(f"{before}{body}{after}")  # noqa: S308 (_render escapes the text)


def _best_window(found: list[str], hits: list[bool], window: int) -> int:
    """Where the passage starts: the window with most different stems, then most hits, begun
    a few words before its first hit; 0 without a hit."""
    if not found:
        return 0
    best, best_first = (-1, -1), 0
    counts: dict[str, int] = {}
    total = 0
    for last in range(len(found)):
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
    first_hit = next(i for i in range(best_first, len(found)) if hits[i])
    return max(0, min(best_first, first_hit - 4))
