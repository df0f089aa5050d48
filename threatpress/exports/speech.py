"""What the 'Listen' files say: an ExportDocument as a list of spoken segments.

A segment is a heading, a paragraph, a list item or a line such as "Probability: likely, 50 to
75 percent", already written out for the voice of the document's language: symbols a voice reads
badly or not at all (%, –, <, >, &) become words, Lithuanian units agree with their number
("25 procentai", "nuo 50 iki 75 procentų"), URLs and footnote markers are left out. Each segment
carries the pause that follows it. The synthesiser (audio.py) caches audio per segment, so the
same paragraph reads the same, and costs nothing, in an assessment's file and the edition's.

The fixed words the voice says around the content (Chapter, Foreword, Probability, Quote...) are
the document's labels: interface text, translated in the message catalogue like the PDF's
(document.labels()). The words below are not: they read numbers and symbols aloud and depend on
the grammar of the number next to them, which a message catalogue cannot express.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import formats, timezone, translation

from .document import (
    AssessmentDoc,
    ChapterDoc,
    ExportDocument,
    Figure,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    Table,
)
from .inline import plain

# Seconds of silence after each kind of segment.
PAUSE_HEADING = 0.8
PAUSE_PARAGRAPH = 0.5
PAUSE_ITEM = 0.3
PAUSE_SECTION = 1.2  # after an assessment, the foreword, the title block


@dataclass(frozen=True)
class Segment:
    text: str
    pause: float = PAUSE_PARAGRAPH


# Words for reading numbers and symbols aloud, per language.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "to": "to",
        "percent": "percent",
        "less_than": "less than",
        "more_than": "more than",
        "at_most": "at most",
        "at_least": "at least",
        "and": "and",
    },
    "lt": {
        "to": "iki",
        "from": "nuo",
        "less_than": "mažiau nei",
        "more_than": "daugiau nei",
        "at_most": "ne daugiau kaip",
        "at_least": "ne mažiau kaip",
        "and": "ir",
    },
}

# Lithuanian nouns after a number: nominative singular, nominative plural, genitive plural,
# genitive singular (for decimals, and for 1 after "nuo"/"iki").
LT_FORMS = {
    "%": ("procentas", "procentai", "procentų", "procento"),
    "proc.": ("procentas", "procentai", "procentų", "procento"),
    "tūkst.": ("tūkstantis", "tūkstančiai", "tūkstančių", "tūkstančio"),
    "mln.": ("milijonas", "milijonai", "milijonų", "milijono"),
    "mlrd.": ("milijardas", "milijardai", "milijardų", "milijardo"),
    "mėn.": ("mėnuo", "mėnesiai", "mėnesių", "mėnesio"),
}
LT_MONTHS_GENITIVE = [
    "sausio",
    "vasario",
    "kovo",
    "balandžio",
    "gegužės",
    "birželio",
    "liepos",
    "rugpjūčio",
    "rugsėjo",
    "spalio",
    "lapkričio",
    "gruodžio",
]
LT_ORDINAL_UNITS = [
    "pirmą",
    "antrą",
    "trečią",
    "ketvirtą",
    "penktą",
    "šeštą",
    "septintą",
    "aštuntą",
    "devintą",
]
LT_ORDINAL_TEENS = [
    "dešimtą",
    "vienuoliktą",
    "dvyliktą",
    "tryliktą",
    "keturioliktą",
    "penkioliktą",
    "šešioliktą",
    "septynioliktą",
    "aštuonioliktą",
    "devynioliktą",
]
LT_ABBREVIATIONS = {
    "t. y.": "tai yra",
    "pvz.": "pavyzdžiui",
    "ir kt.": "ir kiti",
    "ir pan.": "ir panašiai",
}

NUMBER = r"\d+(?:[.,]\d+)?"
URL = re.compile(
    r"(?:\bhttps?://|\bwww\.|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/)[^\s<>\"]*[^\s<>\".,;:!?)\]]",
    re.IGNORECASE,
)
LT_UNIT = r"%|proc\.|tūkst\.|mln\.|mlrd\.|mėn\."
# "50–75%", "2021–2024", "2021-2024" (a hyphen only between short numbers: "26165-2" is a name).
RANGE = re.compile(
    rf"(?<![\w.,\-–])(?:({NUMBER})\s*[–—]\s*({NUMBER})|(\d{{1,4}})-(\d{{1,4}}))(?![\w\-–])"
    rf"(?:\s*({LT_UNIT}))?",
    re.IGNORECASE,
)
COMPARISON = re.compile(rf"([<>≤≥])\s*(?={NUMBER})")
COMPARISON_WORDS = {"<": "less_than", ">": "more_than", "≤": "at_most", "≥": "at_least"}


def lt_ordinal_accusative(day: int) -> str:
    """1..31 as Lithuanian ordinals in the accusative ("kovo dešimtą dieną")."""
    if day < 10:
        return LT_ORDINAL_UNITS[day - 1]
    if day < 20:
        return LT_ORDINAL_TEENS[day - 10]
    tens = {2: "dvidešimt", 3: "trisdešimt"}[day // 10]
    if day % 10 == 0:
        return tens[:-1] + "tą"  # dvidešimtą, trisdešimtą
    return f"{tens} {LT_ORDINAL_UNITS[day % 10 - 1]}"


def lt_noun(number: str, forms: tuple[str, str, str, str], genitive: bool = False) -> str:
    """The form of a Lithuanian noun that agrees with `number` ("21 procentas", "25 procentai",
    "10 procentų", "7,1 procento"); `genitive` after "nuo"/"iki"."""
    if re.search(r"[.,]\d", number):
        return forms[3]
    value = int(number)
    ones, tens = value % 10, value % 100
    if genitive:
        return forms[3] if ones == 1 and tens != 11 else forms[2]
    if ones == 0 or 11 <= tens <= 19:
        return forms[2]
    return forms[0] if ones == 1 else forms[1]


def _lt_unit(unit: str | None) -> tuple[str, str, str, str] | None:
    return LT_FORMS.get(unit.lower()) if unit else None


def _range(m: re.Match) -> tuple[str, str, str | None]:
    """The two ends of a RANGE match and the unit after it."""
    return (m[1] or m[3], m[2] or m[4], m[5])


def _english_range(m: re.Match, words: dict[str, str]) -> str:
    low, high, unit = _range(m)
    spoken = f"{low} {words['to']} {high}"
    if unit:
        spoken += f" {words['percent']}" if unit == "%" else f" {unit}"
    return spoken


def speakable(text: str, language: str) -> str:
    """`text` as the voice of `language` should receive it: one line, symbols as words, no URLs."""
    words = WORDS.get(language, {})
    text = URL.sub("", text)
    text = re.sub(r"[\u00a0\u202f\u2009]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if language == "lt":
        text = _lithuanian(text, words)
    elif words:
        text = RANGE.sub(lambda m: _english_range(m, words), text)
    if words:
        text = COMPARISON.sub(lambda m: words[COMPARISON_WORDS[m[1]]] + " ", text)
        # A dash joining words (a span such as "6 months–2 years", or "Russia–Ukraine").
        to = words["to"]
        text = re.sub(r"(?<=\S)[–—](?=\d)", f" {to} ", text)
        text = re.sub(r"(?<=\w)[–—](?=\w)", " ", text)
        text = re.sub(r"\s*&\s*", f" {words['and']} ", text)
        text = re.sub(r"(?<=[^\W\d])/(?=[^\W\d])", " ", text)  # and/or
        if language != "lt":
            text = re.sub(rf"({NUMBER})\s*%", rf"\1 {words['percent']}", text)
    text = re.sub(r"\s+[–—]\s+|\s*—\s*", ", ", text)  # a dash as a pause
    text = re.sub(r"[•▪◦]", "", text)
    # What removing a URL leaves behind: "see ( )", "at ." and doubled spaces.
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text)
    text = re.sub(r"\s+([.,;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?=[.!?])", "", text)
    return re.sub(r"\s+", " ", text).strip(" ,;")


def _lithuanian(text: str, words: dict[str, str]) -> str:
    # Thousands written with spaces ("15 000") are one number.
    text = re.sub(r"(?<![\d,.])\d{1,3}(?: \d{3})+(?![\d,])", lambda m: m[0].replace(" ", ""), text)
    for short, long in LT_ABBREVIATIONS.items():
        text = re.sub(rf"(?<!\w){re.escape(short)}", long, text)

    def spoken_range(m: re.Match) -> str:
        low, high, unit = _range(m)
        forms = _lt_unit(unit)
        noun = f" {lt_noun(high, forms, genitive=True)}" if forms else ""
        after_from = m.string[: m.start()].rstrip().lower().endswith(words["from"])
        start = "" if after_from else f"{words['from']} "
        return f"{start}{low} {words['to']} {high}{noun}"

    text = RANGE.sub(spoken_range, text)
    text = re.sub(
        rf"({NUMBER})\s*({LT_UNIT})",
        lambda m: f"{m[1]} {lt_noun(m[1], _lt_unit(m[2]))}",
        text,
        flags=re.IGNORECASE,
    )
    months = "|".join(LT_MONTHS_GENITIVE)
    text = re.sub(  # "kovo 10 d." → "kovo dešimtą dieną"
        rf"\b({months}) (\d{{1,2}}) ?d\.",
        lambda m: (
            f"{m[1]} {lt_ordinal_accusative(int(m[2]))} dieną" if 1 <= int(m[2]) <= 31 else m[0]
        ),
        text,
    )
    # "2026 m. kovo" → "2026 metų kovo"; "2026 m." alone → "2026 metais".
    text = re.sub(rf"\b(\d{{4}}) ?m\.(?= (?:{months})\b)", r"\1 metų", text)
    return re.sub(r"\b(\d{4}) ?m\.", r"\1 metais", text)


class _Script:
    def __init__(self, doc: ExportDocument):
        self.doc = doc
        self.language = doc.language
        self.segments: list[Segment] = []

    def label(self, key: str) -> str:
        return self.doc.labels[key]

    def say(self, text: str, pause: float = PAUSE_PARAGRAPH, full_stop: bool = False) -> None:
        spoken = speakable(text, self.language)
        if spoken and full_stop and spoken[-1] not in ".!?…":
            spoken += "."  # a title or a line of our own: the voice drops its pitch
        if spoken:
            self.segments.append(Segment(spoken, pause))

    def sentence(self, text: str, pause: float = PAUSE_PARAGRAPH) -> None:
        self.say(text, pause, full_stop=True)

    def rest(self, pause: float) -> None:
        """Make the pause after the last segment at least `pause` seconds."""
        if self.segments and self.segments[-1].pause < pause:
            last = self.segments[-1]
            self.segments[-1] = Segment(last.text, pause)

    def date(self, value: datetime.date) -> str:
        with translation.override(self.language):
            return formats.date_format(value, "DATE_FORMAT")

    def blocks(self, blocks) -> None:
        for block in blocks:
            if isinstance(block, Paragraph):
                self.say(block.plain())
            elif isinstance(block, ListBlock):
                for number, item in enumerate(block.items, start=1):
                    prefix = f"{number}. " if block.ordered else ""
                    self.sentence(prefix + plain(item), PAUSE_ITEM)
                self.rest(PAUSE_PARAGRAPH)
            elif isinstance(block, Heading):
                self.sentence(block.text, PAUSE_HEADING)
            elif isinstance(block, Quote):
                self.sentence(f"{self.label('quote')}: {block.text}", PAUSE_ITEM)
                if block.attribution:
                    self.sentence(block.attribution)
                self.rest(PAUSE_PARAGRAPH)
            elif isinstance(block, Figure) and block.alt:
                self.sentence(f"{self.label('figure')}: {block.alt}")
            elif isinstance(block, Table):
                self.table(block)

    def table(self, table: Table) -> None:
        """A table read row by row, each value after the header of its column, each row named
        by its header cell ("Health care. 2024: 41; 2025: 52.") or by its number."""
        intro = self.label("table")
        self.sentence(f"{intro}: {table.caption}" if table.caption else intro, PAUSE_ITEM)
        header = table.header
        for number, row in enumerate(table.body_rows, start=1):
            cells = list(enumerate(row))
            if table.header_column and cells:
                name, cells = row[0], cells[1:]
            else:
                name = self.label("row_number") % {"number": number}
            said = [
                f"{header[x]}: {value}" if x < len(header) and header[x].strip() else value
                for x, value in cells
                if value.strip()
            ]
            self.sentence(f"{name}. " + "; ".join(said) if said else name, PAUSE_ITEM)
        self.rest(PAUSE_PARAGRAPH)

    def edition(self) -> None:
        edition = self.doc.edition
        self.sentence(edition.title, PAUSE_HEADING)
        if self.doc.organisation:
            self.sentence(self.doc.organisation, PAUSE_HEADING)
        published = timezone.localtime(edition.published_at).date()
        self.sentence(f"{self.label('published')}: {self.date(published)}", PAUSE_ITEM)
        self.sentence(f"{self.label('information_up_to')}: {self.date(edition.cutoff_date)}")
        self.rest(PAUSE_SECTION)
        if edition.foreword:
            self.sentence(self.label("foreword"), PAUSE_HEADING)
            self.blocks(edition.foreword)
            if edition.foreword_signed_by:
                self.sentence(edition.foreword_signed_by)
            self.rest(PAUSE_SECTION)

    def chapter(self, chapter: ChapterDoc, introduction: bool) -> None:
        self.sentence(f"{self.label('chapter')} {chapter.number}. {chapter.title}", PAUSE_HEADING)
        if introduction:
            self.blocks(chapter.introduction)
            self.rest(PAUSE_SECTION)

    def assessment(self, assessment: AssessmentDoc) -> None:
        self.sentence(assessment.title, PAUSE_HEADING)
        self.say(assessment.summary)
        terms = (("probability", assessment.probability), ("time_horizon", assessment.horizon))
        for key, term in terms:
            if term is not None:
                self.sentence(f"{self.label(key)}: {term.label}, {term.band}", PAUSE_ITEM)
        self.rest(PAUSE_PARAGRAPH)
        self.blocks(assessment.body)
        self.rest(PAUSE_SECTION)


def speech_script(doc: ExportDocument) -> list[Segment]:
    """What is read aloud, in order, in the document's language.

    An assessment: its chapter, key judgment, summary, probability and time horizon, then the
    body (headings, paragraphs, list items, quotes with their attribution, figures by their alt
    text). A chapter: its title and introduction, then its assessments. The edition: title,
    organisation, publication and cut-off dates, the foreword, then each chapter. Footnotes, the
    probability table and regions are not read.
    """
    script = _Script(doc)
    if doc.scope == "edition":
        script.edition()
    for chapter in doc.chapters:
        script.chapter(chapter, introduction=doc.scope != "assessment")
        for assessment in chapter.assessments:
            script.assessment(assessment)
    return script.segments
