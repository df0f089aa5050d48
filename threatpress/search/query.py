"""A reader's query, made safe and turned into a search of stems.

Whatever a reader types is text, never syntax: control and format characters become spaces,
the query is cut to MAX_LENGTH characters and MAX_TERMS words, and only words (letters and
digits) reach the database, each stemmed in the reader's language. Double quotes (also „…“ and
“…”) around two or more words ask for them next to each other; a quote without its pair is
ignored. Every other word must appear somewhere in the page (AND).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from modelsearch.query import And, Phrase, PlainText, SearchQuery

from .text import stems_of, words

MAX_LENGTH = 200  # characters of the query that are read
MAX_TERMS = 12  # distinct words that are searched for
# Unicode "other" categories: control, format (bidi overrides, zero-width), surrogate, private
# use, unassigned.
INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}
QUOTES = re.compile(r"[\"“”„«»]")


def clean(raw: str) -> tuple[str, bool]:
    """The query as the reader meant it: NFKC, no invisible characters, one space between
    words, at most MAX_LENGTH characters (cut at a space where there is one). Also whether it
    had to be cut."""
    text = unicodedata.normalize("NFKC", raw[: MAX_LENGTH * 4])
    text = "".join(" " if unicodedata.category(char) in INVISIBLE else char for char in text)
    text = " ".join(text.split())
    if len(text) <= MAX_LENGTH:
        return text, False
    cut = text[: MAX_LENGTH + 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[1:] else cut[:MAX_LENGTH]), True


@dataclass
class ParsedQuery:
    text: str  # the cleaned query, shown back to the reader
    terms: list[str] = field(default_factory=list)  # stems that must each appear
    phrases: list[list[str]] = field(default_factory=list)  # stems that must appear in order
    truncated: bool = False  # the reader typed more than is searched for

    @property
    def stems(self) -> set[str]:
        """Every stem searched for: the words a snippet highlights."""
        return set(self.terms).union(*self.phrases)

    def __bool__(self) -> bool:
        return bool(self.terms or self.phrases)

    def search_query(self) -> SearchQuery:
        parts: list[SearchQuery] = [Phrase(" ".join(phrase)) for phrase in self.phrases]
        if self.terms:
            parts.append(PlainText(" ".join(self.terms), operator="and"))
        return parts[0] if len(parts) == 1 else And(parts)

    def words_alone(self) -> list[str]:
        """The reader's words one by one (for "try fewer words"), as typed."""
        return list(dict.fromkeys(w for w in words(QUOTES.sub(" ", self.text))))


def parse(raw: str, language: str) -> ParsedQuery:
    text, cut = clean(raw)
    parsed = ParsedQuery(text=text, truncated=cut)
    pieces = QUOTES.split(text)
    # Odd pieces were between a pair of quotes; a last odd piece has no closing quote.
    closed = len(pieces) if len(pieces) % 2 else len(pieces) - 1
    seen: set[str] = set()
    budget = MAX_TERMS
    for position, piece in enumerate(pieces):
        stems = stems_of(words(piece), language)
        if position % 2 and position < closed and len(stems) > 1:
            if len(stems) > budget:
                parsed.truncated = True
            if budget > 1:
                parsed.phrases.append(stems[:budget])
                budget -= len(parsed.phrases[-1])
            continue
        for stem in stems:
            if stem in seen:
                continue
            if budget <= 0:
                parsed.truncated = True
                break
            seen.add(stem)
            parsed.terms.append(stem)
            budget -= 1
    return parsed
