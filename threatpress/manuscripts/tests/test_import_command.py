"""`manage.py import_edition`: report, refuse, ask, save."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page, Revision

from threatpress.manuscripts import intake
from threatpress.regions.models import Region
from threatpress.reports.models import AssessmentPage, EditionPage

from .builders import JUDGMENTS
from .docx_builder import small_manuscript

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(monkeypatch, tmp_path):
    """A .docx built with python-docx, read by the real reader; the spy only notes what the
    command hands it (the edition's scale, the countries)."""
    real = intake._reader()
    seen = {}

    def read_manuscript(data, *, language, probability_terms, region_names):
        seen.update(data=data, language=language, terms=probability_terms, names=region_names)
        return real(
            data, language=language, probability_terms=probability_terms, region_names=region_names
        )

    monkeypatch.setattr(intake, "_reader", lambda: read_manuscript)
    path = tmp_path / "manuscript.docx"
    path.write_bytes(small_manuscript())
    return path, seen


def run(path, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_edition", str(path), "--year", "2027", "--language", "en", *args,
        stdout=out, stderr=err,
    )  # fmt: skip
    return out.getvalue(), err.getvalue()


def test_yes_saves_drafts_with_the_proposals_accepted(site_tree, document):
    path, seen = document
    belarus = Region.objects.create(name="Belarus", slug="belarus")
    out, _err = run(path, "--yes")
    assert seen["data"] == path.read_bytes() and seen["language"] == "en"
    assert list(seen["terms"]) == ["unlikely", "possible", "likely", "highly-likely"]
    assert seen["names"] == ["Belarus"]
    assert "7 created, 0 updated, 0 unchanged; nothing published." in out
    page = AssessmentPage.objects.get(title__startswith="Russia will keep")
    assert page.probability == "likely" and list(page.regions.all()) == [belarus]
    assert page.summary.startswith("Hybrid operations against critical infrastructure are likely")
    assert [b.block_type for b in page.body] == ["paragraph"]
    edition = EditionPage.objects.get(year=2027)
    assert edition.foreword_signed_by == "The Director"
    assert not Page.objects.descendant_of(edition).filter(live=True)

    out, _err = run(path, "--yes")
    assert "0 created, 0 updated, 7 unchanged" in out


def test_a_dry_run_reports_and_saves_nothing(site_tree, document):
    path, _seen = document
    revisions = Revision.objects.count()
    out, _err = run(path, "--dry-run")
    assert "1.1 Russia will keep testing the resolve of the Baltic states" in out
    assert "probability: likely" in out
    assert "nothing saved" in out
    assert not EditionPage.objects.filter(year=2027).exists()
    assert Revision.objects.count() == revisions


def test_a_blocking_problem_is_reported_under_its_heading_and_nothing_saved(site_tree, document):
    path, _seen = document
    path.write_bytes(small_manuscript(picture_without_alt=True, underline=True))
    heading = JUDGMENTS[2][0]
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 blocking problem"):
        call_command(
            "import_edition", str(path), "--year", "2027", "--language", "en", "--yes",
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
    assert f"{heading}\n  [blocking] A picture has no alternative text:" in err.getvalue()
    assert (
        "Chapter 1 on the region\n  [note] Underlined text: kept the text, dropped the underline."
        in err.getvalue()
    )
    assert not EditionPage.objects.filter(year=2027).exists()


def test_without_yes_each_proposal_is_asked_and_can_be_corrected(site_tree, document, monkeypatch):
    path, _seen = document
    Region.objects.create(name="Belarus", slug="belarus")
    lithuania = Region.objects.create(name="Lithuania", slug="lithuania")
    answers = iter(["certain", "highly-likely", "Lithuania"] + [""] * 6)
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    out, _err = run(path)
    assert "not one of the choices" in out  # "certain" is not on the scale: asked again
    page = AssessmentPage.objects.get(title__startswith="Russia will keep")
    assert page.probability == "highly-likely"
    assert list(page.regions.all()) == [lithuania]


def test_a_missing_file_is_a_clear_error(site_tree, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run(tmp_path / "nowhere.docx", "--yes")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "verbosity", "bar_shown"),
    [(Terminal, 1, True), (Terminal, 0, False), (io.StringIO, 1, False)],
)
def test_the_progress_bar_shows_only_on_a_terminal_and_not_when_quiet(
    site_tree, document, stream, verbosity, bar_shown
):
    path, _seen = document
    err = stream()
    call_command(
        "import_edition", str(path), "--year", "2027", "--language", "en", "--yes",
        verbosity=verbosity, stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    assert ("7/7" in err.getvalue()) is bar_shown
    assert EditionPage.objects.filter(year=2027).exists()


def test_an_editors_probability_survives_a_reimport_that_proposes_none(site_tree, document):
    path, _seen = document
    run(path, "--yes")
    page = AssessmentPage.objects.get(title__startswith="Cyber attacks")  # nothing proposed
    draft = page.get_latest_revision_as_object()
    draft.probability = "possible"
    draft.save_revision()
    revisions = Revision.objects.count()
    out, _err = run(path, "--yes")
    assert "0 created, 0 updated, 7 unchanged" in out
    assert Revision.objects.count() == revisions
    page = AssessmentPage.objects.get(pk=page.pk)
    assert page.get_latest_revision_as_object().probability == "possible"
