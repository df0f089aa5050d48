"""What an assessment's text suggests: its probability term and the countries it names.

Both are matched as whole words, phrase against phrase, never as substrings ("unlikely" is not
"likely"). Lithuanian inflects names and adjectives („Rusijos“, „Rusijai“; „tikėtina“,
„tikėtinas“), so its words are compared by the Snowball stems the search already uses
(`threatpress.search.text`). English is compared by folded words only: its stemmer makes
"likely" and "like" the same word, and English region names do not inflect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from threatpress.search.text import fold, stems_of, words


def tokens(text: str, language: str) -> list[str]:
    found = words(text)
    if language.split("-")[0].lower() == "en":
        return [fold(word) for word in found]
    return stems_of(found, language)


@dataclass(frozen=True)
class Phrases:
    """Phrases to look for, each with what it proposes, longest first so that at any place in a
    text the longest phrase wins ("highly likely" there is not also "likely")."""

    by_first_token: dict[str, list[tuple[tuple[str, ...], str]]]

    @classmethod
    def of(cls, labels: Iterable[tuple[str, str]], language: str) -> Phrases:
        index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for label, value in labels:
            phrase = tuple(tokens(label, language))
            if phrase:
                index.setdefault(phrase[0], []).append((phrase, value))
        for candidates in index.values():
            candidates.sort(key=lambda candidate: -len(candidate[0]))
        return cls(index)

    def find(self, text_tokens: list[str]) -> list[str]:
        """What the phrases found in the text propose, in the order they occur."""
        found = []
        position = 0
        while position < len(text_tokens):
            step = 1
            for phrase, value in self.by_first_token.get(text_tokens[position], ()):
                if tuple(text_tokens[position : position + len(phrase)]) == phrase:
                    found.append(value)
                    step = len(phrase)
                    break
            position += step
        return found


class Proposer:
    """Built once per document, for the edition's probability scale and the stored regions."""

    def __init__(
        self, language: str, probability_terms: Mapping[str, str], region_names: Iterable[str]
    ) -> None:
        self.language = language
        labels = ((label, key) for key, label in probability_terms.items())
        self.terms = Phrases.of(labels, language)
        self.region_order = list(dict.fromkeys(region_names))
        self.regions = Phrases.of(((name, name) for name in self.region_order), language)

    def probability(self, key_judgment: str, summary: str) -> str:
        """The first term found in the key judgment, else in the summary; "" if none."""
        for text in (key_judgment, summary):
            found = self.terms.find(tokens(text, self.language))
            if found:
                return found[0]
        return ""

    def regions_named(self, texts: Iterable[str]) -> list[str]:
        named = set()
        for text in texts:
            named.update(self.regions.find(tokens(text, self.language)))
        return [name for name in self.region_order if name in named]
