"""Release a whole edition at one instant: every page under it, in every language.

A publisher picks the minute of the press conference. Each page that is not yet public (or has
changes waiting) gets a new revision carrying that go-live time, scheduled through Wagtail's own
publish action, so the audit log records one "scheduled" entry per page. At the instant the
scheduler (see scheduler.py) publishes all of them in one transaction; pages that were already
live under a still-unpublished edition stay hidden by the visibility rule until the edition itself
goes live, in that same transaction. No reader can see half an edition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from wagtail.models import Page, Revision

from threatpress.reports.models import EditionPage
from threatpress.translations.models import TranslationState
from threatpress.translations.state import TranslationStatus, blocking


class ReleaseError(Exception):
    """The release cannot be scheduled as asked; the message is for the publisher."""


@dataclass
class ReleasePlan:
    edition: EditionPage
    to_schedule: list[Page] = field(default_factory=list)  # not live, or with changes waiting
    already_live: list[Page] = field(default_factory=list)  # public once the edition is
    in_review: list[Page] = field(default_factory=list)  # a workflow is still running
    # Translations not yet translated, or behind a change to their original: the languages
    # would say different things on release day.
    untranslated: list[TranslationStatus] = field(default_factory=list)
    scheduled_for: datetime | None = None  # the go-live time already set, if any

    @property
    def pages(self) -> list[Page]:
        """Every page of the edition, in tree order (each language's in reading order), those
        still in review included."""
        return sorted(
            [*self.to_schedule, *self.already_live, *self.in_review], key=attrgetter("path")
        )


def quoted(title: str) -> str:
    """A title in the quotation marks of the active language (Lithuanian opens low: „…“)."""
    return pgettext("a quoted title", "“%(title)s”") % {"title": title}


def edition_pages(edition: EditionPage) -> list[Page]:
    """The edition, its translations, and everything below each of them, tree order."""
    roots = [edition, *edition.get_translations()]
    pages: list[Page] = []
    for root in roots:
        pages.extend(Page.objects.descendant_of(root, inclusive=True).order_by("path").specific())
    return pages


def _scheduled_revision(page: Page) -> Revision | None:
    return page.revisions.filter(approved_go_live_at__isnull=False).first()


def plan_release(edition: EditionPage) -> ReleasePlan:
    plan = ReleasePlan(edition=edition)
    pages = edition_pages(edition)
    plan.untranslated = blocking(pages)
    for page in pages:
        if page.workflow_in_progress:
            plan.in_review.append(page)
        elif page.live and not page.has_unpublished_changes:
            plan.already_live.append(page)
        else:
            plan.to_schedule.append(page)
        scheduled = _scheduled_revision(page)
        if scheduled is not None and plan.scheduled_for is None:
            plan.scheduled_for = scheduled.approved_go_live_at
    return plan


def can_release(user: AbstractBaseUser, edition: EditionPage) -> bool:
    return edition.permissions_for_user(user).can_publish()


@transaction.atomic
def schedule_release(edition: EditionPage, go_live_at: datetime, user: AbstractBaseUser) -> int:
    """Schedule every page of the edition for `go_live_at`; return how many were scheduled.

    All or nothing: any refusal rolls back every page already scheduled in this call.
    """
    if timezone.is_naive(go_live_at):
        raise ReleaseError(_("The release time needs a time zone."))
    if go_live_at <= timezone.now():
        raise ReleaseError(_("The release time must be in the future."))
    if edition.live:
        raise ReleaseError(_("This edition is already public."))
    plan = plan_release(edition)
    if plan.in_review:
        titles = ", ".join(quoted(page.get_admin_display_title()) for page in plan.in_review[:5])
        raise ReleaseError(
            _("Still in review: %(titles)s. Finish or cancel the review first.")
            % {"titles": titles}
        )
    if plan.untranslated:
        titles = ", ".join(
            f"{quoted(s.page.get_admin_display_title())} ({s.page.locale.get_display_name()})"
            for s in plan.untranslated[:5]
        )
        raise ReleaseError(
            _(
                "Not translated, or the original changed since: %(titles)s. Every language is "
                "released together: finish the translations and mark them as translated first."
            )
            % {"titles": titles}
        )
    for page in plan.to_schedule:
        if not page.permissions_for_user(user).can_publish():
            raise ReleaseError(_("You may not publish “%(title)s”.") % {"title": page.title})
        draft = page.get_latest_revision_as_object()
        draft.go_live_at = go_live_at
        if isinstance(draft, EditionPage):
            draft.published_at = go_live_at  # the date the edition shows is its release
        revision = draft.save_revision(user=user, log_action=False, clean=False)
        revision.publish(user=user)
        # That revision changes no word of the original: a translation marked against the one
        # before it still says the same, and stays "translated" (or the board would call every
        # translation out of date, and a postponed release could not be scheduled again).
        TranslationState.objects.filter(
            source_id=page.pk, translated=True, source_revision_id=page.latest_revision_id
        ).update(source_revision=revision)
    return len(plan.to_schedule)


@transaction.atomic
def cancel_release(edition: EditionPage, user: AbstractBaseUser) -> int:
    """Take every page of the edition off the schedule (a postponed press conference)."""
    if edition.live:
        raise ReleaseError(_("This edition is already public."))
    cancelled = 0
    for page in edition_pages(edition):
        revision = _scheduled_revision(page)
        if revision is None:
            continue
        if not page.permissions_for_user(user).can_publish():
            raise ReleaseError(_("You may not publish “%(title)s”.") % {"title": page.title})
        # Saving the field this way makes Wagtail write its own "unscheduled" audit entry.
        revision.approved_go_live_at = None
        revision.save(user=user, update_fields=["approved_go_live_at"])
        cancelled += 1
    return cancelled
