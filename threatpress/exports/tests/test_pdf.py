"""The PDF engine, checked by reading its files back with pypdf: the text (Lithuanian letters,
typographic quotes), the outline and contents, links, the tags and metadata of PDF/UA-1, the
fonts, the print variant, and hostile text that must print literally.

The demo edition is loaded once for the module, inside a transaction that is rolled back at
the end, and every PDF the tests read is rendered then; the tests only read bytes.
"""

from __future__ import annotations

import copy
import datetime
import functools
import io
import re
import unicodedata
from dataclasses import dataclass, field

import pypdf
import pytest
from django.db import transaction
from django.utils import translation
from PIL import Image
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from threatpress.core.tests.xss_payloads import PAYLOADS
from threatpress.exports import pdf as pdf_module
from threatpress.exports.document import (
    AssessmentDoc,
    ChapterDoc,
    EditionDoc,
    ExportDocument,
    Figure,
    Footnote,
    Heading,
    ImageFile,
    ListBlock,
    Paragraph,
    Quote,
    Table,
    Term,
    build_document,
    labels,
)
from threatpress.exports.inline import Inline
from threatpress.exports.pdf import render_pdf, tied
from threatpress.exports.snapshot import live_plan

# The module fixture needs the test database, which pytest-django sets up only for a session
# with tests that declare it.
pytestmark = pytest.mark.django_db

ORGANISATION = "State Assessment Office"
ROOT_URL = "https://threats.example"
# Our own sentence with every Lithuanian letter: ą č ę ė į š ų ū ž.
LITHUANIAN = (
    "Rusijos žvalgybos tarnybos siekia užverbuoti mūsų piliečius, kertančius sieną į "
    "Baltarusiją, ir grasina jų šeimų nariams, tačiau į tokius pasiūlymus atsiliepę žmonės "
    "dažnai įspėja pareigūnus."
)
LITHUANIAN_TITLES = {
    "edition": "Grėsmių nacionaliniam saugumui vertinimas 2026",
    "russia-military": "Rusijos karinė grėsmė",
    "russias-war-economy-sustains-military-spending": (
        "Rusijos karo ekonomika ir 2026 m. išlaikys labai dideles karines išlaidas, nors "
        "augimas lėtėja, palūkanos didelės, o pajamos už energiją mažėja."
    ),
}
A4 = (595.28, 841.89)


@dataclass
class Rendered:
    doc: ExportDocument
    data: bytes
    reader: pypdf.PdfReader = field(init=False)

    def __post_init__(self):
        self.reader = pypdf.PdfReader(io.BytesIO(self.data))

    @property
    def pages(self) -> int:
        return len(self.reader.pages)

    def text(self, first: int = 1, last: int | None = None) -> str:
        return "\n".join(self.page_texts[first - 1 : last])

    @functools.cached_property
    def page_texts(self) -> list[str]:
        return [page.extract_text() for page in self.reader.pages]

    @functools.cached_property
    def flat_text(self) -> str:
        return flat(self.text())


def flat(text: str) -> str:
    """Text as a reader reads it: words hyphenated at a line end joined again, one space."""
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return " ".join(text.split())


def letters(text: str) -> str:
    """Only what a payload's glyphs show: no white space, hyphens or invisible characters."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        ch
        for ch in text
        if not ch.isspace() and ch not in "-\u2010" and unicodedata.category(ch) != "Cf"
    )


def in_lithuanian(doc: ExportDocument) -> ExportDocument:
    """The demo edition's document as its Lithuanian translation would give it (the demo has
    no Lithuanian text yet): the document's language and words, and Lithuanian titles and a
    summary; the rest stays English, as in a translation in progress."""
    doc = copy.deepcopy(doc)
    doc.language = "lt"
    with translation.override("lt"):
        doc.labels = labels()
    doc.title = doc.edition.title = LITHUANIAN_TITLES["edition"]
    doc.organisation = "Valstybės vertinimo tarnyba"
    doc.chapters[0].title = LITHUANIAN_TITLES["russia-military"]
    second = doc.chapters[0].assessments[1]
    second.title = LITHUANIAN_TITLES["russias-war-economy-sustains-military-spending"]
    second.summary = f"{LITHUANIAN} Jie vadina tai „lengvais pinigais“."
    return doc


def load_demo_edition(year: int) -> None:
    """One demo edition with the site around it: what `manage.py load_demo` does for all four
    editions, users and readership figures, in a third of the time."""
    from threatpress.core.demo import loader
    from threatpress.core.locales import ensure_locales

    report = loader.LoadReport()
    locale = ensure_locales()
    index = loader.ensure_reports_index(loader.ensure_home(locale, report), report)
    regions = loader.ensure_regions(locale, report)
    path = loader.CONTENT_DIR / f"edition_{year}.toml"
    loader.load_edition(path, index, locale, regions, report, refresh=False)


def export(page) -> ExportDocument:
    plan = live_plan(page)
    return build_document(plan.scope, plan.load(), organisation=ORGANISATION, root_url=ROOT_URL)


def with_internal_link(doc: ExportDocument) -> ExportDocument:
    """The edition with a sentence in its first assessment that links to its last chapter."""
    doc = copy.deepcopy(doc)
    target = doc.chapters[-1]
    link = Inline("link", children=[Inline("text", target.title)], href=f"#{target.anchor}")
    sentence = Paragraph([Inline("text", "See also the chapter "), link, Inline("text", ".")])
    doc.chapters[0].assessments[0].body.append(sentence)
    return doc


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> dict[str, Rendered]:
    from threatpress.reports.models import EditionPage

    rendered: dict[str, Rendered] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo_edition(2026)
        edition = EditionPage.objects.get(year=2026, locale__language_code="en")
        chapter = edition.get_children().specific().first()
        assessment = chapter.get_children().specific()[2]  # a footnote links to nato.int
        edition_doc = with_internal_link(export(edition))
        chapter_doc, assessment_doc = export(chapter), export(assessment)
        transaction.set_rollback(True)
    lithuanian_doc = in_lithuanian(edition_doc)
    for name, doc, variant in (
        ("edition", edition_doc, "screen"),
        ("edition-print", edition_doc, "print"),
        ("edition-lt", lithuanian_doc, "screen"),
        ("chapter", chapter_doc, "screen"),
        ("chapter-print", chapter_doc, "print"),
        ("assessment", assessment_doc, "screen"),
        ("assessment-print", assessment_doc, "print"),
    ):
        rendered[name] = Rendered(doc, render_pdf(doc, variant).data)
    return rendered


def struct_elements(reader: pypdf.PdfReader):
    """Every element of the structure tree, depth first."""
    stack = [reader.trailer["/Root"]["/StructTreeRoot"].get_object()]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        if kids is None:
            continue
        kids = kids if isinstance(kids, ArrayObject) else [kids]
        for kid in reversed(kids):
            kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                yield kid
                stack.append(kid)


def outline_tree(reader: pypdf.PdfReader) -> list[tuple[str, int, list[str]]]:
    """Top-level bookmarks as (title, page number, titles of the entries nested under it)."""
    tree = []
    for item in reader.outline:
        if isinstance(item, list):
            tree[-1][2].extend(child.title for child in item if not isinstance(child, list))
        else:
            tree.append((item.title, reader.get_destination_page_number(item) + 1, []))
    return tree


# --- The demo edition, English and Lithuanian -----------------------------------------------


def bookmark_pages(reader: pypdf.PdfReader) -> dict[str, int]:
    """The page number each bookmark leads to, at every level."""
    pages = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                pages[item.title] = reader.get_destination_page_number(item) + 1

    walk(reader.outline)
    return pages


def pages_of(rendered: Rendered, title: str) -> str:
    """The text of the page a bookmark leads to and of the page after it."""
    page = bookmark_pages(rendered.reader)[tied(title)]  # as printed (tied)
    return flat(rendered.text(page, page + 1))


def test_the_edition_has_a_cover_contents_foreword_scale_and_every_chapter(demo):
    rendered = demo["edition"]
    doc = rendered.doc
    assert rendered.pages > 30
    cover = flat(rendered.text(1, 1))
    assert doc.organisation.upper() in cover
    assert doc.edition.title in cover
    assert str(doc.edition.year) in cover
    text = rendered.flat_text
    for chapter in doc.chapters:
        assert chapter.title in text
        for assessment in chapter.assessments:
            assert flat(assessment.title) in text
    assert doc.labels["probability_scale"] in text
    assert doc.edition.foreword_signed_by in text


def test_lithuanian_letters_and_quotes_come_back_out(demo):
    rendered = demo["edition-lt"]
    cover = flat(rendered.text(1, 1))
    assert LITHUANIAN_TITLES["edition"] in cover
    assert "VALSTYBĖS VERTINIMO TARNYBA" in cover
    assert "2026 m. kovo 10 d." in cover  # the date in Lithuanian
    assert LITHUANIAN_TITLES["russia-military"] in pages_of(
        rendered, LITHUANIAN_TITLES["russia-military"]
    )
    title = LITHUANIAN_TITLES["russias-war-economy-sustains-military-spending"]
    text = pages_of(rendered, title)
    assert title in text
    assert LITHUANIAN in text
    assert "„lengvais pinigais“" in text


# The fixed words the PDF prints around the content, by their key in document.labels().
PRINTED_LABELS = (
    "contents",
    "foreword",
    "how_to_read",
    "probability_scale",
    "time_horizons",
    "probability",
    "time_horizon",
    "term",
    "horizon",
    "period",
    "meaning",
    "published",
    "information_up_to",
    "read_online",
)


def test_a_lithuanian_pdf_prints_its_fixed_words_in_lithuanian(demo):
    """Every word of the template comes from the labels, in the document's language: no
    English word of the interface is left in a Lithuanian PDF."""
    with translation.override("en"):
        english = labels()
    with translation.override("lt"):
        lithuanian = labels()
    text = demo["edition-lt"].flat_text
    for key in PRINTED_LABELS:
        assert lithuanian[key] != english[key], key
        assert flat(lithuanian[key]).lower() in text.lower(), key
        assert flat(english[key]) not in text, key
    chapter = lithuanian["chapter_number"] % {"number": 1}
    assert chapter == "1 skyrius"
    assert flat(chapter).upper() in text
    assert flat(english["chapter_number"] % {"number": 1}).upper() not in text


def test_figure_and_table_numbers_stand_where_each_language_puts_them(demo):
    """English "Figure 1: …", Lithuanian "1 pav. …" (not "Paveikslas 1"), and tables alike."""
    english, lithuanian = demo["edition"].flat_text, demo["edition-lt"].flat_text
    assert re.search(r"Figure 1: \S", english) and re.search(r"Table 1: \S", english)
    assert re.search(r"\b1 pav\. \S", lithuanian), lithuanian[:2000]
    assert re.search(r"\b1 lentelė \S", lithuanian)
    assert "Paveikslas 1" not in lithuanian and "Lentelė 1" not in lithuanian


def test_a_number_and_its_unit_are_never_parted_at_a_line_end():
    """ "2026 m.", "10 d.", "50 %": a no-break space between them (the bookmarks' test above
    finds it in a printed Lithuanian title)."""
    assert tied("iki 2026 m. kovo 10 d., 50 % ir 5 mln. eurų, 3 km") == (
        "iki 2026\u00a0m. kovo 10\u00a0d., 50\u00a0% ir 5\u00a0mln. eurų, 3\u00a0km"
    )
    assert tied("in 2026 many, 10 days, page 3 to 5") == "in 2026 many, 10 days, page 3 to 5"


def test_typographic_quotes_and_dashes_come_back_out(demo):
    text = demo["edition"].flat_text
    assert "its “compatriot” policy" in text
    assert "Russia’s military threat" in text
    assert "2021–2024" in text


def test_the_language_and_title_are_in_the_catalog_info_and_xmp(demo):
    for name in ("edition", "edition-lt", "chapter", "assessment"):
        rendered = demo[name]
        doc = rendered.doc
        catalog = rendered.reader.trailer["/Root"]
        assert catalog["/Lang"] == doc.language
        assert bool(catalog["/MarkInfo"]["/Marked"])
        assert "/StructTreeRoot" in catalog
        assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
        assert rendered.reader.metadata.title == doc.title
        assert rendered.reader.metadata.author == doc.organisation
        xmp = rendered.reader.xmp_metadata
        assert xmp.dc_title == {"x-default": doc.title}
        raw = catalog["/Metadata"].get_object().get_data().decode()
        assert "<pdfuaid:part>1</pdfuaid:part>" in raw


def test_every_chapter_is_a_bookmark_with_its_assessments_under_it(demo):
    for name in ("edition", "edition-lt"):
        doc = demo[name].doc
        tree = {title: children for title, _page, children in outline_tree(demo[name].reader)}
        for chapter in doc.chapters:
            # as printed: a number keeps its unit ("2026\u00a0m.") in the bookmarks too
            assert tree[tied(chapter.title)] == [tied(a.title) for a in chapter.assessments]


def test_the_contents_page_numbers_are_where_the_chapters_start(demo):
    rendered = demo["edition"]
    starts = {title: page for title, page, _children in outline_tree(rendered.reader)}
    contents = flat(rendered.text(2, 4)).replace("\u2060", "")
    for chapter in rendered.doc.chapters:
        match = re.search(re.escape(chapter.title) + r"[ .]*?(\d+)\b", contents)
        assert match, chapter.title
        number = int(match.group(1))
        assert number == starts[chapter.title]
        opening = flat(rendered.text(number, number))
        assert chapter.title in opening
        label = rendered.doc.labels["chapter_number"] % {"number": chapter.number}
        assert label.upper() in opening


def test_internal_links_point_at_named_places_in_the_document(demo):
    reader = demo["edition"].reader
    names = reader.named_destinations
    page_ids = {page.indirect_reference.idnum for page in reader.pages}
    internal = []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link" or "/Dest" not in annotation:
                continue
            dest = annotation["/Dest"]
            if isinstance(dest, ArrayObject):
                assert dest[0].idnum in page_ids
            else:
                assert dest in names
                internal.append(
                    (number, str(dest), reader.get_destination_page_number(names[dest]))
                )
            assert annotation.get("/Contents")  # PDF/UA: every link has a description
    # The contents link every chapter; the sentence added to the first assessment links to the
    # last chapter's opening page.
    last = demo["edition"].doc.chapters[-1]
    to_last = [entry for entry in internal if entry[1] == last.anchor]
    assert len(to_last) >= 2
    assert len({entry[2] for entry in to_last}) == 1
    assert any(entry[0] > 5 for entry in to_last)  # one from the body, after the contents


def test_external_links_are_uri_actions(demo):
    uris = [
        annotation.get_object()["/A"]["/URI"]
        for page in demo["edition"].reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert "https://www.nato.int/cps/en/natohq/official_texts_17120.htm" in uris
    assert all(uri.startswith(("https://", "http://", "mailto:")) for uri in uris)


def test_every_font_is_source_serif_and_embedded(demo):
    for name in ("edition", "edition-lt", "assessment-print"):
        reader = demo[name].reader
        seen = set()
        for page in reader.pages:
            for font in page["/Resources"].get("/Font", {}).values():
                font = font.get_object()
                seen.add(str(font["/BaseFont"]))
                for descendant in font.get("/DescendantFonts", [font]):
                    descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                    assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor)
        assert seen
        assert all("+SourceSerifPro-" in name for name in seen), seen


def test_the_font_has_every_lithuanian_letter_and_quote():
    """No fallback and no tofu: every style we embed has each of these glyphs."""
    for name in pdf_module.FONT_FILES:
        shown = pdf_module.font_characters(pdf_module.FONT_DIR / name)
        assert all(ord(ch) in shown for ch in "ąčęėįšųūžĄČĘĖĮŠŲŪŽ“”‘’„–—…")


def test_our_cmap_reader_agrees_with_fonttools():
    ttlib = pytest.importorskip("fontTools.ttLib")
    for name in pdf_module.FONT_FILES[:2]:
        path = pdf_module.FONT_DIR / name
        expected = set(ttlib.TTFont(path).getBestCmap())
        assert pdf_module.font_characters(path) == expected


def test_the_structure_tree_has_headings_and_figures_with_alt_text(demo):
    rendered = demo["edition"]
    elements = list(struct_elements(rendered.reader))
    kinds = [str(element["/S"]) for element in elements]
    headings_1 = [str(e.get("/T")) for e in elements if e["/S"] == "/H1"]
    headings_2 = [str(e.get("/T")) for e in elements if e["/S"] == "/H2"]
    doc = rendered.doc
    assert all(chapter.title in headings_1 for chapter in doc.chapters)
    assert all(a.title in headings_2 for a in doc.assessments())
    assert {"/P", "/L", "/LI", "/BlockQuote", "/Table", "/TH", "/Link", "/Note"} <= set(kinds)
    alts = [str(e["/Alt"]) for e in elements if e["/S"] == "/Figure"]
    assert alts == [figure.alt for figure in doc.figures()]
    assert len(alts) == 3


def descendants(element) -> list:
    """The structure elements under `element`, depth first."""
    found, stack = [], [element]
    while stack:
        kids = stack.pop().get("/K")
        kids = kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []
        for kid in kids:
            kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                found.append(kid)
                stack.append(kid)
    return found


def test_a_body_table_is_a_tagged_table_with_its_header_cells(demo):
    rendered = demo["edition"]
    (table,) = [
        block for a in rendered.doc.assessments() for block in a.body if isinstance(block, Table)
    ]
    assert table.header_row and table.header_column and len(table.rows) == 6
    shapes = []
    for element in struct_elements(rendered.reader):
        if element["/S"] == "/Table":
            kinds = [str(kid["/S"]) for kid in descendants(element)]
            shapes.append((kinds.count("/TR"), kinds.count("/TH"), kinds.count("/TD")))
    # The scale's two tables (a header row of three cells over four and over four rows), and
    # ours: a header row of four cells, and five rows of four cells under it.
    assert (6, 4, 20) in shapes
    text = rendered.flat_text
    assert f"Table 1: {table.caption}" in text
    assert " ".join(table.rows[0]) in text
    assert "Small and medium firms 118 134 61" in text


# --- A chapter and an assessment ------------------------------------------------------------


def test_a_chapter_pdf_holds_its_chapter_and_nothing_else(demo):
    rendered = demo["chapter"]
    chapter = rendered.doc.chapters[0]
    text = rendered.flat_text
    assert chapter.title in text
    assert all(flat(a.title) in text for a in chapter.assessments)
    edition = demo["edition"].doc
    regions = {region for a in chapter.assessments for region in a.regions}
    for other in edition.chapters:
        if other.anchor == chapter.anchor:
            continue
        if other.title not in regions:  # "Belarus" is a chapter and a region of this one
            assert other.title not in text
        assert all(flat(a.title) not in text for a in other.assessments)
    tree = outline_tree(rendered.reader)
    assert tree == [(chapter.title, 1, [a.title for a in chapter.assessments])]
    assert rendered.doc.labels["contents"] in text


def test_an_assessment_pdf_holds_its_assessment_and_nothing_else(demo):
    rendered = demo["assessment"]
    doc = rendered.doc
    only = doc.chapters[0].assessments[0]
    text = rendered.flat_text
    assert flat(only.title) in text
    assert letters(only.summary) in letters(text)
    assert doc.organisation.upper() in text and doc.chapters[0].title in text  # the masthead
    edition_chapter = next(
        c for c in demo["edition"].doc.chapters if c.anchor == doc.chapters[0].anchor
    )
    for sibling in edition_chapter.assessments:
        if sibling.anchor != only.anchor:
            assert flat(sibling.title) not in text
    assert doc.labels["contents"] not in text  # no cover, no contents
    assert [title for title, _page, _children in outline_tree(rendered.reader)] == [only.title]
    assert "North Atlantic Treaty, Washington D.C." in text  # a footnote


# --- The print variant ----------------------------------------------------------------------


def test_print_is_two_sided_a4_with_chapters_on_right_hand_pages(demo):
    for name in ("edition-print", "chapter-print", "assessment-print"):
        rendered = demo[name]
        assert rendered.pages % 2 == 0, name
        for page in rendered.reader.pages:
            box = page.mediabox
            assert (round(float(box.width), 1), round(float(box.height), 1)) == (595.3, 841.9)
    tree = outline_tree(demo["edition-print"].reader)
    assert all(page % 2 == 1 for _title, page, _children in tree)  # every section: odd page


def test_print_shows_where_external_links_go_and_screen_does_not(demo):
    url = "https://www.nato.int/cps/en/natohq/official_texts_17120.htm"
    assert letters(f"text on the NATO website ({url})") in letters(demo["assessment-print"].text())
    assert letters(f"({url})") not in letters(demo["assessment"].text())


def test_print_is_black_and_screen_has_coloured_links(demo):
    def colours(reader, pages):
        """Colours with three components (RGB) set for text, rules and fills."""
        found = set()
        for page in reader.pages[pages]:
            content = page.get_contents().get_data().decode("latin-1")
            found.update(
                re.findall(r"(?:^| )((?:[\d.]+ ){3})(?:scn|SCN|sc|SC|rg|RG)\b", content, re.M)
            )
        return found

    screen = colours(demo["edition"].reader, slice(5, 12))
    printed = colours(demo["edition-print"].reader, slice(5, 12))
    assert screen  # RGB colours for links, headings and rules
    assert not printed  # grey levels only


def test_the_same_document_gives_the_same_bytes(demo):
    doc = demo["assessment"].doc
    assert render_pdf(doc).data == demo["assessment"].data


def test_the_rendered_file_says_what_it_is(demo):
    file = render_pdf(demo["chapter"].doc, "print")
    assert file.data == demo["chapter-print"].data
    assert file.pages == demo["chapter-print"].pages
    assert (file.extension, file.media_type) == ("pdf", "application/pdf")
    assert file.engine.startswith("typst ")


# --- Hostile text ---------------------------------------------------------------------------

TYPST_SYNTAX = (
    '#import "/etc/passwd" ]]#panic() $x^2$ @ref <label> \\ \\\\ #{1+1} *bold* _em_ `raw` '
    '// comment /* #set page(width: 1pt) #include "/data.json" = heading'
)


def tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "#336699").save(out, format="PNG")
    return out.getvalue()


def hostile_document(text: str, scope: str = "assessment") -> ExportDocument:
    with translation.override("en"):
        words = labels()
    body = [
        Heading(text),
        Paragraph(
            [
                Inline("text", text + " "),
                Inline("strong", children=[Inline("text", text)]),
                Inline("link", children=[Inline("text", text)], href="javascript:alert(1)"),
                Inline("link", children=[Inline("text", "elsewhere")], href="#page-999999"),
                Inline(
                    "link", children=[Inline("text", "web")], href=f"https://example.org/{text}"
                ),
                Inline("footnote", number=1),
                Inline("footnote", number=1),
            ]
        ),
        ListBlock(
            ordered=False,
            items=[[Inline("text", text)], [Inline("em", children=[Inline("text", text)])]],
        ),
        Quote(text, text),
        Figure(ImageFile(tiny_png(), "png", 40, 20), alt=text, caption=text),
    ]
    assessment = AssessmentDoc(
        anchor="page-3",
        title=text,
        summary=text,
        url="https://threats.example/a/",
        body=body,
        footnotes=[Footnote(1, [Paragraph([Inline("text", text)])])],
        probability=Term("likely", text, text, text),
        horizon=Term("near", text, text, text),
        regions=[text, text],
    )
    chapter = ChapterDoc(
        anchor="page-2",
        number=1,
        title=text,
        url="https://threats.example/c/",
        introduction=[Paragraph([Inline("text", text)])],
        assessments=[assessment],
    )
    edition = EditionDoc(
        anchor="page-1",
        title=text,
        year=2026,
        url="https://threats.example/",
        published_at=datetime.datetime(2026, 3, 10, 10, tzinfo=datetime.UTC),
        cutoff_date=datetime.date(2026, 1, 15),
        foreword=[Paragraph([Inline("text", text)])],
        foreword_signed_by=text,
        terms=[Term("likely", text, text, text)],
        horizons=[Term("near", text, text, text)],
    )
    return ExportDocument(
        scope=scope,
        language="en",
        title=text,
        organisation=text,
        url="https://threats.example/a/",
        edition=edition,
        chapters=[chapter],
        labels=words,
        keywords=[text],
    )


@pytest.mark.parametrize("scope", ["assessment", "edition"])
@pytest.mark.parametrize("variant", ["screen", "print"])
def test_typst_syntax_in_every_field_prints_literally(scope, variant):
    doc = hostile_document(TYPST_SYNTAX, scope)
    rendered = Rendered(doc, render_pdf(doc, variant).data)
    assert rendered.reader.metadata.title == TYPST_SYNTAX
    text = letters(rendered.text())
    assert text.count(letters(TYPST_SYNTAX)) >= 10
    assert "javascript" not in str([page.get("/Annots") for page in rendered.reader.pages])


def test_the_xss_corpus_prints_literally():
    """The corpus as the key judgment and the summary, and one paragraph per payload."""
    reversing = [p for p in PAYLOADS if "\u202e" in p.text]  # would turn what follows around
    corpus = " ".join(payload.text for payload in PAYLOADS if payload not in reversing)
    doc = hostile_document("x")
    assessment = doc.chapters[0].assessments[0]
    doc.title = assessment.title = assessment.summary = corpus
    assessment.body = [Paragraph([Inline("text", payload.text)]) for payload in PAYLOADS]
    rendered = Rendered(doc, render_pdf(doc).data)
    assert rendered.reader.metadata.title == pdf_module.displayable(corpus)  # spaces collapsed
    text = letters(rendered.text())
    assert text.count(letters(corpus[:300])) >= 2  # heading, summary (its end is past a page)
    for payload in PAYLOADS:
        if payload in reversing:  # shown in the order the override asks for, as a browser does
            assert "reportexe.jpg" in text
        else:
            assert letters(payload.text) in text, payload.text


def test_characters_without_a_glyph_are_replaced_not_dropped_or_fatal():
    text = "Meeting in 北京 ＜ok＞ 🙂 line\nbreak \x07bell Кириллица ąčę"
    doc = hostile_document(text)
    rendered = Rendered(doc, render_pdf(doc).data)
    flat_text = rendered.flat_text
    assert "Meeting in ■■ <ok> ■ line break bell Кириллица ąčę" in flat_text


def test_an_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="variant"):
        render_pdf(hostile_document("x"), "glossy")


def test_empty_titles_and_alt_text_do_not_stop_the_pdf():
    """PDF/UA-1 refuses empty headings, an empty title and images without alt text."""
    doc = hostile_document("x")
    assessment = doc.chapters[0].assessments[0]
    doc.title = assessment.title = " "
    tall = ImageFile(tiny_png(), "png", 20, 400)
    assessment.body = [Heading(""), Figure(tall, alt="", caption="A caption")]
    rendered = Rendered(doc, render_pdf(doc).data)
    alts = [str(e["/Alt"]) for e in struct_elements(rendered.reader) if e["/S"] == "/Figure"]
    assert alts == ["A caption"]
    assert rendered.reader.metadata.title == "—"
