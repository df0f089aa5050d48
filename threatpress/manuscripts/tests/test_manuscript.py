import re

from threatpress.manuscripts.manuscript import bookmark_name


def test_bookmark_names_are_names_word_accepts():
    for slug in [
        "a",
        "russia-loses-leverage-in-the-south-caucasus-after-karabakh" * 3,
        "ūkis-ir-energetika",
    ]:
        name = bookmark_name("assessment", slug)
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", name), name


def test_long_slugs_that_share_a_beginning_get_different_bookmarks():
    stem = "russia-loses-leverage-in-the-south-caucasus-"
    assert bookmark_name("assessment", stem + "2024") != bookmark_name("assessment", stem + "2025")
    assert bookmark_name("chapter", "crisis-regions") != bookmark_name(
        "assessment", "crisis-regions"
    )
