"""APA, Chicago and BibTeX for an edition or an assessment.

Written here rather than with a CSL processor: citeproc-py (the Python one) does not move a
period inside closing quotation marks as American Chicago requires, and loses the spaces of
Lithuanian dates („2026 m.lapkričio5 d.“). Two kinds of work in two languages are few enough to
write by hand and check against citations written out by hand (tests/test_formats.py).

- APA (7th edition): the organisation is the author; the publisher is left out because it is the
  author. An assessment is a section of the edition: "In *Edition*" („Iš *Leidinys*“). No
  retrieval date: APA asks for one only for pages meant to change, and our addresses carry the
  edition's year and keep pointing at the same text.
- Chicago (17th edition, bibliography entry): the organisation as author and publisher, the
  publication year, the access date and the address. English titles in headline style; other
  languages keep their own capitalisation and quotation marks („…“, with the period outside).
- BibTeX: `@techreport` for an edition, `@incollection` for an assessment, plain ASCII with
  LaTeX escapes for every letter outside it ({\\v{s}}, {\\.{e}}), so the record works with
  classic BibTeX and pdfLaTeX as well as with Biber and biblatex (which read the escapes back
  into Unicode). `url` and `urldate` as biblatex and natbib styles read them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, override, pgettext
from pylatexenc.latexencode import UnicodeToLatexEncoder


@dataclass(frozen=True)
class Work:
    kind: str  # "edition" or "assessment"
    title: str
    organisation: str
    published: date
    url: str
    accessed: date
    language: str
    container: str = ""  # the edition an assessment is part of


@dataclass(frozen=True)
class Citation:
    style: str  # "apa", "chicago" or "bibtex"
    name: str  # what a reader calls it
    text: str  # plain text, what is copied
    html: SafeString  # with the titles in italics


# Quotation marks per language, and whether a period or comma goes inside them.
QUOTES = {"en": ("“", "”", True), "lt": ("„", "“", False)}
DEFAULT_QUOTES = ("“", "”", False)

# Chicago's headline style lowercases articles, prepositions (whatever their length),
# coordinating conjunctions, "to" and "as", unless first or last (CMOS 8.159).
LOWERCASE_WORDS = frozenset(
    """a an the and but for nor or so yet as to about above across after against along amid
    among around at before behind below beneath beside besides between beyond by despite
    down during except from in inside into like near of off on onto out outside over past
    per since than through throughout till toward towards under underneath until up upon via
    versus vs with within without""".split()  # noqa: SIM905 (a list of words reads better as words)
)
# Words that say nothing about a work, skipped when making a BibTeX key (as Zotero does).
KEY_SKIP = frozenset("a an the and of on in to for at by with from is".split())  # noqa: SIM905


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(("?", "!", "."))


def _period(text: str) -> str:
    """`text` closed by a period, unless it already ends a sentence."""
    text = text.rstrip()
    return text if _ends_sentence(text) else f"{text}."


def _title(text: str) -> str:
    """A title as an element of a reference. A judgment is a sentence: its own final period
    stands for the element's (it may end an abbreviation, „iki 2027 m.“)."""
    return " ".join(text.split())


def _capitalise(word: str, force: bool) -> str:
    letters = [i for i, char in enumerate(word) if char.isalpha()]
    if not letters:
        return word
    core = word[letters[0] : letters[-1] + 1]
    if any(char.isupper() for char in core[1:]):
        return word  # NATO, iPhone, McDonald: written as meant
    if core.lower() in LOWERCASE_WORDS and not force:
        return word[: letters[0]] + core.lower() + word[letters[-1] + 1 :]
    first = letters[0]
    return word[:first] + word[first].upper() + word[first + 1 :]


def headline_case(title: str) -> str:
    """Chicago's headline-style capitalisation of an English title."""
    words = title.split(" ")
    last = len(words) - 1
    result: list[str] = []
    for position, word in enumerate(words):
        force = position in (0, last) or bool(result and result[-1].endswith(":"))
        # In a compound the first element is capitalised, later ones unless they are small
        # words ("Built-in", "Long-Term").
        parts = word.split("-")
        result.append(
            "-".join(
                _capitalise(part, force if n == 0 else position == last and n == len(parts) - 1)
                for n, part in enumerate(parts)
            )
        )
    return " ".join(result)


def _quoted(text: str, language: str, after: str) -> str:
    """`text` in the language's quotation marks, followed by `after` (punctuation)."""
    opening, closing, inside = QUOTES.get(language, DEFAULT_QUOTES)
    if _ends_sentence(text):
        after = ""
    if inside:
        return f"{opening}{text}{after}{closing}"
    return f"{opening}{text}{closing}{after}"


@dataclass(frozen=True)
class AccessDate:
    """The access date inside a citation: in HTML a `<time>` element, which the page's script
    sets to the reader's own day when a cached copy of the page is older (cite.js)."""

    value: date
    form: str = "long"  # "long": the language's date format; "iso": 2026-11-05

    @property
    def text(self) -> str:
        return (
            self.value.isoformat() if self.form == "iso" else date_format(self.value, "DATE_FORMAT")
        )

    @property
    def html(self) -> str:
        return (
            f'<time datetime="{self.value.isoformat()}" data-cite-accessed="{self.form}">'
            f"{escape(self.text)}</time>"
        )


def _both(*parts: tuple[str | AccessDate, bool]) -> tuple[str, SafeString]:
    """Join (text, italic) parts into plain text and HTML."""
    text = "".join(part.text if isinstance(part, AccessDate) else part for part, _ in parts)
    html = "".join(
        part.html
        if isinstance(part, AccessDate)
        else f"<i>{escape(part)}</i>"
        if italic
        else str(escape(part))
        for part, italic in parts
    )
    return text, mark_safe(html)  # noqa: S308 (every part is escaped above)


def _accessed(work: Work) -> list[tuple[str | AccessDate, bool]]:
    """ "Accessed 5 November 2026." („Žiūrėta 2026 m. lapkričio 5 d.“) as parts."""
    sentence = gettext("Accessed %(date)s")
    before, _, after = sentence.partition("%(date)s")
    day = AccessDate(work.accessed)
    whole = before + day.text + after
    return [(before, False), (day, False), (after + _period(whole)[len(whole) :], False)]


def apa(work: Work) -> Citation:
    author = _period(work.organisation)
    year = f" ({work.published.year}). "
    if work.kind == "assessment":
        parts = [
            (f"{author}{year}{_period(_title(work.title))} ", False),
            (pgettext("citation: a section in a larger work", "In") + " ", False),
            (_title(work.container), True),
            (f". {work.url}", False),
        ]
    else:
        title = _title(work.title)
        parts = [
            (f"{author}{year}", False),
            (title, True),
            (f"{_period(title)[len(title) :]} {work.url}", False),
        ]
    text, html = _both(*parts)
    return Citation("apa", "APA", text, html)


def chicago(work: Work) -> Citation:
    english = work.language == "en"
    case = headline_case if english else (lambda text: text)
    author = _period(work.organisation)
    tail = [
        (f" {work.organisation}, {work.published.year}. ", False),
        *_accessed(work),
        (f" {work.url}.", False),
    ]
    if work.kind == "assessment":
        container = case(_title(work.container))
        parts = [
            (f"{author} {_quoted(case(_title(work.title)), work.language, '.')} ", False),
            (pgettext("citation: a section in a larger work", "In") + " ", False),
            (container, True),
            (_period(container)[len(container) :], False),
        ]
    else:
        title = case(_title(work.title))
        parts = [(f"{author} ", False), (title, True), (_period(title)[len(title) :], False)]
    text, html = _both(*parts, *tail)
    return Citation("chicago", "Chicago", text, html)


_latex = UnicodeToLatexEncoder(
    replacement_latex_protection="braces-all", unknown_char_policy="replace"
)
BABEL_LANGUAGES = {"en": "english", "lt": "lithuanian"}
MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()  # noqa: SIM905


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def bibtex_key(work: Work) -> str:
    """Zotero's pattern: the author's name, the year, the first telling word of the title."""
    author = re.sub(r"[^a-z0-9_]", "", _ascii(work.organisation).lower().replace(" ", "_"))
    words = [re.sub(r"[^a-z0-9]", "", _ascii(word).lower()) for word in work.title.split()]
    first = next((word for word in words if word and word not in KEY_SKIP), "")
    return f"{author}{work.published.year}{first}" or "threatpress"


def _latex_value(text: str) -> str:
    # The typographic apostrophe is LaTeX's own ' (typeset as ’).
    return "{" + _latex.unicode_to_latex(text.replace("’", "'")) + "}"


def bibtex(work: Work) -> Citation:
    month = MONTHS[work.published.month - 1]  # BibTeX's month macros, unquoted
    protected = f"{{{_latex_value(work.organisation)}}}"  # one name, not a person's
    fields = [("author", protected), ("title", f"{{{_latex_value(work.title)}}}")]
    if work.kind == "assessment":
        entry = "incollection"
        fields += [
            ("booktitle", f"{{{_latex_value(work.container)}}}"),
            ("publisher", protected),
        ]
    else:
        entry = "techreport"
        with override(work.language):
            report = pgettext("BibTeX type of a report", "Report")
        fields += [("institution", protected), ("type", _latex_value(report))]
    fields += [
        ("year", f"{{{work.published.year}}}"),
        ("month", month),
        ("url", f"{{{work.url}}}"),
        ("urldate", f"{{{work.accessed.isoformat()}}}"),
    ]
    if work.language in BABEL_LANGUAGES:
        fields.append(("langid", f"{{{BABEL_LANGUAGES[work.language]}}}"))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    text = f"@{entry}{{{bibtex_key(work)},\n{body},\n}}"
    urldate = f"urldate = {{{work.accessed.isoformat()}}}"
    day = AccessDate(work.accessed, form="iso")
    html = str(escape(text)).replace(urldate, f"urldate = {{{day.html}}}")
    return Citation("bibtex", "BibTeX", text, mark_safe(html))  # noqa: S308 (escaped)


def citations(work: Work) -> list[Citation]:
    """The three citations, in the work's language."""
    with override(work.language):
        return [apa(work), chicago(work), bibtex(work)]
