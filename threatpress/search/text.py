"""Words, stems and the text of a page, as the search index and the result snippets see them.

Wagtail's database backends stem nothing we can use: SQLite's FTS5 has no Lithuanian stemmer
(its tokenizer only folds case and diacritics), and on PostgreSQL the backend takes one text
search configuration for every page, whatever its language. So the pages carry their own stems
(`BasePage.search_title_stems`, `search_text_stems`), made with the Snowball stemmer of the
page's language, and a reader's words are stemmed the same way (query.py); PostgreSQL indexes
them with its `simple` configuration, SQLite with FTS5's default tokenizer. Both databases then
find the same pages for the same words.

Stems are folded after stemming (case and diacritics), so "gresmes" typed without Lithuanian
letters finds „grėsmės“: the stemmer needs the diacritics of the endings, the reader may not.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

import Stemmer
from modelsearch import index

# A word: letters and digits (underscore is not a letter). Both databases' tokenizers split at
# everything else, so a stem never holds a character they would split at.
WORD = re.compile(r"[^\W_]+")
# Snowball's algorithm for each language code; a language without one is only folded.
ALGORITHMS = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german",
    "el": "greek", "en": "english", "eo": "esperanto", "es": "spanish", "et": "estonian",
    "eu": "basque", "fa": "persian", "fi": "finnish", "fr": "french", "ga": "irish",
    "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian",
    "lt": "lithuanian", "ne": "nepali", "nl": "dutch", "no": "norwegian", "nb": "norwegian",
    "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip
STEM_FIELDS = ("search_title_stems", "search_text_stems")
# The footnote markers Wagtail-footnotes leaves in rich text ("[1a2b3c]"): not words of the text.
FOOTNOTE_MARKER = re.compile(r"\[[0-9a-f]{6}\]")
SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?])(?=\s|$)")

_local = threading.local()  # a Stemmer object is not safe to share between threads


def _stemmer(language: str) -> Stemmer.Stemmer | None:
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        algorithm = ALGORITHMS.get(language.split("-")[0].lower())
        stemmers[language] = Stemmer.Stemmer(algorithm) if algorithm else None
    return stemmers[language]


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case without diacritics: „Grėsm“ → "gresm"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    return WORD.findall(text)


def stems_of(tokens: list[str], language: str) -> list[str]:
    """The folded stem of each word, in order."""
    lowered = [token.casefold() for token in tokens]
    stemmer = _stemmer(language)
    stemmed = stemmer.stemWords(lowered) if stemmer is not None else lowered
    return [fold(stem) for stem in stemmed]


@lru_cache(maxsize=16384)
def title_stems(title: str, language: str) -> frozenset[str]:
    """The stems of a title (kept: the same titles are ranked search after search)."""
    return frozenset(stems_of(words(title), language))


def stem_text(text: str, language: str) -> str:
    """A text as the index holds its stems: "Grėsmės Rusijai" → "gresm rusij"."""
    return " ".join(stems_of(words(text), language))


def _values(value) -> Iterator[str]:
    if value is None:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _values(item)
    else:
        yield str(value)


def _field_texts(obj, fields: Iterable, related: bool = True) -> Iterator[tuple[str, str]]:
    """(field name, text) of every SearchField of `obj`, RelatedFields followed if `related`."""
    for field in fields:
        if isinstance(field, index.SearchField):
            if field.field_name in STEM_FIELDS:
                continue
            for text in _values(field.get_value(obj)):
                yield field.field_name, text
        elif related and isinstance(field, index.RelatedFields):
            related = field.get_value(obj)
            if related is None:
                continue
            items = related.all() if hasattr(related, "all") else [related]
            for item in items:
                yield from _field_texts(item, field.fields)


def indexed_text(page, *, title: bool, related: bool = True) -> str:
    """The text the index holds for `page` (its title, or everything else), from the fields its
    `search_fields` name: what is in the page's row, which for a live page is the published
    version (a later draft lives in a revision, never in the row). Without `related`, only the
    page's own fields (not the names of its regions): the text a snippet is cut from."""
    texts = [
        text
        for name, text in _field_texts(page, page.get_search_fields(), related)
        if (name == "title") == title
    ]
    text = FOOTNOTE_MARKER.sub("", " ".join(texts))
    # Fields and blocks are joined with a space; a caption's full stop then stood apart.
    return SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)


def language_of(page) -> str:
    return page.locale.language_code
