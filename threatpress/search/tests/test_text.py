"""Stems, the reader's query and snippets, without a database."""

from __future__ import annotations

import pytest

from threatpress.search.query import MAX_LENGTH, MAX_TERMS, clean, parse
from threatpress.search.snippets import highlight, snippet
from threatpress.search.text import fold, stem_text


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        ("lt", ["grėsmės", "grėsmių", "grėsmė", "grėsmę", "grėsmėms"]),
        ("lt", ["Rusija", "Rusijos", "Rusijai"]),
        ("lt", ["kibernetinės", "kibernetinių"]),
        ("en", ["threats", "threat"]),
        ("en", ["attacked", "attacks", "attacking"]),
        ("en", ["threatened", "threatening", "threaten"]),
    ],
)
def test_the_forms_of_a_word_share_one_stem(language, forms):
    assert len({stem_text(form, language) for form in forms}) == 1


def test_a_threat_and_threatening_stay_apart_as_snowball_has_it():
    # Snowball's English stemmer keeps the verb apart from the noun: "threatened" finds
    # "threatening" but not "threats". Documented in docs/search.md.
    assert stem_text("threatened", "en") != stem_text("threats", "en")


def test_stems_are_folded_so_words_typed_without_lithuanian_letters_match():
    assert stem_text("grėsmės", "lt") == stem_text("gresmes", "lt") == "gresm"
    assert fold("Žvalgyba") == "zvalgyba"


def test_a_language_without_a_stemmer_is_only_folded():
    assert stem_text("Grėsmės Threats", "xx") == "gresmes threats"


def test_clean_removes_invisible_characters_and_cuts_long_queries():
    assert clean("a\x00b\u202ec\u200bd\x7f e") == ("a b c d e", False)
    text, cut = clean("word " * 5000)
    assert cut and len(text) <= MAX_LENGTH and text.endswith("word")


def test_only_words_reach_the_search():
    parsed = parse('NEAR( * AND OR "unmatched', "en")
    assert parsed.terms == ["near", "and", "or", "unmatch"]
    assert parsed.phrases == []
    assert parse("🙂 ** ()", "en").terms == []
    assert not parse("   ", "en")


def test_quotes_around_words_make_a_phrase():
    parsed = parse("„Rusijos grėsmės“ kibernetinės", "lt")
    assert parsed.phrases == [["rusij", "gresm"]]
    assert parsed.terms == ["kibernetin"]
    assert parse('"threats" Russia', "en").terms == ["threat", "russia"]  # one word: no phrase


def test_at_most_max_terms_are_searched_for():
    parsed = parse(" ".join(f"word{n}" for n in range(40)), "en")
    assert len(parsed.terms) == MAX_TERMS and parsed.truncated


def test_a_snippet_marks_the_forms_of_the_words_and_escapes_the_rest():
    text = "Filler. " * 40 + "The <b>threats</b> grew & so did the threat of attacks. " * 2
    html = snippet(text, {"threat", "attack"}, "en")
    assert "<mark>threats</mark>" in html and "<mark>threat</mark>" in html
    assert "<mark>attacks</mark>" in html
    assert "&lt;b&gt;" in html and "<b>" not in html and "&amp;" in html
    assert html.startswith("… ") and len(html.split()) < 60


def test_a_snippet_without_a_hit_is_the_start_of_the_text():
    assert snippet("One two three.", {"zzz"}, "en") == "One two three."
    assert snippet("", {"zzz"}, "en") == ""


def test_highlight_marks_lithuanian_forms():
    assert highlight("Grėsmių daugėja", {"gresm"}, "lt") == "<mark>Grėsmių</mark> daugėja"
    assert highlight("<script>", {"script"}, "en") == "&lt;<mark>script</mark>&gt;"


def test_the_pagination_shows_the_ends_and_two_pages_either_side():
    from threatpress.search.views import page_links

    assert page_links(1, 1) == [1]
    assert page_links(1, 6) == [1, 2, 3, None, 6]
    assert page_links(3, 6) == [1, 2, 3, 4, 5, 6]
    assert page_links(10, 68) == [1, None, 8, 9, 10, 11, 12, None, 68]
