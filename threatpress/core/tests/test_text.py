from threatpress.core.text import css_string


def test_css_string_cannot_break_out_of_its_quotes():
    hostile = 'A "title"\\ with\nnewline </style>'
    escaped = css_string(hostile)
    assert '"' not in escaped
    assert "\n" not in escaped
    assert "<" not in escaped
    assert escaped.startswith("A \\22 title\\22 \\5c  with\\a newline")


def test_css_string_keeps_lithuanian_letters():
    assert css_string("Grėsmių vertinimas 2026") == "Grėsmių vertinimas 2026"
