"""Exports end to end (with the stand-in engine): built in the background, served only while
their page is public, never stale, prepared before a release, counted, rebuilt on request."""

from __future__ import annotations

import datetime
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from threatpress.conftest import as_drafts, build_edition, publish_all
from threatpress.exports import builder
from threatpress.exports.formats import FORMATS
from threatpress.exports.models import Export, ExportFile
from threatpress.publishing import scheduler
from threatpress.publishing.release import schedule_release
from threatpress.publishing.tests.media import (
    document_link_block,
    figure_block,
    make_document,
    make_image,
    use_disk_storage,
)
from threatpress.readership import counting
from threatpress.readership.models import DownloadDay
from threatpress.reports.models import AssessmentPage, ChapterPage, EditionPage

pytestmark = pytest.mark.django_db
EDITION_PDF = "/en/reports/2026/national-threat-assessment-2026.pdf"
PRINT_PDF = "/en/reports/2026/national-threat-assessment-2026-print.pdf"
CHAPTER_PDF = "/en/reports/2026/chapter-1/chapter-1-2026.pdf"
ASSESSMENT = "/en/reports/2026/chapter-1/judgment-1-1/"
ASSESSMENT_PDF = ASSESSMENT + "judgment-1-1-2026.pdf"
ASSESSMENT_MP3 = ASSESSMENT + "judgment-1-1-2026.mp3"


@contextmanager
def worker_loop(interval: float = 0.2) -> Iterator[None]:
    """`run_exports`'s loop in a thread, as scripts/serve runs it (its lanes have database
    connections of their own, so the test's rows must be committed: transaction=True)."""
    stop = threading.Event()
    worker = threading.Thread(target=builder.run, kwargs={"interval": interval, "stop": stop})
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join(timeout=10)
    assert not worker.is_alive()


def release_in_an_hour(draft, people) -> datetime.datetime:
    """Make `draft` (an edition and every page below it) never-published drafts and schedule
    its release an hour from now, in whole seconds; returns the release time."""
    as_drafts(draft)
    when = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
    schedule_release(EditionPage.objects.get(pk=draft.pk), when, people["publisher"])
    return when


def body(response) -> dict:
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-stand-in\n")
    return json.loads(data.split(b"\n", 1)[1])


def test_a_reader_gets_a_pending_page_until_the_worker_builds_the_file(client, edition):
    response = client.get(EDITION_PDF)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "no-store" in response["Cache-Control"]
    assert "being prepared" in response.content.decode()
    page = client.get("/en/reports/2026/").content.decode()
    assert "(being prepared)" in page

    assert builder.build_due() > 0
    response = client.get(EDITION_PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="national-threat-assessment-2026.pdf"'
    )
    content = body(response)
    assert content["title"] == "National Threat Assessment 2026"
    assert content["chapters"] == ["Chapter 1", "Chapter 2"]
    page = client.get("/en/reports/2026/").content.decode()
    assert f'href="{EDITION_PDF}"' in page
    assert f'href="{PRINT_PDF}"' in page


def test_every_scope_has_its_own_file_with_only_its_own_text(client, edition):
    builder.build_due()
    chapter = body(client.get(CHAPTER_PDF))
    assert chapter["chapters"] == ["Chapter 1"]
    assert len(chapter["assessments"]) == 3
    assessment = body(client.get(ASSESSMENT_PDF))
    assert assessment["assessments"] == [
        AssessmentPage.objects.get(slug="judgment-1-1", locale__language_code="en").title
    ]
    assert client.get(ASSESSMENT_MP3)["Content-Type"] == "audio/mpeg"
    # Chapters have no print edition and no recording: the one PDF they have, or nothing.
    response = client.get("/en/reports/2026/chapter-1/chapter-1-2026-print.pdf")
    assert (response.status_code, response["Location"]) == (302, CHAPTER_PDF)
    assert client.get("/en/reports/2026/chapter-1/chapter-1-2026.mp3").status_code == 404


def test_the_assessment_page_offers_pdf_and_player_with_size_pages_and_duration(client, edition):
    builder.build_due()
    html = client.get(ASSESSMENT).content.decode()
    assert f'href="{ASSESSMENT_PDF}"' in html
    assert "PDF, 1 KB, 2 pages" in html
    assert f'<audio class="listen__player" controls preload="none" src="{ASSESSMENT_MP3}"' in html
    assert "MP3, 1 KB, 12 s" in html


def test_a_changed_text_is_never_served_from_the_old_file(client, edition):
    builder.build_due()
    old = client.get(ASSESSMENT_PDF)
    old_etag = old["ETag"]
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    page.summary = "A new summary, published after the first file was built."
    page.save_revision().publish()

    assert client.get(ASSESSMENT_PDF).status_code == 503  # not the old file
    assert "(being prepared)" in client.get(ASSESSMENT).content.decode()
    builder.build_due()
    new = client.get(ASSESSMENT_PDF)
    assert new.status_code == 200
    assert body(new)["summaries"] == ["A new summary, published after the first file was built."]
    assert new["ETag"] != old_etag
    # The chapter and the edition contain the page, so they were made again too.
    assert "A new summary" in json.dumps(body(client.get(CHAPTER_PDF)))
    assert "A new summary" in json.dumps(body(client.get(EDITION_PDF)))
    # Stored under the hash of its bytes.
    file = ExportFile.objects.get(fingerprint__isnull=False, content_hash=new["ETag"].strip('"'))
    assert file.file.name.endswith(f"{file.content_hash}.pdf")


def test_saving_a_draft_changes_nothing_for_readers(client, edition, engines):
    builder.build_due()
    built = len(engines)
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    page.summary = "DRAFT-ONLY text that must not reach a file."
    page.save_revision()
    assert builder.due_jobs() == []
    assert len(engines) == built
    assert "DRAFT-ONLY" not in json.dumps(body(client.get(ASSESSMENT_PDF)))


@pytest.mark.parametrize(
    "hide",
    ["unpublish_assessment", "unpublish_chapter", "unpublish_edition", "restrict_edition"],
)
def test_exports_of_pages_that_are_not_public_answer_404(client, edition, hide):
    builder.build_due()
    assert client.get(ASSESSMENT_PDF).status_code == 200
    if hide == "unpublish_assessment":
        AssessmentPage.objects.get(slug="judgment-1-1").unpublish()
    elif hide == "unpublish_chapter":
        ChapterPage.objects.get(slug="chapter-1").unpublish()
    elif hide == "unpublish_edition":
        EditionPage.objects.get(pk=edition.pk).unpublish()
    else:
        from wagtail.models import PageViewRestriction

        PageViewRestriction.objects.create(
            page=edition, restriction_type="password", password="x" * 12
        )
    assert client.get(ASSESSMENT_PDF).status_code == 404
    assert client.get(ASSESSMENT_MP3).status_code == 404
    if hide != "unpublish_assessment":
        assert client.get(CHAPTER_PDF).status_code == 404


def published_figure(settings, tmp_path):
    """A chart on judgment-1-1, published, and every file built."""
    use_disk_storage(settings, tmp_path / "media")
    image = make_image("Chart", "chart.png")
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    page.body = [figure_block(image)]
    page.save_revision().publish()
    builder.build_due()
    return image


def replace_file(image) -> None:
    """An editor gives the chart a corrected file, as the admin's image edit does."""
    replacement = make_image("Corrected chart", "corrected.png")
    with replacement.file.open("rb") as handle:
        image.file = ImageFile(handle, name="chart-corrected.png")
        image.save()


def test_a_replaced_or_deleted_image_makes_the_pdfs_that_show_it_again(
    client, edition, engines, settings, tmp_path
):
    """A figure's file replaced (or the image deleted) after the files were built: the PDFs of
    its page, chapter and edition are made again, not the recordings, not other pages'."""
    image = published_figure(settings, tmp_path)
    assert builder.due_jobs() == []
    replace_file(image)
    jobs = {(job.plan.root.slug, job.fmt.key) for job in builder.due_jobs()}
    pdfs = {key for key, fmt in FORMATS.items() if fmt.kind == "pdf"}
    assert {scope for scope, _ in jobs} == {"judgment-1-1", "chapter-1", edition.slug}
    assert {fmt for _, fmt in jobs} <= pdfs and ("judgment-1-1", "pdf") in jobs
    builder.build_due()
    assert builder.due_jobs() == []  # made again once
    image.delete()
    assert {job.plan.root.slug for job in builder.due_jobs()} == {
        "judgment-1-1",
        "chapter-1",
        edition.slug,
    }


def test_an_image_saved_with_nothing_a_pdf_shows_changed_makes_nothing_again(
    edition, engines, settings, tmp_path
):
    """New tags on a chart, or the file size Wagtail writes back the first time it reads it,
    change no PDF: nothing is made again."""
    image = published_figure(settings, tmp_path)
    image.tags.add("defence")
    image.save()
    type(image).objects.filter(pk=image.pk).update(file_size=None)
    image.refresh_from_db()
    assert image.get_file_size() > 0  # saved back with update_fields
    assert builder.due_jobs() == []
    image.focal_point_x, image.focal_point_y = 10, 5  # every rendition is cropped anew
    image.focal_point_width = image.focal_point_height = 4
    image.save()
    assert ("judgment-1-1", "pdf") in {(j.plan.root.slug, j.fmt.key) for j in builder.due_jobs()}


def test_a_replaced_document_makes_the_pdfs_that_link_it_again_and_a_new_title_does_not(
    client, edition, engines, settings, tmp_path
):
    """A PDF links a document at an address that carries its file's name, and Wagtail answers
    404 at the old one once the file is replaced: the PDFs that link it are made again. Its
    title is not in them (the link's words are the page's), so a new title makes nothing."""
    use_disk_storage(settings, tmp_path / "media")
    document = make_document("Annex", "annex.txt", "The annex.")
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    page.body = [document_link_block(document)]
    page.save_revision().publish()
    builder.build_due()
    old_address = document.url
    assert client.get(old_address).status_code == 200

    document.title = "Annex to the assessment"
    document.save()
    assert builder.due_jobs() == []

    document.file = ContentFile(b"The corrected annex.", name="annex-corrected.txt")
    document.save()
    assert client.get(old_address).status_code == 404  # what the built PDFs still link
    jobs = {(job.plan.root.slug, job.fmt.key) for job in builder.due_jobs()}
    assert {slug for slug, _ in jobs} == {"judgment-1-1", "chapter-1", edition.slug}
    assert ("judgment-1-1", "pdf") in jobs and not any(fmt == "audio" for _, fmt in jobs)


def admin_state(edition, page, fmt: str) -> str:
    """The state the exports admin shows for one page's file."""
    from threatpress.exports.admin_views import rows_for

    row = next(r for r in rows_for(EditionPage.objects.get(pk=edition.pk)) if r.page_id == page.pk)
    return next(cell.state for cell in row.cells if cell.fmt == fmt)


def test_an_image_changed_before_a_release_makes_its_prepared_pdfs_again(
    client, site_tree, engines, people, settings, tmp_path
):
    """A chart corrected between the preparation of a release's files and the press conference:
    the prepared PDFs that show it (the page, its chapter, the edition) are made again before
    the release, and at the release readers get the new ones with nothing left to build. The
    page has never been live, so only its scheduled revision shows the chart."""
    from django.utils.http import parse_http_date

    use_disk_storage(settings, tmp_path / "media")
    image = make_image("Chart", "chart.png")
    draft = build_edition(site_tree.reports, 2027)
    marked = AssessmentPage.objects.descendant_of(draft).get(slug="judgment-1-1")
    marked.body = [figure_block(image)]
    marked.save()
    when = release_in_an_hour(draft, people)
    builder.build_due()
    assert builder.due_jobs() == []

    replaced_at = when - datetime.timedelta(minutes=30)
    with time_machine.travel(replaced_at):  # half an hour before the press conference
        replace_file(image)
        jobs = builder.due_jobs()
        assert {job.plan.root.slug for job in jobs} == {"judgment-1-1", "chapter-1", draft.slug}
        assert all(job.prepared and job.fmt.kind == "pdf" for job in jobs)
        # The exports admin (and the release board, which reads it) shows them being made.
        assert admin_state(draft, marked, "pdf") == "pending"
        assert admin_state(draft, marked, "audio") == "prepared"  # a recording shows no image
        builder.build_due()
        assert builder.due_jobs() == []  # made again once
        assert admin_state(draft, marked, "pdf") == "prepared"

    url = "/en/reports/2027/chapter-1/judgment-1-1/judgment-1-1-2027.pdf"
    with time_machine.travel(when + datetime.timedelta(seconds=1), tick=False):
        scheduler.tick()
        built_before = len(engines)
        response = client.get(url)
        assert response.status_code == 200
        assert len(engines) == built_before  # nothing had to be built at the release
        assert parse_http_date(response["Last-Modified"]) >= replaced_at.timestamp()


def test_a_scheduled_revision_that_cannot_be_read_counts_as_showing_a_changed_image(
    site_tree, engines, people, settings, tmp_path, monkeypatch, caplog
):
    """A revision its page type can no longer load (a field removed since, say) must not turn
    an editor's image save into an error: its page's prepared PDFs are made again, to be safe."""
    from wagtail.models import Revision

    use_disk_storage(settings, tmp_path / "media")
    image = make_image("Chart", "chart.png")  # on no page at all
    draft = build_edition(site_tree.reports, 2027, chapters=1, per_chapter=1)
    release_in_an_hour(draft, people)
    builder.build_due()

    def unreadable(self):
        raise ValueError("a field this page type no longer has")

    with monkeypatch.context() as patch:
        patch.setattr(Revision, "as_object", unreadable)
        replace_file(image)  # no error
    assert "could not read the references of revision" in caplog.text
    slugs = {job.plan.root.slug for job in builder.due_jobs()}
    assert slugs == {draft.slug, "chapter-1", "judgment-1-1"}


def linking_block(page=None, document=None) -> dict:
    """A paragraph that links a page and/or a document."""
    html = "<p>See"
    if page is not None:
        html += f' <a linktype="page" id="{page.pk}">the other assessment</a>'
    if document is not None:
        html += f' <a linktype="document" id="{document.pk}">the annex</a>'
    return {"type": "paragraph", "value": html + ".</p>"}


def test_a_release_pdf_links_the_pages_and_documents_released_with_it(
    client, site_tree, engines, people, settings, tmp_path
):
    """A page's PDF is prepared before the release, when the assessment it links (in another
    chapter, so not in the file) and the annex it links are not public yet. Both are public at
    the instant the file is served, so the file links them, as the web page does."""
    use_disk_storage(settings, tmp_path / "media")
    document = make_document("Annex", "annex.txt", "The annex.")
    draft = build_edition(site_tree.reports, 2027)
    other = AssessmentPage.objects.descendant_of(draft).get(slug="judgment-2-1")
    page = AssessmentPage.objects.descendant_of(draft).get(slug="judgment-1-1")
    page.body = [linking_block(other, document)]
    page.save()
    when = release_in_an_hour(draft, people)
    builder.build_due()

    with time_machine.travel(when + datetime.timedelta(seconds=1), tick=False):
        scheduler.tick()
        built_before = len(engines)
        response = client.get("/en/reports/2027/chapter-1/judgment-1-1/judgment-1-1-2027.pdf")
        assert response.status_code == 200 and len(engines) == built_before
        links = body(response)["links"]
        assert any(link.endswith("/en/reports/2027/chapter-2/judgment-2-1/") for link in links)
        assert any(link.endswith(document.url) for link in links)
        # and both answer the reader who follows them
        assert client.get("/en/reports/2027/chapter-2/judgment-2-1/").status_code == 200
        assert client.get(document.url).status_code == 200
        # in the edition's PDF the assessment is a place in the same file
        edition_pdf = client.get("/en/reports/2027/national-threat-assessment-2027.pdf")
        assert f"#page-{other.pk}" in body(edition_pdf)["links"]


def test_a_pdf_links_a_page_once_it_is_published_after_the_file_was_made(
    client, site_tree, engines, people
):
    """Last year's assessment links one of this year's, written but not released: its PDF has
    the words without a link (a reader would find no page). Once that page is released, the
    PDFs that left it out are made again with the link."""
    last_year = build_edition(site_tree.reports, 2026, chapters=1, per_chapter=1)
    draft = build_edition(site_tree.reports, 2027, chapters=1, per_chapter=1)
    as_drafts(draft)
    newer = AssessmentPage.objects.descendant_of(draft).get(slug="judgment-1-1")
    page = AssessmentPage.objects.descendant_of(last_year).get(slug="judgment-1-1")
    page.body = [linking_block(newer)]
    page.save()
    publish_all(last_year)
    builder.build_due()
    url = ASSESSMENT_PDF
    assert body(client.get(url))["links"] == []
    assert builder.due_jobs() == []

    when = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
    schedule_release(EditionPage.objects.get(pk=draft.pk), when, people["publisher"])
    builder.build_due()  # the release's own files
    with time_machine.travel(when + datetime.timedelta(seconds=1), tick=False):
        scheduler.tick()
        jobs = {(job.plan.root.slug, job.plan.edition_row.pk) for job in builder.due_jobs()}
        assert jobs == {
            ("judgment-1-1", last_year.pk),
            ("chapter-1", last_year.pk),
            (last_year.slug, last_year.pk),
        }
        assert all(job.fmt.kind == "pdf" for job in builder.due_jobs())  # recordings say no link
        assert client.get(url).status_code == 200  # the old file meanwhile
        builder.build_due()
        links = body(client.get(url))["links"]
        assert any(link.endswith("/en/reports/2027/chapter-1/judgment-1-1/") for link in links)
        assert builder.due_jobs() == []


def test_a_page_added_to_a_release_is_linked_in_the_files_prepared_before(
    client, site_tree, engines, people
):
    """The assessment a prepared page PDF links was held back from the release, then put back
    in it: the prepared file is made again, before the release, with the link."""
    from wagtail.models import Revision

    draft = build_edition(site_tree.reports, 2027)
    other = AssessmentPage.objects.descendant_of(draft).get(slug="judgment-2-1")
    page = AssessmentPage.objects.descendant_of(draft).get(slug="judgment-1-1")
    page.body = [linking_block(other)]
    page.save()
    when = release_in_an_hour(draft, people)
    held_back = Revision.objects.get(object_id=str(other.pk), approved_go_live_at=when)
    held_back.approved_go_live_at = None
    held_back.save()
    builder.build_due()
    assert builder.due_jobs() == []
    url = "/en/reports/2027/chapter-1/judgment-1-1/judgment-1-1-2027.pdf"

    held_back.approved_go_live_at = when
    held_back.save()
    jobs = {(job.plan.root.slug, job.fmt.kind, job.prepared) for job in builder.due_jobs()}
    assert ("judgment-1-1", "pdf", True) in jobs
    builder.build_due()
    with time_machine.travel(when + datetime.timedelta(seconds=1), tick=False):
        scheduler.tick()
        links = body(client.get(url))["links"]
        assert any(link.endswith("/en/reports/2027/chapter-2/judgment-2-1/") for link in links)


@pytest.mark.parametrize("opened", ["restriction removed", "translation marked done"])
def test_a_pdf_links_a_page_once_its_readers_may_see_it(client, edition, engines, opened):
    """A page behind a password, or a translation not yet marked done, is not public: a PDF
    that links it has the words only, until readers may open it."""
    from wagtail.models import Locale, PageViewRestriction

    from threatpress.translations.state import mark_translated

    other = AssessmentPage.objects.get(slug="judgment-1-2")
    if opened == "restriction removed":
        target = other
        closed = PageViewRestriction.objects.create(
            page=other, restriction_type="password", password="x" * 12
        )
    else:
        from threatpress.conftest import translate_tree

        translate_tree(EditionPage.objects.get(pk=edition.pk), descendants=False)
        translate_tree(ChapterPage.objects.get(slug="chapter-1"), descendants=False)
        target = other.copy_for_translation(Locale.objects.get(language_code="lt"))
        target.save_revision().publish()  # live, but not marked as translated
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    page.body = [linking_block(target)]
    page.save_revision().publish()
    builder.build_due()
    assert body(client.get(ASSESSMENT_PDF))["links"] == []
    assert builder.due_jobs() == []

    if opened == "restriction removed":
        closed.delete()
    else:
        mark_translated(target, None)
    jobs = {(job.plan.root.slug, job.fmt.kind) for job in builder.due_jobs()}
    assert ("judgment-1-1", "pdf") in jobs
    builder.build_due()
    assert body(client.get(ASSESSMENT_PDF))["links"] == [target.full_url]


def test_a_draft_edition_has_no_files_and_nothing_is_built_for_it(client, site_tree, engines):
    draft = build_edition(site_tree.reports, 2027)
    as_drafts(draft)
    assert builder.due_jobs() == []
    assert client.get("/en/reports/2027/national-threat-assessment-2027.pdf").status_code == 404
    assert (
        client.get("/en/reports/2027/chapter-1/judgment-1-1/judgment-1-1-2027.pdf").status_code
        == 404
    )


def test_a_scheduled_edition_is_prepared_before_release_and_served_at_the_instant(
    client, site_tree, engines, people
):
    draft = build_edition(site_tree.reports, 2027)
    marked = AssessmentPage.objects.descendant_of(draft).get(slug="judgment-1-1")
    marked.summary = "EMBARGOED-MARKER summary."
    marked.save()
    when = release_in_an_hour(draft, people)

    jobs = builder.due_jobs()
    assert jobs and all(job.prepared for job in jobs)
    builder.build_due()
    assert ExportFile.objects.filter(prepared=True).count() == len(jobs)
    url = "/en/reports/2027/national-threat-assessment-2027.pdf"
    assert client.get(url).status_code == 404  # prepared, but embargoed

    with time_machine.travel(when + datetime.timedelta(seconds=1), tick=False):
        scheduler.tick()
        built_before = len(engines)
        response = client.get(url)
        assert response.status_code == 200  # at once: nothing had to be built
        assert len(engines) == built_before
        assert "EMBARGOED-MARKER" in json.dumps(body(response))
        assert builder.due_jobs() == []


def test_the_newest_editions_files_are_built_before_the_archives(site_tree, engines):
    """On a fresh install or after an upgrade every file is due at once: readers of this year's
    edition should not wait while older years are read aloud."""
    older = build_edition(site_tree.reports, 2025)  # made first, so first in the tree too
    newer = build_edition(site_tree.reports, 2026)
    jobs = builder.due_jobs()
    editions = {older.pk: 2025, newer.pk: 2026}

    def years(kind: str) -> list[int]:
        return [editions[j.plan.edition_row.pk] for j in jobs if j.fmt.kind == kind]

    for kind in ("pdf", "audio"):
        order = years(kind)
        assert set(order) == {2025, 2026}, kind
        assert order == sorted(order, reverse=True), kind
    assert jobs[0].plan.scope == "edition" and editions[jobs[0].plan.edition_row.pk] == 2026


def test_recordings_are_made_shortest_first_and_the_edition_pdf_first(site_tree, engines):
    """The edition's recording reads every assessment again (chapters have none): made last, it
    keeps no reader of a single assessment waiting for a minute or more. The edition's PDF, a
    second's work and the file most asked for, still comes first."""
    build_edition(site_tree.reports, 2026)
    jobs = builder.due_jobs()
    rank = {"assessment": 0, "chapter": 1, "edition": 2}
    scopes = {kind: [j.plan.scope for j in jobs if j.fmt.kind == kind] for kind in ("pdf", "audio")}
    assert set(scopes["audio"]) == {"assessment", "edition"}
    assert scopes["audio"] == sorted(scopes["audio"], key=rank.get)
    assert scopes["pdf"][0] == "edition" and "chapter" in scopes["pdf"]
    assert scopes["pdf"] == sorted(scopes["pdf"], key=lambda scope: -rank[scope])


def test_a_release_within_the_hour_is_built_before_public_files_and_a_later_one_after(
    edition, site_tree, engines, people
):
    """The press conference's PDF before an archive's missing ones; a release next week waits
    for the files readers can ask for today."""
    draft = build_edition(site_tree.reports, 2027, chapters=1, per_chapter=1)
    as_drafts(draft)
    when = (timezone.now() + datetime.timedelta(days=7)).replace(microsecond=0)
    schedule_release(EditionPage.objects.get(pk=draft.pk), when, people["publisher"])

    def release_positions(now: datetime.datetime) -> list[int]:
        jobs = [job for job in builder.due_jobs(now=now) if job.fmt.kind == "pdf"]
        assert any(not job.prepared for job in jobs)  # the public edition's files are due too
        return [i for i, job in enumerate(jobs) if job.prepared]

    soon = release_positions(when - datetime.timedelta(minutes=10))
    assert soon == list(range(len(soon)))  # first
    later = release_positions(when - datetime.timedelta(days=6))
    assert len(later) == len(soon) and later[0] > 0
    assert later == list(range(later[0], later[0] + len(later)))  # last
    assert builder.due_jobs(now=when - datetime.timedelta(minutes=10))[0].plan.scope == "edition"


@pytest.mark.django_db(transaction=True)
def test_a_release_scheduled_during_a_long_recording_has_its_pdfs_made_meanwhile(
    engines, monkeypatch
):
    """A Piper recording of an edition takes minutes: an edition scheduled meanwhile for a
    press conference has its PDFs built while the recording goes on, not after it."""
    from django.contrib.auth import get_user_model

    from threatpress.conftest import build_site, publish_all
    from threatpress.exports.formats import Format
    from threatpress.exports.tests.standin import fake_render

    recording, finish = threading.Event(), threading.Event()

    def slow_recordings(self, doc):
        if self.kind == "audio":
            recording.set()
            finish.wait(timeout=60)
        return fake_render(self, doc)

    monkeypatch.setattr(Format, "render", slow_recordings)
    # Committed rows (the loop's threads have connections of their own): no fixture data here,
    # as a transactional test may run after another has emptied the tables.
    tree = build_site()
    publisher = get_user_model().objects.create_superuser("publisher", password="p" * 20)
    publish_all(build_edition(tree.reports, 2026, chapters=1, per_chapter=1))
    draft = build_edition(tree.reports, 2027, chapters=1, per_chapter=1)
    as_drafts(draft)
    with worker_loop():
        try:
            assert recording.wait(timeout=30), "the worker never started a recording"
            when = timezone.now() + datetime.timedelta(minutes=5)
            schedule_release(EditionPage.objects.get(pk=draft.pk), when, publisher)
            prepared = ExportFile.objects.filter(
                prepared=True, export__page=draft, export__fmt="pdf"
            )
            deadline = time.monotonic() + 30  # a correctness test, not a benchmark
            while not prepared.exists():
                assert time.monotonic() < deadline, "the release's PDF waited for the recording"
                time.sleep(0.1)
            assert not ExportFile.objects.filter(export__fmt="audio").exists()  # still recording
        finally:
            finish.set()


def test_an_old_file_name_redirects_to_the_current_one(client, edition):
    builder.build_due()
    response = client.get("/en/reports/2026/national-threat-assessment-draft-2026.pdf")
    assert response.status_code == 302
    assert response["Location"] == EDITION_PDF


def test_etag_conditional_and_range_requests(client, edition):
    builder.build_due()
    full = client.get(EDITION_PDF)
    data = b"".join(full.streaming_content)
    assert full["Accept-Ranges"] == "bytes"
    assert full["Content-Length"] == str(len(data))
    assert full["Cache-Control"] == "public, no-cache"
    etag = full["ETag"]

    assert client.get(EDITION_PDF, headers={"If-None-Match": etag}).status_code == 304
    part = client.get(EDITION_PDF, headers={"Range": "bytes=0-9"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 0-9/{len(data)}"
    assert b"".join(part.streaming_content) == data[:10]
    tail = client.get(EDITION_PDF, headers={"Range": "bytes=-5"})
    assert b"".join(tail.streaming_content) == data[-5:]
    beyond = client.get(EDITION_PDF, headers={"Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(data)}"
    # A range against an older version of the file gets the whole current file.
    stale = client.get(EDITION_PDF, headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert stale.status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "bytes=5-1",  # invalid (last before first): ignored, as RFC 9110 says
        "bytes=abc",
        "bytes=\u0661-\u0662",  # Arabic-Indic digits are not a range
        "bytes=0-" + "9" * 4301,  # more digits than Python converts
        "bytes=" + "9" * 4301 + "-",
        "bytes=-" + "9" * 4301,
        "bytes=0-1,5-9",  # several ranges: the whole file
    ],
)
def test_a_range_the_server_cannot_use_gets_the_whole_file(client, edition, header):
    builder.build_due()
    size = len(b"".join(client.get(EDITION_PDF).streaming_content))
    response = client.get(EDITION_PDF, headers={"Range": header})
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content)) == size


@pytest.mark.parametrize("header", ["*", "W/{etag}", '"other", {etag}'])
def test_if_none_match_any_or_weak_answers_304(client, edition, header):
    builder.build_due()
    etag = client.get(EDITION_PDF)["ETag"]
    response = client.get(EDITION_PDF, headers={"If-None-Match": header.format(etag=etag)})
    assert response.status_code == 304 and response["ETag"] == etag


def test_downloads_are_counted_for_readership(client, edition):
    builder.build_due()
    browser = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
    client.get(EDITION_PDF, HTTP_USER_AGENT=browser)
    client.get(ASSESSMENT_MP3, HTTP_USER_AGENT=browser)
    client.get(EDITION_PDF, HTTP_USER_AGENT="Googlebot/2.1")
    counting.flush()
    counted = {(d.kind, d.format, d.language): d.downloads for d in DownloadDay.objects.all()}
    assert counted == {("pdf", "screen", "en"): 1, ("audio", "mp3", "en"): 1}


def test_a_failed_build_is_recorded_and_retried_later(client, edition, monkeypatch):
    from threatpress.exports.formats import Format

    def broken(self, doc):
        raise RuntimeError("the typesetter fell over")

    monkeypatch.setattr(Format, "render", broken)
    assert builder.build_due() == 0
    export = Export.objects.get(page=edition, fmt="pdf")
    assert export.state == Export.FAILED
    assert "the typesetter fell over" in export.message
    assert export.retry_after > timezone.now()
    assert builder.due_jobs() == []  # waits for its retry time instead of looping
    assert client.get(EDITION_PDF).status_code == 503


def test_an_unavailable_engine_hides_the_player_and_the_admin_says_why(
    client, edition, monkeypatch, people
):
    from threatpress.exports.formats import Format

    reason = "espeak-ng is not installed: run make system-deps"
    monkeypatch.setattr(
        Format, "unavailable_reason", lambda self, lang: reason if self.kind == "audio" else ""
    )
    builder.build_due()
    html = client.get(ASSESSMENT).content.decode()
    assert "<audio" not in html and "recording is being prepared" not in html
    assert client.get(ASSESSMENT_MP3).status_code == 404
    assert client.get(ASSESSMENT_PDF).status_code == 200
    client.force_login(people["publisher"])
    admin = client.get(reverse("threatpress_exports")).content.decode()
    assert reason in admin


def test_exports_screen_is_for_publishers_and_rebuild_makes_the_file_again(
    client, edition, engines, people
):
    url = reverse("threatpress_exports")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(people["author"])
    refused = client.get(url)  # Wagtail sends a refused editor to the dashboard
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert client.post(url, {"page": edition.pk, "format": "pdf"}).status_code == 302
    assert not Export.objects.filter(rebuild_requested_at__isnull=False).exists()

    builder.build_due()
    client.force_login(people["publisher"])
    screen = client.get(url).content.decode()
    assert "National Threat Assessment 2026" in screen and "Ready" in screen
    before = len(engines)
    response = client.post(url, {"page": edition.pk, "format": "pdf"})
    assert response.status_code == 302
    # back at the row asked about, which says so
    assert response["Location"] == f"{url}#export-{edition.pk}-pdf"
    row = re.search(
        rf'<tr id="export-{edition.pk}-pdf">.*?</tr>', client.get(url).content.decode(), re.S
    )
    assert "Rebuild requested" in row[0]
    assert client.get(EDITION_PDF).status_code == 200  # the current file is kept meanwhile
    builder.build_due()
    assert engines[before:] == [("pdf", "National Threat Assessment 2026")]
    assert Export.objects.get(page=edition, fmt="pdf").rebuild_requested_at is None


def test_build_exports_command_builds_everything_with_a_progress_bar(edition, engines):
    out, err = StringIO(), StringIO()
    call_command("build_exports", stdout=out, stderr=err)
    # edition: pdf, print, audio; 2 chapters: pdf; 6 assessments: pdf, audio
    assert "Built 17 file(s)" in out.getvalue()
    assert "17/17" in err.getvalue()
    call_command("build_exports", stdout=out, stderr=err)
    assert "Built 0 file(s)" in out.getvalue()
    call_command("build_exports", "--force", "--format", "pdf-print", stdout=out, stderr=err)
    assert "Built 1 file(s)" in out.getvalue()


def test_files_no_one_can_ask_for_are_collected(client, edition):
    builder.build_due()
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    page.summary = "Second version."
    page.save_revision().publish()
    builder.build_due()
    assert builder.collect_garbage() == 0  # superseded files are kept for an hour
    later = timezone.now() + datetime.timedelta(hours=2)
    removed = builder.collect_garbage(now=later)
    assert removed == 6  # the old assessment pdf + mp3, chapter pdf, edition pdf + print + mp3
    assert client.get(ASSESSMENT_PDF).status_code == 200


def test_the_bytes_a_file_made_again_replaced_are_collected_an_hour_later(
    client, edition, engines, monkeypatch
):
    """A publisher's "Make again" (or a changed image) gives a file new bytes under the same
    fingerprint: the old bytes, which no row names any more, stay for the downloads under way,
    then go; the new ones stay."""
    import dataclasses

    from threatpress.exports.formats import Format
    from threatpress.exports.models import export_storage

    from .standin import fake_render

    builder.build_due()
    export = Export.objects.get(page__slug="judgment-1-1", fmt="pdf")
    old = export.files.get().file.name

    def other_bytes(self, doc):  # the same text in other bytes (JSON allows a trailing space)
        rendered = fake_render(self, doc)
        return dataclasses.replace(rendered, data=rendered.data + b" ")

    monkeypatch.setattr(Format, "render", other_bytes)
    Export.objects.filter(pk=export.pk).update(rebuild_requested_at=timezone.now())
    assert builder.build_due() == 1
    new = export.files.get().file.name
    assert new != old and export_storage().exists(old)
    foreign = export_storage().save("ab/notes.txt", ContentFile(b"not a build's"))
    assert builder.collect_garbage() == 0  # a download may still be reading the old bytes
    assert builder.collect_garbage(now=timezone.now() + datetime.timedelta(hours=2)) == 1
    assert not export_storage().exists(old) and export_storage().exists(new)
    assert export_storage().exists(foreign)  # only what the builder names is collected
    assert client.get(ASSESSMENT_PDF).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_collection_in_the_other_lane_never_deletes_a_file_a_build_just_reused(
    client, engines, monkeypatch
):
    """Files are stored by content: a page published again unchanged gets a new fingerprint but
    the same bytes, so its new row names the stored file its old row names. The other lane may
    collect that old row meanwhile: it must not delete the file under the new one."""
    from django.db import connection

    from threatpress.conftest import build_site, publish_all
    from threatpress.exports.models import export_storage

    tree = build_site()
    publish_all(build_edition(tree.reports, 2026, chapters=1, per_chapter=1))
    builder.build_due()
    page = AssessmentPage.objects.get(slug="judgment-1-1")
    page.save_revision().publish()  # the same text again
    later = timezone.now() + datetime.timedelta(hours=2)  # the old rows may go
    store, reused, collected = builder._store, [], []

    def collect():
        try:
            collected.append(builder.collect_garbage(now=later))
        finally:
            connection.close()

    def store_while_the_other_lane_collects(data, extension):
        stored = store(data, extension)
        if not reused:
            reused.append(stored[1])
            other_lane = threading.Thread(target=collect)
            other_lane.start()
            other_lane.join(timeout=1)  # as long as it may take, unless it has to wait
            reused.append(other_lane)
        return stored

    monkeypatch.setattr(builder, "_store", store_while_the_other_lane_collects)
    builder.build_due()
    name, other_lane = reused
    other_lane.join(timeout=10)
    assert collected and collected[0] > 0  # it did collect the old rows
    assert export_storage().exists(name)
    assert client.get("/en/reports/2026/national-threat-assessment-2026.pdf").status_code == 200


@pytest.mark.parametrize(
    ("seconds", "shown"), [(45.4, "45 s"), (250, "4 min 10 s"), (4684, "1 h 18 min")]
)
def test_durations_read_as_people_say_them(seconds, shown):
    from threatpress.exports.downloads import human_duration

    assert human_duration(seconds) == shown


def test_an_edition_neither_public_nor_scheduled_says_when_its_files_come(
    client, site_tree, engines, people
):
    draft = build_edition(site_tree.reports, 2027)
    as_drafts(draft)
    client.force_login(people["publisher"])
    screen = client.get(reverse("threatpress_exports")).content.decode()
    assert "its files are made when it is scheduled for release or published" in screen


@pytest.mark.django_db(transaction=True)
def test_the_worker_loop_builds_after_a_publish_and_outlives_a_broken_engine(
    client, engines, monkeypatch
):
    """`run_exports`'s loop, in a thread with its own database connection, as scripts/serve runs
    it: a failing build is recorded and the loop goes on to the next file."""
    from threatpress.conftest import build_site, publish_all
    from threatpress.exports.formats import Format
    from threatpress.exports.tests.standin import fake_render

    def audio_breaks(self, doc):
        if self.kind == "audio":
            raise RuntimeError("no voice today")
        return fake_render(self, doc)

    monkeypatch.setattr(Format, "render", audio_breaks)
    tree = build_site()
    edition = build_edition(tree.reports, 2026, chapters=1, per_chapter=1)
    publish_all(edition)
    with worker_loop():
        url = "/en/reports/2026/chapter-1/judgment-1-1/judgment-1-1-2026.pdf"
        deadline = time.monotonic() + 30  # a correctness test, not a benchmark
        while client.get(url).status_code != 200:
            assert time.monotonic() < deadline, "the worker never built the PDF"
            time.sleep(0.1)
        page = AssessmentPage.objects.get(slug="judgment-1-1")
        page.summary = "Published while the worker runs."
        page.save_revision().publish()
        while True:
            response = client.get(url)
            if response.status_code == 200 and "Published while" in json.dumps(body(response)):
                break
            assert time.monotonic() < deadline, "the worker never rebuilt the PDF"
            time.sleep(0.1)
    failed = Export.objects.filter(fmt="audio", state=Export.FAILED)
    assert failed.exists() and "no voice today" in failed.first().message


def test_publishers_can_proofread_a_prepared_file_before_the_release(
    client, site_tree, engines, people
):
    draft = build_edition(site_tree.reports, 2027)
    release_in_an_hour(draft, people)
    builder.build_due()
    prepared = ExportFile.objects.get(prepared=True, export__page=draft, export__fmt="pdf")
    assert client.get("/en/reports/2027/national-threat-assessment-2027.pdf").status_code == 404

    url = reverse("threatpress_export_file", args=[prepared.pk])
    client.force_login(people["author"])
    refused = client.get(url)  # Wagtail sends a refused editor to the dashboard
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    client.force_login(people["publisher"])
    screen = client.get(reverse("threatpress_exports")).content.decode()
    assert f'href="{url}"' in screen and "Prepared for the release" in screen
    response = client.get(url)
    assert response.status_code == 200
    assert body(response)["title"] == "National Threat Assessment 2027"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    # Saved under the name readers will get, with the build's hash to tell proofs apart.
    name = f"national-threat-assessment-2027-{prepared.content_hash[:8]}.pdf"
    assert f'filename="{name}"' in response["Content-Disposition"]
    for page, fmt, stem in (
        ("chapter-1", "pdf", "chapter-1-2027"),
        (draft.slug, "pdf-print", "national-threat-assessment-2027-print"),
    ):
        proof = ExportFile.objects.get(prepared=True, export__page__slug=page, export__fmt=fmt)
        response = client.get(reverse("threatpress_export_file", args=[proof.pk]))
        name = f"{stem}-{proof.content_hash[:8]}.pdf"
        assert f'filename="{name}"' in response["Content-Disposition"]


def test_a_prepared_file_built_after_a_failure_shows_as_prepared(
    client, site_tree, engines, people, monkeypatch
):
    from threatpress.exports.formats import Format
    from threatpress.exports.tests.standin import fake_render

    draft = build_edition(site_tree.reports, 2027, chapters=1, per_chapter=1)
    release_in_an_hour(draft, people)
    monkeypatch.setattr(Format, "render", lambda self, doc: 1 / 0)
    builder.build_due()
    assert Export.objects.get(page=draft, fmt="pdf").state == Export.FAILED
    monkeypatch.setattr(Format, "render", fake_render)
    builder.build_due(force=True)  # an operator runs build_exports --force after a fix
    client.force_login(people["publisher"])
    screen = client.get(reverse("threatpress_exports")).content.decode()
    assert "Failed" not in screen
    assert "Prepared for the release" in screen


def test_a_file_is_only_read_other_methods_get_405_and_count_nothing(client, edition):
    for method in ("post", "put", "delete", "patch"):  # before the file exists, too
        response = getattr(client, method)(EDITION_PDF)
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
    builder.build_due()
    browser = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
    assert client.post(EDITION_PDF, HTTP_USER_AGENT=browser).status_code == 405
    assert client.head(EDITION_PDF, HTTP_USER_AGENT=browser).status_code == 200
    assert client.get(EDITION_PDF, HTTP_USER_AGENT=browser).status_code == 200
    counting.flush()
    assert [(d.kind, d.downloads) for d in DownloadDay.objects.all()] == [("pdf", 1)]
