"""Which pages, in which revisions, an export is made of, and the fingerprint of that set.

An export is identified by the revisions it was built from. A reader's request compares the
fingerprint of the revisions that are live now with the fingerprints of the files already built:
a changed text has a new fingerprint, so a stale file is never served, and a file prepared from
the revisions scheduled for a release becomes the served one at the instant they go live,
without anything being rebuilt then.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from wagtail.models import Page, PageViewRestriction, Revision

from threatpress.caching import fragments
from threatpress.core.tree_paths import parent_path
from threatpress.publishing.visibility import public_pages

from .document import Scope, ScopeChapter, ScopePages
from .formats import FORMATS

# Bump a kind's version when the document model or its engine's template changes what its files
# look like: every file of that kind is then made again (a recording takes minutes, so a change
# to the PDFs alone leaves them be). PDFs 2: figure and table numbers in the language's order.
BUILD_VERSIONS = {"pdf": "2", "audio": "1"}
PLAN_FIELDS = (
    "id",
    "path",
    "depth",
    "url_path",
    "slug",
    "live",
    "live_revision_id",
    "content_type_id",
)


@dataclass
class Member:
    page: Page  # a plain Page row (listing fields only)
    revision_id: int | None  # the revision whose content the export shows
    number: int = 0  # a chapter's place among the edition's public chapters

    @property
    def key(self) -> str:
        return f"{self.page.pk}:{self.revision_id}:{self.page.path}:{self.page.url_path}"


@dataclass
class Plan:
    """The members of one export, in reading order: the edition, then each chapter followed by
    its assessments. `scheduled` holds the revisions that are not live yet. For a release,
    `public_then` holds the ids of every page of the edition that will be public once it is
    live (a link to one of them is a link in the file, though the page is not public yet); None
    for a plan of what is live."""

    scope: Scope
    root: Page
    members: list[Member]
    scheduled: dict[int, Revision]
    public_then: frozenset[int] | None = None

    def fingerprint(self, fmt: str, organisation: str) -> str:
        version = BUILD_VERSIONS[FORMATS[fmt].kind]
        parts = [version, fmt, self.scope, organisation, *(m.key for m in self.members)]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    @property
    def is_release(self) -> bool:
        return bool(self.scheduled)

    @property
    def release_at(self):
        """When the last scheduled revision in this export goes live (None for a live plan)."""
        times = [revision.approved_go_live_at for revision in self.scheduled.values()]
        return max(times) if times else None

    @property
    def edition_row(self) -> Page:
        return self.members[0].page

    def load(self) -> ScopePages:
        """The members as specific pages with the content this export shows."""
        live_ids = [m.page.pk for m in self.members if m.page.pk not in self.scheduled]
        live = Page.objects.filter(pk__in=live_ids).specific().in_bulk()
        content = {pk: revision.as_object() for pk, revision in self.scheduled.items()}
        content.update(live)
        edition_depth = min(m.page.depth for m in self.members)
        edition = content[self.members[0].page.pk]
        chapters: list[ScopeChapter] = []
        for member in self.members[1:]:
            page = content[member.page.pk]
            if member.page.depth == edition_depth + 1:
                chapters.append(ScopeChapter(member.number, page, []))
            elif chapters:
                chapters[-1].assessments.append(page)
        return ScopePages(edition=edition, chapters=chapters)


def scope_of(page: Page, edition_depth: int) -> Scope:
    return {0: "edition", 1: "chapter", 2: "assessment"}[page.depth - edition_depth]


def _select(page: Page, edition: Page, rows: list[Page]) -> list[Page]:
    """The rows an export of `page` contains besides the edition, in tree order: the chapters
    and assessments under `page`, and the chapter above it when `page` is an assessment."""
    chapter_depth = edition.depth + 1
    wanted = []
    for row in rows:
        is_chapter_of_page = row.depth == chapter_depth and (
            page.path.startswith(row.path) or row.path.startswith(page.path)
        )
        is_assessment_under_page = row.depth == chapter_depth + 1 and row.path.startswith(page.path)
        if is_chapter_of_page or is_assessment_under_page:
            wanted.append(row)
    return wanted


def _numbered(edition: Page, rows: list[Page]) -> dict[int, int]:
    chapter_depth = edition.depth + 1
    chapters = [row.pk for row in rows if row.depth == chapter_depth]
    return {pk: n for n, pk in enumerate(chapters, start=1)}


def _plan(
    page: Page,
    edition: Page,
    rows: list[Page],
    revisions: dict[int, int | None],
    scheduled: dict[int, Revision],
    public_then: frozenset[int] | None = None,
) -> Plan | None:
    by_pk = {row.pk: row for row in rows}
    if edition.pk not in by_pk or page.pk not in by_pk:
        return None
    numbers = _numbered(edition, rows)
    members = [Member(by_pk[edition.pk], revisions[edition.pk])]
    selected = _select(page, edition, rows)
    # An assessment whose chapter is not in the export is not in it either.
    chapter_paths = {row.path for row in selected if row.depth == edition.depth + 1}
    for row in selected:
        if row.depth == edition.depth + 2 and parent_path(row.path) not in chapter_paths:
            continue
        members.append(Member(row, revisions[row.pk], numbers.get(row.pk, 0)))
    return Plan(
        scope=scope_of(page, edition.depth),
        root=page,
        members=members,
        scheduled={pk: rev for pk, rev in scheduled.items() if pk in {m.page.pk for m in members}},
        public_then=public_then,
    )


def _tree_rows(edition: Page):
    return (
        Page.objects.descendant_of(edition, inclusive=True)
        .filter(depth__lte=edition.depth + 2)
        .only(*PLAN_FIELDS)
        .order_by("path")
    )


def live_plans(edition: Page) -> list[Plan]:
    """The plan of every public page of an edition (the edition, its chapters, assessments).
    The worker plans every edition at each change: the hidden subtrees it filters by are the
    remembered ones (fragments.public_pages), not a correlated subquery per row and edition."""
    rows = list(fragments.public_pages(_tree_rows(edition)))
    revisions = {row.pk: row.live_revision_id for row in rows}
    plans = (_plan(row, edition, rows, revisions, {}) for row in rows)
    return [plan for plan in plans if plan is not None]


def live_plan(page: Page, edition: Page | None = None) -> Plan | None:
    """What the export of `page` shows now; None if the page is not public. Pass the page's
    edition if you have it (saves a query)."""
    from threatpress.reports.models import edition_of

    edition = edition or edition_of(page)
    if edition is None:
        return None
    rows = list(public_pages(_tree_rows(edition)))
    return _plan(page, edition, rows, {row.pk: row.live_revision_id for row in rows}, {})


def plan_from_contents(page: Page, edition: Page, contents) -> Plan | None:
    """live_plan without a query, for a page being served: its edition's public chapters and
    assessments are already loaded (reports.contents.edition_contents, with live revisions)."""
    rows = [edition]
    for entry in contents:
        rows.append(entry.page)
        rows.extend(entry.assessments)
    return _plan(page, edition, rows, {row.pk: row.live_revision_id for row in rows}, {})


def scheduled_revisions(pages) -> dict[int, Revision]:
    """The revision scheduled to go live for each of these pages that has one."""
    page_type = ContentType.objects.get_for_model(Page)
    ids = [str(pk) for pk in pages]
    found = Revision.objects.filter(
        base_content_type=page_type, object_id__in=ids, approved_go_live_at__isnull=False
    ).order_by("approved_go_live_at", "pk")
    return {int(revision.object_id): revision for revision in found}


def scheduled_page_paths() -> list[str]:
    """The tree paths of every page with a revision scheduled to go live: an edition none of
    them is in has no release plan (release_plans), so a plan of every edition asks once."""
    page_type = ContentType.objects.get_for_model(Page)
    ids = Revision.objects.filter(
        base_content_type=page_type, approved_go_live_at__isnull=False
    ).values_list("object_id", flat=True)
    return list(Page.objects.filter(pk__in=[int(pk) for pk in ids]).values_list("path", flat=True))


def release_plans(edition: Page) -> list[Plan]:
    """What the exports of an edition's pages will show once every revision scheduled in the
    edition is live: one plan for each page that will be public then and has something scheduled
    in its export. Empty when nothing is scheduled."""
    # Above the edition, only what is public now counts (releases schedule an edition whole).
    parent = edition.get_parent()
    if parent is None or not fragments.public_pages(Page.objects.filter(pk=parent.pk)).exists():
        return []
    rows = list(_tree_rows(edition))
    scheduled = scheduled_revisions(row.pk for row in rows)
    if not scheduled:
        return []
    restricted_paths = list(
        PageViewRestriction.objects.filter(
            Q(page__in=[row.pk for row in rows]) | Q(page__in=Page.objects.ancestor_of(edition))
        ).values_list("page__path", flat=True)
    )

    def public_then(row: Page) -> bool:
        return (row.live or row.pk in scheduled) and not any(
            row.path.startswith(path) for path in restricted_paths
        )

    public_paths: set[str] = set()
    visible = []
    for row in rows:  # tree order: a parent comes before its children
        parent_ok = row.pk == edition.pk or parent_path(row.path) in public_paths
        if parent_ok and public_then(row):
            public_paths.add(row.path)
            visible.append(row)
    revisions = {
        row.pk: (scheduled[row.pk].pk if row.pk in scheduled else row.live_revision_id)
        for row in visible
    }
    public_ids = frozenset(revisions)
    plans = (_plan(row, edition, visible, revisions, scheduled, public_ids) for row in visible)
    return [plan for plan in plans if plan is not None and plan.is_release]
