"""The readiness board of an edition: every page of it, in every language, with its states and
problems, and what blocks the release. Loaded in a constant number of queries, whatever the
edition's size (docs/readiness.md gives the count)."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page, Revision, WorkflowState

from threatpress.core.tree_paths import ancestor_paths
from threatpress.exports.admin_views import rows_for
from threatpress.exports.formats import FORMATS
from threatpress.exports.snapshot import scheduled_revisions, scope_of
from threatpress.publishing.visibility import public_pages
from threatpress.reports.models import EditionPage
from threatpress.translations.models import TranslationState

from . import checks
from .content import References, references

PAGE_FIELDS = (
    "id",
    "title",
    "draft_title",
    "path",
    "depth",
    "locale_id",
    "live",
    "has_unpublished_changes",
    "latest_revision_id",
    "live_revision_id",
    "translation_key",
    "content_type_id",
    "first_published_at",
)
# Columns of the board: a kind of file and the export formats it stands for.
EXPORT_COLUMNS = {"pdf": ("pdf", "pdf-print"), "audio": ("audio",)}


@dataclass
class Row:
    level: int  # 0 the edition, 1 a chapter, 2 an assessment
    title: str
    edit_url: str
    page: Page | None  # None: missing in this language (edit_url opens the original)
    workflow: str = checks.NO_WORKFLOW
    translation: str = checks.ORIGINAL
    exports: dict[str, str] = field(default_factory=dict)
    problems: list[checks.Problem] = field(default_factory=list)

    @property
    def blockers(self) -> list[checks.Problem]:
        return [p for p in self.problems if p.blocks]

    @property
    def warnings(self) -> list[checks.Problem]:
        return [p for p in self.problems if not p.blocks]

    @property
    def workflow_label(self) -> str:
        return str(checks.WORKFLOW_LABELS[self.workflow])

    @property
    def translation_label(self) -> str:
        return str(checks.TRANSLATION_LABELS[self.translation])

    @property
    def export_cells(self) -> list[tuple[str, str]]:
        return [(state, str(checks.EXPORT_LABELS[state])) for state in self.exports.values()]


@dataclass
class Section:
    locale: Locale
    edition: Page
    rows: list[Row]

    @property
    def language_name(self) -> str:
        return self.locale.get_display_name()


@dataclass
class Blocker:
    row: Row
    language: str
    problem: checks.Problem


@dataclass
class Board:
    edition: EditionPage
    sections: list[Section]
    release_at: datetime | None  # in the site's time zone
    public_since: datetime | None
    time_zone: str
    missing_languages: list[str]

    @property
    def blockers(self) -> list[Blocker]:
        return [
            Blocker(row, section.language_name, problem)
            for section in self.sections
            for row in section.rows
            for problem in row.blockers
        ]

    @property
    def ready(self) -> bool:
        return not self.blockers


def edit_url(page_id: int) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page_id])


def _latest_workflow_states(page_ids: list[int]) -> dict[int, WorkflowState]:
    page_type = ContentType.objects.get_for_model(Page)
    states = WorkflowState.objects.filter(
        base_content_type=page_type, object_id__in=[str(pk) for pk in page_ids]
    ).order_by("created_at", "pk")
    states = states.select_related("current_task_state__task")
    return {int(state.object_id): state for state in states}  # the latest wins


def _waiting_for(state: WorkflowState | None) -> str:
    """The name of the task a page in moderation waits for ("" when none is in progress)."""
    task_state = state.current_task_state if state is not None else None
    return task_state.task.name if task_state is not None else ""


def _contents(pages: list[Page]) -> dict[int, dict[str, Any]]:
    """Each page's latest content, as its latest revision stores it. A page created outside the
    admin may have no revision: its row is its content (one query per such page)."""
    revision_ids = [page.latest_revision_id for page in pages if page.latest_revision_id]
    revisions = Revision.objects.filter(pk__in=revision_ids).only("id", "object_id", "content")
    contents = {int(revision.object_id): revision.content for revision in revisions}
    without = [page.pk for page in pages if page.pk not in contents]
    if without:
        for page in Page.objects.filter(pk__in=without).specific():
            contents[page.pk] = page.serializable_data()
    return contents


def _export_states(root: Page, pages: Iterable[Page], scheduled: dict[int, Revision]):
    """{page id: {"pdf": state, "audio": state}} for the pages under one language's edition."""
    cells = {(row.page_id, cell.fmt): cell.state for row in rows_for(root) for cell in row.cells}
    states = {}
    for page in pages:
        scope = scope_of(page, root.depth) if page.depth - root.depth <= 2 else None
        shown = scheduled[page.pk].pk if page.pk in scheduled else page.live_revision_id
        columns = {}
        for column, keys in EXPORT_COLUMNS.items():
            applicable = [key for key in keys if scope in FORMATS[key].scopes]
            columns[column] = checks.worst(
                [checks.export_state(cells.get((page.pk, key)), shown, page) for key in applicable]
            )
        states[page.pk] = columns
    return states


def _ordered_roots(edition: EditionPage, language: str) -> list[EditionPage]:
    """The edition in every language, the admin's language first."""
    roots = list(
        EditionPage.objects.filter(translation_key=edition.translation_key)
        .select_related("locale")
        .order_by("locale__language_code")
    )
    return sorted(roots, key=lambda root: root.locale.language_code != language)


def build_board(edition: EditionPage, language: str | None = None) -> Board:
    language = language or get_language()
    roots = _ordered_roots(edition, language)
    in_any = Q()
    for root in roots:
        in_any |= Q(path__startswith=root.path)
    pages = list(Page.objects.filter(in_any).only(*PAGE_FIELDS).order_by("path"))
    ids = [page.pk for page in pages]
    records = {
        record.page_id: record
        for record in TranslationState.objects.filter(page_id__in=ids).select_related("source")
    }
    workflows = _latest_workflow_states(ids)
    scheduled = scheduled_revisions(ids)
    contents = _contents(pages)
    found: dict[int, References] = {pk: references(content) for pk, content in contents.items()}
    targets = checks.load_link_targets(
        set().union(*(f.page_ids for f in found.values())),
        set().union(*(f.document_ids for f in found.values())),
        [root.path for root in roots],
        EditionPage.objects.all(),
        set().union(*(set(f.figure_images.values()) | f.image_ids for f in found.values())),
    )

    # Reading order is the original's (the root that is nobody's translation).
    original = next((root for root in roots if root.pk not in records), edition)
    order = [p.translation_key for p in pages if p.path.startswith(original.path)]
    original_pages = {p.translation_key: p for p in pages if p.path.startswith(original.path)}

    # The pages above each language's edition that readers cannot see (unpublished, a
    # translation not marked as translated, restricted), by the site's own rule, in one query.
    above = {root.pk: ancestor_paths(root.path) for root in roots}
    ancestors = Page.objects.filter(path__in={p for paths in above.values() for p in paths})
    unpublished = dict(
        ancestors.exclude(pk__in=public_pages(ancestors).values("pk")).values_list(
            "path", "draft_title"
        )
    )

    release_scheduled = any(root.pk in scheduled for root in roots)
    sections = []
    for root in roots:
        mine = [page for page in pages if page.path.startswith(root.path)]
        exports = _export_states(root, mine, scheduled)
        by_key = {page.translation_key: page for page in mine}
        keys = [*order, *(key for key in by_key if key not in set(order))]
        rows = []
        for key in keys:
            page = by_key.get(key)
            if page is None:
                source = original_pages[key]
                row = Row(
                    source.depth - original.depth, source.draft_title, edit_url(source.pk), None
                )
                row.translation = checks.MISSING
                row.problems = checks.state_problems(row.workflow, row.translation, {})
                rows.append(row)
                continue
            record = records.get(page.pk)
            row = Row(page.depth - root.depth, page.draft_title, edit_url(page.pk), page)
            state = workflows.get(page.pk)
            row.workflow = checks.workflow_state(state)
            row.translation = checks.translation_state(
                record.translated if record else None,
                record.source_revision_id if record else None,
                record.source.latest_revision_id if record else None,
            )
            row.exports = exports[page.pk]
            labels = {_("PDF"): row.exports["pdf"], _("Audio"): row.exports["audio"]}
            row.problems = [
                *checks.state_problems(
                    row.workflow, row.translation, labels, waiting_for=_waiting_for(state)
                ),
                *checks.alt_text_problems(found[page.pk]),
                *checks.link_problems(found[page.pk], targets),
            ]
            if release_scheduled:
                row.problems.extend(
                    checks.schedule_problems(
                        page.latest_revision_id,
                        scheduled[page.pk].pk if page.pk in scheduled else None,
                        page.live,
                        page.has_unpublished_changes,
                    )
                )
            if page.live and row.workflow == checks.NO_WORKFLOW:
                row.problems = [p for p in row.problems if p.kind != "not_reviewed"]
            if page.pk == root.pk:
                titles = [unpublished[path] for path in above[root.pk] if path in unpublished]
                row.problems.extend(checks.reachability_problems(titles))
            rows.append(row)
        sections.append(Section(root.locale, root, rows))

    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    release = min(
        (scheduled[r.pk].approved_go_live_at for r in roots if r.pk in scheduled), default=None
    )
    live_roots = [
        root.first_published_at for root in roots if root.live and root.first_published_at
    ]
    have = {root.locale.language_code for root in roots}
    missing_languages = [
        str(locale.get_display_name())
        for locale in Locale.objects.order_by("language_code")
        if locale.language_code not in have
    ]
    return Board(
        edition=edition,
        sections=sections,
        release_at=release.astimezone(zone) if release else None,
        public_since=min(live_roots).astimezone(zone) if live_roots and edition.live else None,
        time_zone=settings.TIME_ZONE,
        missing_languages=missing_languages,
    )
