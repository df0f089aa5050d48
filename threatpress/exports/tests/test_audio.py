"""The 'Listen' files: what is read aloud (speech.py) and how it becomes an MP3 (audio.py).

Synthesis tests run the real espeak-ng and ffmpeg (`make test` installs them through
`make system-deps`); where they are missing those tests fail and say how to install them.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import time

import pytest
from django.utils import timezone, translation

from threatpress.conftest import build_edition
from threatpress.exports import audio, snapshot
from threatpress.exports.document import (
    AssessmentDoc,
    ChapterDoc,
    EditionDoc,
    ExportDocument,
    Figure,
    Heading,
    ImageFile,
    Quote,
    Table,
    Term,
    build_document,
    labels,
)
from threatpress.exports.engines import EngineUnavailable
from threatpress.exports.inline import Inline, ListBlock, Paragraph
from threatpress.exports.speech import (
    Segment,
    lt_noun,
    speakable,
    speech_script,
)
from threatpress.reports.models import AssessmentPage


def labels_in(language: str) -> dict[str, str]:
    """A document's labels as an edition in `language` has them (the script reads some aloud)."""
    with translation.override(language):
        return labels()


LABELS = labels_in("en")
NATO_URL = "https://www.nato.int/cps/en/natohq/official_texts_17120.htm"


def text(value: str) -> Inline:
    return Inline("text", value)


def paragraph(*inlines: Inline | str) -> Paragraph:
    return Paragraph([text(i) if isinstance(i, str) else i for i in inlines])


def english_assessment(n: int = 1, extra: str = "") -> AssessmentDoc:
    return AssessmentDoc(
        anchor=f"page-{n}",
        title=f"Russia will expand its forces facing NATO, judgment {n}.",
        summary="Moscow is building the commands and stockpiles for a larger force.",
        url=f"http://testserver/en/reports/2026/one/judgment-{n}/",
        body=[
            paragraph(
                "In February 2024 a decree restored the Leningrad district",
                Inline("footnote", number=1),
                ". " + extra,
            ),
            Heading("What a ceasefire would change"),
            paragraph(
                "See the treaty ",
                Inline("link", href=NATO_URL, children=[text("on the NATO website")]),
                " (",
                Inline("link", href=NATO_URL, children=[text(NATO_URL)]),
                ").",
            ),
            Quote("An attack against one shall be an attack against all.", "Article 5, 1949"),
            Figure(
                ImageFile(b"", "png", 10, 10),
                alt="Bar chart. Spending rose from 3.7% in 2021 to 7.1% in 2024.",
                caption="Source: SIPRI.",
            ),
            ListBlock(ordered=False, items=[[text("New divisions")], [text("New depots")]]),
        ],
        probability=Term("likely", "Likely", "50–75%"),
        horizon=Term("near", "Near term", "6 months–2 years"),
    )


def lithuanian_assessment() -> AssessmentDoc:
    return AssessmentDoc(
        anchor="page-9",
        title="Rusija toliau stiprins pajėgas prie šiaurės rytų NATO flango.",
        summary="Ąžuolas ėjo į Šiaulius, čia ūkis ir žąsys.",
        url="http://testserver/lt/ataskaitos/2026/vienas/vertinimas/",
        body=[
            paragraph("Karinės išlaidos 2024 m. siekė 7,1 proc. BVP, t. y. 15 000 mln. rublių."),
            paragraph("Tai sudarė 21% biudžeto", Inline("footnote", number=1), "."),
            Figure(ImageFile(b"", "png", 10, 10), alt="Stulpelinė diagrama: 3,7 % ir 7,1 %."),
        ],
        probability=Term("unlikely", "Mažai tikėtina", "<25%"),
        horizon=Term("short", "Trumpas laikotarpis", "0–6 mėn."),
    )


def make_doc(
    assessments: list[AssessmentDoc] | None = None,
    *,
    language: str = "en",
    scope: str = "assessment",
    labels: dict[str, str] | None = None,
) -> ExportDocument:
    assessments = assessments if assessments is not None else [english_assessment()]
    chapter = ChapterDoc(
        anchor="page-3",
        number=2,
        title="Russia’s military threat" if language == "en" else "Rusijos karinė grėsmė",
        url="http://testserver/en/reports/2026/one/",
        introduction=[paragraph("Russia is the only state that can threaten us by force.")],
        assessments=assessments,
    )
    edition = EditionDoc(
        anchor="page-2",
        title="National Threat Assessment 2026",
        year=2026,
        url="http://testserver/en/reports/2026/",
        published_at=timezone.make_aware(datetime.datetime(2026, 3, 10, 10, 0)),
        cutoff_date=datetime.date(2026, 1, 15),
        foreword=[paragraph("This is the public edition of our assessment.")],
        foreword_signed_by="Karin Aldane, Director",
        terms=[Term("likely", "Likely", "50–75%", "More likely than not.")],
        horizons=[Term("near", "Near term", "6 months–2 years", "Over the next two years.")],
    )
    title = edition.title if scope == "edition" else assessments[0].title
    return ExportDocument(
        scope=scope,
        language=language,
        title=title,
        organisation="State Assessment Office",
        url=assessments[0].url,
        edition=edition,
        chapters=[chapter],
        labels=labels if labels is not None else LABELS,
    )


def spoken(doc: ExportDocument) -> list[str]:
    return [segment.text for segment in speech_script(doc)]


# --- What is read ----------------------------------------------------------------------------


def test_assessment_reads_chapter_judgment_summary_terms_and_body_in_order():
    texts = spoken(make_doc())
    assert texts[:5] == [
        "Chapter 2. Russia’s military threat.",
        "Russia will expand its forces facing NATO, judgment 1.",
        "Moscow is building the commands and stockpiles for a larger force.",
        "Probability: Likely, 50 to 75 percent.",
        "Time horizon: Near term, 6 months to 2 years.",
    ]
    assert texts[5:] == [
        "In February 2024 a decree restored the Leningrad district.",
        "What a ceasefire would change.",
        "See the treaty on the NATO website.",
        "Quote: An attack against one shall be an attack against all.",
        "Article 5, 1949.",
        "Figure: Bar chart. Spending rose from 3.7 percent in 2021 to 7.1 percent in 2024.",
        "New divisions.",
        "New depots.",
    ]


def table_assessment(table: Table) -> AssessmentDoc:
    assessment = english_assessment()
    assessment.body = [table, paragraph("After the table.")]
    return assessment


def test_a_table_is_read_row_by_row_each_value_after_its_column_header():
    table = Table(
        rows=[["Sector", "2024", "2025"], ["Health care", "41", "52"], ["Energy", "", "29"]],
        header_column=True,
        caption="Serious incidents by sector",
    )
    texts = spoken(make_doc([table_assessment(table)]))
    start = texts.index("Table: Serious incidents by sector.")
    assert texts[start : start + 4] == [
        "Table: Serious incidents by sector.",
        "Health care. 2024: 41; 2025: 52.",
        "Energy. 2025: 29.",  # an empty cell is not read
        "After the table.",
    ]


def test_rows_without_a_header_cell_are_read_by_number_in_both_languages():
    table = Table(rows=[["Port", "Ships"], ["Klaipėda", "14"]], header_row=True)
    assert "Row 1. Port: Klaipėda; Ships: 14." in spoken(make_doc([table_assessment(table)]))
    doc = make_doc([table_assessment(table)], language="lt", labels=labels_in("lt"))
    texts = spoken(doc)
    assert "Lentelė." in texts
    assert "1 eilutė. Port: Klaipėda; Ships: 14." in texts
    no_header = Table(rows=[["a", "b"]], header_row=False)
    assert "Row 1. a; b." in spoken(make_doc([table_assessment(no_header)]))


def test_assessment_script_leaves_out_urls_markers_symbols_and_the_caption():
    everything = " ".join(spoken(make_doc()))
    for absent in ("http", "nato.int", "www", "%", "–", "district1", "Source: SIPRI"):
        assert absent not in everything


def test_pauses_mark_headings_items_and_the_end_of_an_assessment():
    segments = speech_script(make_doc())
    by_text = {segment.text: segment.pause for segment in segments}
    assert by_text["What a ceasefire would change."] > by_text["New divisions."]
    assert segments[-1].pause >= 1.0


def test_lithuanian_assessment_writes_out_numbers_and_units_with_agreement():
    doc = make_doc([lithuanian_assessment()], language="lt", labels=labels_in("lt"))
    texts = spoken(doc)
    assert texts[0] == "Skyrius 2. Rusijos karinė grėsmė."
    assert "Tikimybė: Mažai tikėtina, mažiau nei 25 procentai." in texts
    assert "Laikotarpis: Trumpas laikotarpis, nuo 0 iki 6 mėnesių." in texts
    assert (
        "Karinės išlaidos 2024 metais siekė 7,1 procento BVP, tai yra 15000 milijonų rublių."
        in texts
    )
    assert "Tai sudarė 21 procentas biudžeto." in texts
    assert "Paveikslas: Stulpelinė diagrama: 3,7 procento ir 7,1 procento." in texts
    assert "Ąžuolas ėjo į Šiaulius, čia ūkis ir žąsys." in texts
    assert "%" not in " ".join(texts)


def test_translated_labels_are_used_as_they_are():
    labels = {**LABELS, "chapter": "Dalis", "probability": "Tikimybės lygis"}
    texts = spoken(make_doc([lithuanian_assessment()], language="lt", labels=labels))
    assert texts[0].startswith("Dalis 2.")
    assert any(t.startswith("Tikimybės lygis:") for t in texts)


def test_edition_reads_title_dates_foreword_then_chapters_without_the_scale():
    first, second = english_assessment(1), english_assessment(2)
    texts = spoken(make_doc([first, second], scope="edition"))
    assert texts[:8] == [
        "National Threat Assessment 2026.",
        "State Assessment Office.",
        "Published: 10 March 2026.",
        "Information up to: 15 January 2026.",
        "Foreword.",
        "This is the public edition of our assessment.",
        "Karin Aldane, Director.",
        "Chapter 2. Russia’s military threat.",
    ]
    assert texts[8] == "Russia is the only state that can threaten us by force."
    assert texts[9] == first.title
    assert texts.count("Probability: Likely, 50 to 75 percent.") == 2
    assert "More likely than not." not in texts  # the scale's table is not read


def test_lithuanian_edition_reads_dates_as_spoken():
    doc = make_doc(
        [lithuanian_assessment()], language="lt", scope="edition", labels=labels_in("lt")
    )
    texts = spoken(doc)
    assert "Paskelbta: 2026 metų kovo dešimtą dieną." in texts
    assert "Informacija iki: 2026 metų sausio penkioliktą dieną." in texts
    assert "Pratarmė." in texts


def test_an_assessment_reads_the_same_alone_and_in_the_edition():
    """So the edition's file is made of the assessments' cached audio."""
    assessment = english_assessment()
    alone = speech_script(make_doc([assessment]))
    in_edition = speech_script(make_doc([assessment], scope="edition"))
    body = alone[1:]  # without the chapter line, read once per chapter in the edition
    start = next(i for i, s in enumerate(in_edition) if s.text == assessment.title)
    assert in_edition[start : start + len(body)] == body


@pytest.mark.parametrize(
    ("language", "written", "said"),
    [
        ("en", "Highly likely, >75%", "Highly likely, more than 75 percent"),
        ("en", "From 2021–2024 it rose", "From 2021 to 2024 it rose"),
        ("en", "Unit 26165-2 on 2024-02-26", "Unit 26165-2 on 2024-02-26"),
        ("en", "Russia–Ukraine – and then & more", "Russia Ukraine, and then and more"),
        ("en", "Read it at www.example.org/page, please.", "Read it at, please."),
        ("lt", "nuo 2021–2024", "nuo 2021 iki 2024"),
        ("lt", "2–5 proc.", "nuo 2 iki 5 procentų"),
        ("lt", "1,5 mln. eurų ir 11 mlrd.", "1,5 milijono eurų ir 11 milijardų"),
        ("lt", "2026 m. vasario 1 d.", "2026 metų vasario pirmą dieną"),
    ],
)
def test_speakable(language, written, said):
    assert speakable(written, language) == said


def test_lithuanian_noun_agrees_with_its_number():
    forms = ("procentas", "procentai", "procentų", "procento")
    said = {n: lt_noun(n, forms) for n in ("1", "21", "11", "2", "25", "10", "100", "7,1")}
    assert said == {
        "1": "procentas",
        "21": "procentas",
        "11": "procentų",
        "2": "procentai",
        "25": "procentai",
        "10": "procentų",
        "100": "procentų",
        "7,1": "procento",
    }
    assert lt_noun("75", forms, genitive=True) == "procentų"
    assert lt_noun("21", forms, genitive=True) == "procento"


def test_long_segments_are_cut_at_sentence_ends():
    sentence = "This sentence has exactly forty-six characters. "
    segment = Segment((sentence * 100).strip(), pause=0.5)
    pieces = audio.pieces([segment])
    assert len(pieces) > 1
    assert all(len(piece.text) <= audio.CHUNK_CHARS for piece in pieces)
    assert " ".join(piece.text for piece in pieces) == segment.text
    assert pieces[-1].pause == 0.5 and pieces[0].pause == audio.PAUSE_WITHIN


@pytest.mark.django_db
def test_script_of_a_real_assessment_page(site_tree):
    edition = build_edition(site_tree.reports, 2026, chapters=1, per_chapter=1)
    page = AssessmentPage.objects.descendant_of(edition).get()
    plan = snapshot.live_plan(page)
    doc = build_document(
        plan.scope, plan.load(), organisation="Office", root_url="http://testserver"
    )
    texts = spoken(doc)
    assert texts[0] == "Chapter 1. Chapter 1."
    assert "Probability: Likely, 50 to 75 percent." in texts
    assert "Time horizon: Near term, 6 months to 2 years." in texts


# --- Synthesis -------------------------------------------------------------------------------


@pytest.fixture
def tools():
    """espeak-ng and ffmpeg must be here: a test of synthesis is never skipped silently."""
    missing = [name for name in ("espeak-ng", "ffmpeg", "ffprobe") if shutil.which(name) is None]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not installed: run `make system-deps` "
            "(or scripts/ensure-system-packages espeak-ng ffmpeg)"
        )


@pytest.fixture
def cache(settings, tmp_path):
    settings.THREATPRESS_AUDIO_CACHE_DIR = tmp_path / "audio-cache"
    settings.THREATPRESS_AUDIO_ENGLISH_VOICE = "espeak"
    return settings.THREATPRESS_AUDIO_CACHE_DIR


@pytest.fixture
def calls(monkeypatch):
    """The texts handed to espeak-ng to synthesise, in order."""
    seen: dict[str, list[str]] = {}
    run = audio._run

    def spy(command, **kwargs):
        if "-w" in command:  # espeak-ng writing speech, not asked for its version or voices
            seen.setdefault("espeak-ng", []).append(kwargs["input"].decode())
        return run(command, **kwargs)

    monkeypatch.setattr(audio, "_run", spy)
    return seen


def probe(data: bytes, tmp_path) -> dict:
    path = tmp_path / "probe.mp3"
    path.write_bytes(data)
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def words(doc: ExportDocument) -> int:
    return sum(len(segment.text.split()) for segment in speech_script(doc))


def test_synthesis_makes_a_tagged_mono_mp3_of_the_right_length(tools, cache, tmp_path):
    doc = make_doc()
    rendered = audio.synthesise(doc)
    assert (rendered.extension, rendered.media_type) == ("mp3", "audio/mpeg")
    assert rendered.data[:3] == b"ID3"
    assert rendered.engine.startswith("espeak-ng ") and "(en-gb" in rendered.engine
    info = probe(rendered.data, tmp_path)
    stream = info["streams"][0]
    assert (stream["codec_name"], stream["channels"]) == ("mp3", 1)
    duration = float(info["format"]["duration"])
    assert duration > 1
    assert abs(duration - rendered.duration) < 0.5
    # Spoken at about 165 words a minute, with pauses: 0.25 to 0.8 s a word.
    assert 0.25 < rendered.duration / words(doc) < 0.8
    tags = info["format"]["tags"]
    assert tags["title"] == doc.title
    assert tags["artist"] == "State Assessment Office"
    assert tags["album"] == "National Threat Assessment 2026"
    assert tags["date"] == "2026"
    assert b"TLAN" in rendered.data[:2000]  # the language frame (ffprobe does not list it)


def test_duration_grows_with_the_text(tools, cache):
    short = audio.synthesise(make_doc([english_assessment()]))
    longer = audio.synthesise(make_doc([english_assessment(1, extra="More words. " * 60)]))
    ratio = longer.duration / short.duration
    word_ratio = words(make_doc([english_assessment(1, extra="More words. " * 60)])) / words(
        make_doc([english_assessment()])
    )
    assert 0.6 * word_ratio < ratio < 1.4 * word_ratio


def test_lithuanian_synthesis_hands_the_voice_its_diacritics(tools, cache, calls, tmp_path):
    doc = make_doc([lithuanian_assessment()], language="lt")
    rendered = audio.synthesise(doc)
    assert "(lt," in rendered.engine
    assert rendered.duration > 1
    assert any("Ąžuolas ėjo į Šiaulius, čia ūkis ir žąsys." in t for t in calls["espeak-ng"])
    assert probe(rendered.data, tmp_path)["format"]["tags"]["title"] == doc.title


def test_unchanged_text_is_not_synthesised_again(tools, cache, calls):
    first = audio.synthesise(make_doc())
    synthesised = len(calls["espeak-ng"])
    assert synthesised == len(audio.pieces(speech_script(make_doc())))
    again = audio.synthesise(make_doc())
    assert len(calls["espeak-ng"]) == synthesised
    assert again.duration == first.duration
    cached = sorted(path.name for path in cache.glob("*/*.wav"))
    assert len(cached) == synthesised


def test_a_changed_paragraph_is_the_only_piece_synthesised_again(tools, cache, calls):
    audio.synthesise(make_doc([english_assessment(1)]))
    before = len(calls["espeak-ng"])
    audio.synthesise(make_doc([english_assessment(1, extra="One new sentence.")]))
    assert calls["espeak-ng"][before:] == [
        "In February 2024 a decree restored the Leningrad district. One new sentence."
    ]


def test_the_edition_reuses_the_audio_of_its_assessments(tools, cache, calls):
    assessments = [english_assessment(1), english_assessment(2)]
    for assessment in assessments:
        audio.synthesise(make_doc([assessment]))
    before = list(calls["espeak-ng"])
    edition = make_doc(assessments, scope="edition")
    audio.synthesise(edition)
    new = calls["espeak-ng"][len(before) :]
    assert set(new).isdisjoint(before)
    assert set(new) == {piece.text for piece in audio.pieces(speech_script(edition))} - set(before)
    assert "National Threat Assessment 2026." in new


def test_old_cache_files_are_pruned(tools, cache):
    audio.synthesise(make_doc())
    files = list(cache.glob("*/*.wav"))
    old = time.time() - (audio.CACHE_DAYS + 1) * 86400
    os.utime(files[0], (old, old))
    assert audio.prune_cache() == 1
    assert len(list(cache.glob("*/*.wav"))) == len(files) - 1


def test_piper_speaks_english_when_chosen(tools, cache):
    """The one test that runs Piper (a few seconds), so its child process stays tested."""
    found = audio._piper()
    if isinstance(found, str):
        pytest.fail(f"Piper is a locked dependency but unusable here: {found}")
    assessment = AssessmentDoc(
        anchor="page-1", title="Short and clear.", summary="", url="http://testserver/"
    )
    rendered = audio.synthesise(make_doc([assessment]), voice="piper")
    assert rendered.engine.startswith("piper-tts ")
    assert rendered.duration > 1
    assert rendered.data[:3] == b"ID3"


# --- When synthesis is impossible ------------------------------------------------------------


@pytest.fixture
def path_with(monkeypatch, tmp_path):
    """Set PATH to a directory holding only the named programs."""

    def only(*programs: str) -> None:
        folder = tmp_path / "bin"
        folder.mkdir(exist_ok=True)
        for program in programs:
            (folder / program).symlink_to(shutil.which(program))
        monkeypatch.setenv("PATH", str(folder))

    return only


def test_available_here(tools, cache):
    for language in ("en", "lt"):
        found = audio.availability(language)
        assert found.ok and found.engine.startswith("espeak-ng ") and not found.reason


def test_missing_espeak_makes_audio_unavailable_with_the_fix(tools, cache, path_with):
    path_with("ffmpeg")
    found = audio.availability("lt")
    assert not found.ok
    assert found.reason == (
        "espeak-ng is not installed: run `make system-deps` or apt-get install espeak-ng ffmpeg"
    )
    with pytest.raises(EngineUnavailable, match="espeak-ng is not installed"):
        audio.synthesise(make_doc([lithuanian_assessment()], language="lt"))


def test_missing_ffmpeg_makes_audio_unavailable(tools, cache, path_with):
    path_with("espeak-ng")
    assert audio.availability("en").reason.startswith("ffmpeg is not installed: run `make")
    with pytest.raises(EngineUnavailable, match="ffmpeg is not installed"):
        audio.synthesise(make_doc())


def test_a_language_without_a_voice_is_unavailable(tools, cache):
    found = audio.availability("de")
    assert not found.ok and "de" in found.reason


def test_configured_piper_falls_back_to_espeak_when_not_installed(
    tools, cache, settings, monkeypatch
):
    settings.THREATPRESS_AUDIO_ENGLISH_VOICE = "piper"
    monkeypatch.setattr(audio, "_piper", lambda: "piper-tts not installed (make install adds them)")
    monkeypatch.setattr(audio, "_resolved", {})
    found = audio.availability("en")
    assert found.ok and found.engine.startswith("espeak-ng ")
    assert "piper-tts not installed" in found.reason
    with pytest.raises(EngineUnavailable, match="piper-tts not installed"):
        audio.synthesise(make_doc(), voice="piper")
