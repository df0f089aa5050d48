"""The readiness checks: each turns data already loaded for a whole edition into a state or a
list of problems, without touching the database (board.py loads everything in bulk once).

What blocks a release and what only warns is decided here, in `BLOCKS` (docs/readiness.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, WorkflowState

from threatpress.core.ids import MAX_ID
from threatpress.publishing.visibility import public_pages
from threatpress.translations.state import ORIGINAL, OUTDATED, TRANSLATED, UNTRANSLATED

from .content import References

# Workflow (publishing/roles.py: Review, then Sign-off).
NO_WORKFLOW = "none"
IN_MODERATION = "in_moderation"
APPROVED = "approved"
REJECTED = "rejected"
WORKFLOW_LABELS: dict[str, Promise] = {
    NO_WORKFLOW: _("No workflow"),
    IN_MODERATION: _("In moderation"),
    APPROVED: _("Approved"),
    REJECTED: _("Changes requested"),
}

# Translation of a page into the section's language (translations/state.py, plus "missing").
MISSING = "missing"
TRANSLATION_LABELS: dict[str, Promise] = {
    ORIGINAL: _("Original"),
    MISSING: _("Missing"),
    UNTRANSLATED: _("Not translated"),
    TRANSLATED: _("Translated"),
    OUTDATED: _("Out of date: the original changed"),
}

# Exports (exports/admin_views.py gives ready/prepared/pending/failed/unavailable).
EXPORT_MISSING = "missing"
EXPORT_BUILDING = "building"
EXPORT_FAILED = "failed"
EXPORT_UNAVAILABLE = "unavailable"
EXPORT_READY = "ready"
EXPORT_STALE = "stale"
EXPORT_NOT_APPLICABLE = ""
EXPORT_LABELS: dict[str, Promise] = {
    EXPORT_MISSING: _("Missing"),
    EXPORT_BUILDING: _("Being prepared"),  # the exports screen's word for it
    EXPORT_FAILED: _("Failed"),
    EXPORT_UNAVAILABLE: _("Cannot be made here"),
    EXPORT_READY: _("Ready"),
    EXPORT_STALE: _("Stale: older than the latest revision"),
    EXPORT_NOT_APPLICABLE: _("Not made for this page"),
}
# When one page has several files of a kind (screen and print PDF), the worst one is shown.
EXPORT_SEVERITY = [
    EXPORT_NOT_APPLICABLE,
    EXPORT_READY,
    EXPORT_BUILDING,
    EXPORT_MISSING,
    EXPORT_STALE,
    EXPORT_UNAVAILABLE,
    EXPORT_FAILED,
]

# Problem kinds, and whether each blocks the release (True) or only warns (False).
BLOCKS: dict[str, bool] = {
    "in_moderation": True,  # release.schedule_release refuses it too
    "rejected": True,  # a reviewer asked for changes nobody has made
    "not_translated": True,  # release.schedule_release refuses it too
    "translation_outdated": True,  # the languages would say different things
    "translation_missing": True,  # one language's edition would lack a judgment
    "alt_text": True,  # WCAG 2.2 AA: an image that carries information needs words
    "broken_link": True,  # readers would land on a 404 on release day
    "footnote": True,  # a source reference pointing nowhere
    "export_failed": True,  # the PDF or recording readers are promised cannot be built
    "not_reachable": True,  # a page above the edition is not public: its language's readers
    # would find nothing at the release, and its files are not prepared either
    "changed_since_scheduled": True,  # the release would publish the text from before
    "not_reviewed": False,  # Publishers may publish without the workflow
    "export_stale": False,  # rebuilt by the worker once the new text is published
    "export_unavailable": False,  # the site shows no player rather than a broken one
    "no_translation": False,  # an edition may appear in one language only
}


@dataclass(frozen=True)
class Problem:
    kind: str
    message: str

    @property
    def blocks(self) -> bool:
        return BLOCKS[self.kind]


def workflow_state(state: WorkflowState | None) -> str:
    """The page's latest workflow, as a publisher reads it."""
    if state is None or state.status == WorkflowState.STATUS_CANCELLED:
        return NO_WORKFLOW
    return {
        WorkflowState.STATUS_IN_PROGRESS: IN_MODERATION,
        WorkflowState.STATUS_APPROVED: APPROVED,
        WorkflowState.STATUS_NEEDS_CHANGES: REJECTED,
    }[state.status]


def translation_state(translated: bool | None, source_revision_id, source_latest_id) -> str:
    """Like translations.state, from values already loaded (`translated` None: an original)."""
    if translated is None:
        return ORIGINAL
    if not translated:
        return UNTRANSLATED
    if source_latest_id is not None and source_latest_id != source_revision_id:
        return OUTDATED
    return TRANSLATED


def export_state(cell_state: str | None, shown_revision_id: int | None, page: Page) -> str:
    """One file's state for the board. `cell_state` is the exports admin's (None when the page
    is neither public nor scheduled, so nothing can be built yet); `shown_revision_id` is the
    revision the file shows (the scheduled one, else the live one)."""
    if cell_state is None:
        return EXPORT_MISSING
    if cell_state in (EXPORT_FAILED, EXPORT_UNAVAILABLE):
        return cell_state
    if cell_state == "pending":
        return EXPORT_BUILDING
    if page.latest_revision_id and page.latest_revision_id != shown_revision_id:
        return EXPORT_STALE
    return EXPORT_READY


def worst(states: list[str]) -> str:
    return max(states, key=EXPORT_SEVERITY.index) if states else EXPORT_NOT_APPLICABLE


@dataclass
class LinkTargets:
    """What the links of a whole edition point at, loaded in at most four queries."""

    release_paths: list[str]  # the edition in every language: released together
    pages: dict[int, Page] = field(default_factory=dict)  # existing targets
    public: set[int] = field(default_factory=set)  # targets a reader may see now
    editions: dict[str, str] = field(default_factory=dict)  # path → title of every edition
    documents: set[int] = field(default_factory=set)  # existing documents
    images: set[int] = field(default_factory=set)  # existing images

    def released_with_edition(self, page: Page) -> bool:
        return any(page.path.startswith(path) for path in self.release_paths)

    def edition_of(self, page: Page) -> str | None:
        return next(
            (title for path, title in self.editions.items() if page.path.startswith(path)), None
        )


def load_link_targets(
    page_ids: set[int],
    document_ids: set[int],
    release_paths: list[str],
    editions: QuerySet,
    image_ids: set[int],
) -> LinkTargets:
    targets = LinkTargets(release_paths=release_paths)
    # An id no row can have (a hand-made draft's) is a link to nothing, and SQLite refuses to
    # compare with a number wider than 64 bits.
    page_ids, document_ids, image_ids = (
        {pk for pk in ids if pk <= MAX_ID} for ids in (page_ids, document_ids, image_ids)
    )
    if image_ids:
        images = get_image_model().objects.filter(pk__in=image_ids)
        targets.images = set(images.values_list("pk", flat=True))
    if page_ids:
        found = Page.objects.filter(pk__in=page_ids).only("id", "title", "path", "live")
        targets.pages = {page.pk: page for page in found}
        targets.public = set(
            public_pages(Page.objects.filter(pk__in=page_ids)).values_list("pk", flat=True)
        )
        if set(targets.pages) - targets.public:
            targets.editions = dict(editions.values_list("path", "title"))
    if document_ids:
        documents = get_document_model().objects.filter(pk__in=document_ids)
        targets.documents = set(documents.values_list("pk", flat=True))
    return targets


def link_problems(found: References, targets: LinkTargets) -> list[Problem]:
    problems = []
    for target_id in sorted(found.page_ids):
        target = targets.pages.get(target_id)
        if target is None:
            message = _("A link points to a page that no longer exists (page %(id)s).") % {
                "id": target_id
            }
        elif target_id in targets.public or targets.released_with_edition(target):
            continue
        elif edition := targets.edition_of(target):
            message = _("A link points to “%(title)s” in %(edition)s, which is not public.") % {
                "title": target.title,
                "edition": edition,
            }
        else:
            message = _("A link points to “%(title)s”, which is not public.") % {
                "title": target.title
            }
        problems.append(Problem("broken_link", str(message)))
    # Deleted since it was chosen: the figure would show nothing (the template leaves it out).
    for number, image_id in sorted(found.figure_images.items()):
        if image_id not in targets.images:
            message = _("Figure %(number)d shows an image that no longer exists (image %(id)s).")
            problems.append(
                Problem("broken_link", str(message % {"number": number, "id": image_id}))
            )
    for image_id in sorted(found.image_ids - targets.images):
        message = _("An image in the text no longer exists (image %(id)s).")
        problems.append(Problem("broken_link", str(message % {"id": image_id})))
    for document_id in sorted(found.document_ids - targets.documents):
        problems.append(
            Problem(
                "broken_link",
                str(
                    _("A link points to a document that no longer exists (document %(id)s).")
                    % {"id": document_id}
                ),
            )
        )
    dangling = len(found.footnote_ids - found.footnotes)
    if dangling:
        problems.append(
            Problem(
                "footnote",
                ngettext(
                    "%(count)d footnote reference has no footnote.",
                    "%(count)d footnote references have no footnote.",
                    dangling,
                )
                % {"count": dangling},
            )
        )
    return problems


def alt_text_problems(found: References) -> list[Problem]:
    problems = [
        Problem("alt_text", str(_("Figure %(number)d has no alternative text.") % {"number": n}))
        for n in found.figures_without_alt
    ]
    if found.images_without_alt:
        problems.append(
            Problem(
                "alt_text",
                ngettext(
                    "%(count)d image in the text has no alternative text.",
                    "%(count)d images in the text have no alternative text.",
                    found.images_without_alt,
                )
                % {"count": found.images_without_alt},
            )
        )
    return problems


def state_problems(
    workflow: str, translation: str, exports: dict[str, str], waiting_for: str = ""
) -> list[Problem]:
    """The problems a page's states amount to (its content's are in link/alt_text_problems).
    `waiting_for` names the workflow task a page in moderation waits for."""
    problems: list[Problem] = []
    if workflow == IN_MODERATION and waiting_for:
        message = _("Still in moderation: waiting for “%(task)s”.") % {"task": waiting_for}
        problems.append(Problem("in_moderation", str(message)))
    elif workflow == IN_MODERATION:
        problems.append(Problem("in_moderation", str(_("Still in moderation."))))
    elif workflow == REJECTED:
        problems.append(Problem("rejected", str(_("A reviewer asked for changes."))))
    elif workflow == NO_WORKFLOW and translation != MISSING:
        problems.append(Problem("not_reviewed", str(_("Never submitted for review."))))
    translation_kinds = {
        UNTRANSLATED: "not_translated",
        OUTDATED: "translation_outdated",
        MISSING: "translation_missing",
    }
    if translation in translation_kinds:
        problems.append(
            Problem(
                translation_kinds[translation],
                str(_("Translation: %(state)s.") % {"state": TRANSLATION_LABELS[translation]}),
            )
        )
    export_kinds = {
        EXPORT_FAILED: "export_failed",
        EXPORT_STALE: "export_stale",
        EXPORT_UNAVAILABLE: "export_unavailable",
    }
    for label, state in exports.items():
        if state in export_kinds:
            problems.append(
                Problem(
                    export_kinds[state],
                    str(
                        _("%(format)s: %(state)s.")
                        % {"format": label, "state": EXPORT_LABELS[state]}
                    ),
                )
            )
    return problems


def schedule_problems(
    latest_revision_id: int | None,
    scheduled_revision_id: int | None,
    live: bool,
    has_unpublished_changes: bool,
) -> list[Problem]:
    """For a page of an edition whose release is scheduled: a release publishes the revision
    that was scheduled, so text saved since (a correction, an imported manuscript) would not go
    out, nor would a page added since."""
    if scheduled_revision_id is not None:
        changed = latest_revision_id != scheduled_revision_id
    else:
        changed = not live or has_unpublished_changes
    if not changed:
        return []
    return [
        Problem(
            "changed_since_scheduled",
            str(
                _(
                    "Changed since the release was scheduled: the release would publish the "
                    "earlier text, or leave this page out. Schedule the release again to "
                    "include the changes."
                )
            ),
        )
    ]


def reachability_problems(unpublished_above: list[str]) -> list[Problem]:
    """The titles of the pages above an edition (its language's home page, the reports index)
    that readers cannot see: at the release the edition would go live where nobody can reach
    it, and its files would not be prepared."""
    return [
        Problem(
            "not_reachable",
            str(
                _(
                    "“%(title)s”, above this edition, is not public (not published, not "
                    "marked as translated, or restricted): readers could not reach this "
                    "language's edition."
                )
                % {"title": title}
            ),
        )
        for title in unpublished_above
    ]
