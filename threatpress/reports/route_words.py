"""The words of an edition's own addresses, in the edition's language.

An edition answers at its address and at three routes below it: its key judgments, its foreword
and how to read its judgments. A Lithuanian reader cites `/lt/ataskaitos/2026/santrauka/`, not an
English word inside a Lithuanian address. Each route has one name, used by the code
(`reverse_subpage("summary")`, the readership counts, the page metadata), and one word per
language in the address; the other languages' words answer with a permanent redirect to the
page's own (an address cited before the words were translated keeps working). The print
stylesheet's `print/` is not a page anyone cites and stays as it is in every language.
"""

from __future__ import annotations

from django.conf import settings

# name → {language: word}; a language not listed uses the English word.
ROUTE_WORDS: dict[str, dict[str, str]] = {
    "summary": {"en": "summary", "lt": "santrauka"},
    "foreword": {"en": "foreword", "lt": "pratarme"},
    "scale": {"en": "scale", "lt": "skale"},
}
DEFAULT_LANGUAGE = "en"
PRINT_ROUTE = "print"

# Every word any language uses, and print/: no chapter may take one as its slug.
RESERVED_SLUGS = frozenset(
    {word for words in ROUTE_WORDS.values() for word in words.values()} | {PRINT_ROUTE}
)


def word(name: str, language: str | None) -> str:
    words = ROUTE_WORDS[name]
    return words.get(language or DEFAULT_LANGUAGE, words[DEFAULT_LANGUAGE])


def route_name(name: str, language: str) -> str:
    """The name of the route that answers in `language`: `summary` in English, `summary-lt`."""
    return name if word(name, language) == word(name, DEFAULT_LANGUAGE) else f"{name}-{language}"


def base_name(url_name: str) -> str:
    """`summary` for `summary-lt`: the route's one name, whatever the language."""
    name, _, language = url_name.rpartition("-")
    return name if name in ROUTE_WORDS and language in _languages() else url_name


def localized_routes() -> list[tuple[str, str]]:
    """(route name, word) of every route in a language other than the default one."""
    return [
        (route_name(name, language), word(name, language))
        for name in ROUTE_WORDS
        for language in _languages()
        if route_name(name, language) != name
    ]


def suffixes(language: str | None) -> tuple[str, ...]:
    """The edition's own addresses below its address, in `language`: "" for the edition itself,
    then "summary/", "foreword/", "scale/" in that language's words."""
    return ("", *(f"{word(name, language)}/" for name in ROUTE_WORDS))


def every_suffix() -> frozenset[str]:
    """Every language's route suffixes: the addresses an edition answers at (its own, or a
    redirect to its own), for purging them all."""
    return frozenset(
        suffix for language in (*_languages(), DEFAULT_LANGUAGE) for suffix in suffixes(language)
    )


def name_of_suffix(suffix: str) -> str | None:
    """Which route a suffix is ("summary" for "santrauka/" or "summary/"), "" for the edition
    itself, None for anything else."""
    if not suffix:
        return ""
    for name, words in ROUTE_WORDS.items():
        if suffix.rstrip("/") in words.values():
            return name
    return None


def translate_suffix(suffix: str, language: str) -> str:
    """The same route's suffix in `language`: "santrauka/" → "summary/" for English."""
    name = name_of_suffix(suffix)
    return f"{word(name, language)}/" if name else suffix


def _languages() -> list[str]:
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
