"""A `Manuscript` saved as draft pages of an edition: every change a new revision, never a publish.

One transaction: a refusal or an error part way leaves the database as it was. A page that is
live stays live on its published revision; the imported text waits as its latest revision, for
review. Re-importing the same document changes nothing and adds no revision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from threatpress.regions.models import Region
from threatpress.reports.models import (
    EDITION_ROUTES,
    AssessmentPage,
    ChapterPage,
    EditionPage,
    ReportsIndexPage,
)

from . import body
from .manuscript import Assessment, Chapter, Manuscript, Problem
from .matching import NEW, Candidate, Wanted, match_all, slug_for
from .translating import TranslationPlan, plan_translation

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class ImportRefused(Exception):
    """Nothing was saved; `problems` say why, each under its heading."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems))


@dataclass(frozen=True)
class Confirmation:
    """What the publisher chose for one assessment: a key of the edition's scale ("" for none)
    and the pks of its countries and regions."""

    probability: str = ""
    regions: tuple[int, ...] = ()


def position_key(chapter_number: int, assessment_number: int) -> str:
    """How `confirmed` names an assessment: "2.3" is the third of the second chapter (from 1)."""
    return f"{chapter_number}.{assessment_number}"


def positions(manuscript: Manuscript) -> list[tuple[str, Chapter, Assessment]]:
    return [
        (position_key(c, a), chapter, assessment)
        for c, chapter in enumerate(manuscript.chapters, start=1)
        for a, assessment in enumerate(chapter.assessments, start=1)
    ]


@dataclass(frozen=True)
class PageResult:
    page: Page
    action: str  # CREATED, UPDATED (a new revision) or UNCHANGED
    matched_by: str  # matching.BY_* or NEW
    moved: bool = False


@dataclass
class ImportResult:
    edition: EditionPage
    pages: list[PageResult] = field(default_factory=list)
    not_in_manuscript: list[Page] = field(default_factory=list)  # kept, not deleted
    problems: list[Problem] = field(default_factory=list)  # non-blocking, found while saving

    def count(self, action: str) -> int:
        return sum(1 for result in self.pages if result.action == action)


Progress = Callable[[str], None]
Values = Callable[[Page | None], dict]  # a page's new field values, given it as it is now


def pages_in(manuscript: Manuscript) -> int:
    """How many pages saving the manuscript touches (for a progress bar)."""
    return 1 + len(manuscript.chapters) + len(manuscript.assessments)


@transaction.atomic
def save_manuscript(
    manuscript: Manuscript,
    *,
    year: int,
    locale: Locale,
    user: AbstractBaseUser | None,
    confirmed: dict[str, Confirmation],
    progress: Progress | None = None,
) -> ImportResult:
    """Create or update the edition of `year` in `locale` from `manuscript`, as drafts.

    Raises ImportRefused, with nothing saved, on a blocking problem of the manuscript, a
    probability outside the edition's scale, or (for a translation) a structure that differs
    from the original edition's.
    """
    if manuscript.blocking_problems:
        raise ImportRefused(manuscript.blocking_problems)
    saver = _Saver(manuscript, year, locale, user, confirmed, progress or (lambda label: None))
    return saver.run()


def save_revision(page: Page, user: AbstractBaseUser | None) -> None:
    """Every page change goes through here: a revision, logged as an edit, never published."""
    page.save_revision(user=user, log_action=True)


class _Saver:
    def __init__(self, manuscript, year, locale, user, confirmed, progress):
        self.manuscript = manuscript
        self.year = year
        self.locale = locale
        self.user = user
        self.confirmed = confirmed
        self.progress = progress
        self.problems: list[Problem] = []

    # --- The edition --------------------------------------------------------------------------

    def run(self) -> ImportResult:
        plan = self._translation_plan()
        edition, edition_result = self._edition(plan)
        self._check_confirmed(edition)
        result = ImportResult(edition=edition, pages=[edition_result], problems=self.problems)
        if plan is None:
            self._originals(edition, result)
        else:
            self._translations(edition, plan, result)
        return result

    def _translation_plan(self) -> TranslationPlan | None:
        default = Locale.get_default()
        if self.locale.pk == default.pk:
            return None
        original = EditionPage.objects.filter(locale=default, year=self.year).first()
        if original is None:
            return None  # no original: this language's edition is written on its own
        plan = plan_translation(self.manuscript, original, self.locale)
        if plan.problems:
            raise ImportRefused(plan.problems)
        return plan

    def _edition_values(self) -> dict:
        values = {}
        if self.manuscript.title:
            values["title"] = self.manuscript.title
        if self.manuscript.foreword:
            values["foreword"] = self.manuscript.foreword
            values["foreword_signed_by"] = self.manuscript.foreword_signed_by
        return values

    def _edition(self, plan: TranslationPlan | None) -> tuple[EditionPage, PageResult]:
        values = self._edition_values()
        if plan is not None:
            page, action = self._translated(plan.edition, lambda draft: values, str(self.year))
            self.progress(page.title)
            return page, PageResult(page, action, "translation")
        existing = EditionPage.objects.filter(locale=self.locale, year=self.year).first()
        if existing is not None:
            action = self._update(existing, lambda draft: values)
            self.progress(existing.title)
            return existing, PageResult(existing, action, "year")
        index = ReportsIndexPage.objects.filter(locale=self.locale).first()
        if index is None:
            raise ImportRefused(
                [
                    Problem(
                        "no-reports-index",
                        _("This language has no reports archive to put an edition in."),
                    )
                ]
            )
        with translation.override(self.locale.language_code):
            default_title = _("National Threat Assessment %(year)s") % {"year": self.year}
        now = timezone.now()
        values = {"title": default_title, **values}
        edition = EditionPage(
            slug=str(self.year),
            year=self.year,
            locale=self.locale,
            # The release sets the real time; the cut-off date is the editors' to correct.
            published_at=now,
            cutoff_date=timezone.localdate(now),
            live=False,
            **values,
        )
        edition.add_default_scale()
        index.add_child(instance=edition)
        save_revision(edition, self.user)
        self.progress(edition.title)
        return edition, PageResult(edition, CREATED, NEW)

    def _check_confirmed(self, edition: EditionPage) -> None:
        scale = EditionPage.objects.get(pk=edition.pk).scale
        refused = [
            Problem(
                "probability-not-in-scale",
                _("“%(key)s” is not a term of this edition's probability scale.")
                % {"key": choice.probability},
                heading=assessment.title,
            )
            for key, _chapter, assessment in positions(self.manuscript)
            if (choice := self.confirmed.get(key)) and choice.probability
            if choice.probability not in scale
        ]
        if refused:
            raise ImportRefused(refused)

    # --- Pages in the edition's own language ---------------------------------------------------

    def _originals(self, edition: EditionPage, result: ImportResult) -> None:
        chapters = list(ChapterPage.objects.child_of(edition).order_by("path"))
        matches = match_all(
            "chapter",
            [Wanted(c.bookmark, c.title, c.title) for c in self.manuscript.chapters],
            [Candidate(p.pk, p.slug, _latest(p).title) for p in chapters],
        )
        assessments = list(AssessmentPage.objects.descendant_of(edition).order_by("path"))
        assessment_matches = iter(match_assessments(self.manuscript, assessments))
        by_pk = {p.pk: p for p in [*chapters, *assessments]}
        chapter_pages = []
        for number, (chapter, (pk, how)) in enumerate(
            zip(self.manuscript.chapters, matches, strict=True), start=1
        ):
            page = self._place(edition, by_pk.get(pk), ChapterPage, chapter, how, result)
            chapter_pages.append(page)
            placed = []
            for a_number, assessment in enumerate(chapter.assessments, start=1):
                pk, how = next(assessment_matches)
                placed.append(
                    self._place(
                        page,
                        by_pk.get(pk),
                        AssessmentPage,
                        assessment,
                        how,
                        result,
                        key=position_key(number, a_number),
                    )
                )
            _keep_order(page, placed, self.user)
        _keep_order(edition, chapter_pages, self.user)
        used = {r.page.pk for r in result.pages}
        result.not_in_manuscript = [p for p in [*chapters, *assessments] if p.pk not in used]

    def _place(self, parent, existing, model, item, how, result, key="") -> Page:
        """Create the page for `item` under `parent`, or update `existing` (moving it there)."""

        def values(draft: Page | None) -> dict:
            return self._values(item, key, draft)

        if existing is None:
            slug = _free_slug(parent, slug_for(item.title), chapter=model is ChapterPage)
            page = model(slug=slug, locale=self.locale, live=False, **values(None))
            parent.add_child(instance=page)
            save_revision(page, self.user)
            result.pages.append(PageResult(page, CREATED, how))
        else:
            moved = existing.get_parent().pk != parent.pk
            if moved:
                existing.move(parent, pos="last-child", user=self.user)
                existing = model.objects.get(pk=existing.pk)
            action = self._update(existing, values)
            result.pages.append(PageResult(existing, action, how, moved=moved))
            page = existing
        self.progress(item.title)
        return page

    def _values(self, item: Chapter | Assessment, key: str, draft: Page | None) -> dict:
        """What the page of `item` should hold; `draft` is the page as it is now (None for a
        new page), whose footnotes keep their UUIDs."""
        if isinstance(item, Chapter):
            return {"title": item.title, "introduction": item.introduction}
        return self._assessment_values(item, key, draft)

    def _assessment_values(self, item: Assessment, key: str, draft: Page | None) -> dict:
        old_uuids = [str(n.uuid) for n in draft.footnotes.all()] if draft is not None else []
        uuids = body.footnote_uuids(item.footnotes, old_uuids)
        values = {
            "title": item.title,
            "summary": item.summary,
            "body": body.stream_value(
                item.blocks, body.footnote_tag_for(uuids), self.problems, item.title
            ),
            "footnotes": body.footnote_rows(item.footnotes, uuids, self.locale),
        }
        choice = self.confirmed.get(key)
        if choice is not None:
            values["probability"] = choice.probability
            values["regions"] = list(Region.objects.filter(pk__in=choice.regions))
        return values

    def _update(self, page: Page, values: Values) -> str:
        """A new revision of `page` if `values` differ from its latest one."""
        draft = _latest(page)
        if not _apply(draft, values(draft)):
            return UNCHANGED
        save_revision(draft, self.user)
        return UPDATED

    # --- Pages of a translation ---------------------------------------------------------------

    def _translations(self, edition: EditionPage, plan: TranslationPlan, result) -> None:
        for number, (chapter, original, assessments) in enumerate(plan.chapters, start=1):
            page, action = self._translated(
                original, lambda draft, c=chapter: self._values(c, "", draft)
            )
            result.pages.append(PageResult(page, action, plan.matched_by[original.pk]))
            self.progress(chapter.title)
            for a_number, (assessment, source) in enumerate(assessments, start=1):
                key = position_key(number, a_number)
                page, action = self._translated(
                    source, lambda draft, a=assessment, k=key: self._values(a, k, draft)
                )
                result.pages.append(PageResult(page, action, plan.matched_by[source.pk]))
                self.progress(assessment.title)
        used = {r.page.pk for r in result.pages}
        result.not_in_manuscript = [
            p for p in Page.objects.descendant_of(edition).order_by("path") if p.pk not in used
        ]

    def _translated(self, original: Page, values: Values, slug: str = "") -> tuple[Page, str]:
        """The translation of `original` in this language, with `values`: a new copy (as
        Wagtail's Translate makes it, so it starts untranslated) or a new revision of it."""
        from threatpress.translations.state import mark_untranslated

        existing = original.get_translation_or_none(self.locale)
        if existing is not None:
            existing = existing.specific
            action = self._update(existing, values)
            if action == UPDATED and not existing.live:
                mark_untranslated(existing)  # new text waits for its translator
            return existing, action
        copy = original.specific.copy_for_translation(self.locale, copy_parents=True)
        for name, value in values(None).items():
            setattr(copy, name, value)
        copy.slug = slug or _free_slug(
            copy.get_parent(), slug_for(copy.title), chapter=isinstance(copy, ChapterPage)
        )
        copy.save()
        save_revision(copy, self.user)
        return copy, CREATED


# --- Helpers ----------------------------------------------------------------------------------


def match_assessments(manuscript: Manuscript, pages: list[AssessmentPage]):
    """For each assessment of the manuscript, in order: (pk of its page or None, how found)."""
    latest = {page.pk: _latest(page) for page in pages}
    return match_all(
        "assessment",
        [
            Wanted(a.bookmark, a.title, _judgment_text(a.title, a.summary))
            for a in manuscript.assessments
        ],
        [
            Candidate(
                page.pk, page.slug, _judgment_text(latest[page.pk].title, latest[page.pk].summary)
            )
            for page in pages
        ],
    )


def current_choices(
    manuscript: Manuscript, *, year: int, locale: Locale
) -> dict[str, Confirmation]:
    """What the pages an import would update have now (probability, regions), by position key:
    a confirmation form starts from them where the text proposes nothing, so that saving it
    does not wipe an editor's choice."""
    edition = EditionPage.objects.filter(locale=locale, year=year).first()
    if edition is None:
        return {}
    pages = list(AssessmentPage.objects.descendant_of(edition).order_by("path"))
    by_pk = {page.pk: page for page in pages}
    choices = {}
    for (key, _chapter, _assessment), (pk, _how) in zip(
        positions(manuscript), match_assessments(manuscript, pages), strict=True
    ):
        if pk is not None:
            draft = _latest(by_pk[pk])
            regions = tuple(sorted(region.pk for region in draft.regions.all()))
            choices[key] = Confirmation(probability=draft.probability, regions=regions)
    return choices


def _latest(page: Page) -> Page:
    """The page as its latest revision has it: what an editor (and the next import) sees."""
    return page.specific.get_latest_revision_as_object()


def _judgment_text(title: str, summary: str) -> str:
    return f"{title}\n{summary}"


def _comparable(name: str, value):
    if name == "body":
        raw = value.raw_data if hasattr(value, "raw_data") else value
        return [(block["type"], block["value"]) for block in raw]
    if name == "footnotes":
        items = value.all() if hasattr(value, "all") else value
        return [(str(note.uuid), note.text) for note in items]
    if name == "regions":
        items = value.all() if hasattr(value, "all") else value
        return sorted(region.pk for region in items)
    return value


def _apply(page: Page, values: dict) -> bool:
    """Set `values` on `page`; whether any differs from what it had."""
    changed = False
    for name, value in values.items():
        if _comparable(name, getattr(page, name)) != _comparable(name, value):
            changed = True
            setattr(page, name, value)
    return changed


def _free_slug(parent: Page, wanted: str, chapter: bool) -> str:
    """A slug no sibling has; a chapter's may not be a year or an edition's route."""
    if chapter and (not wanted or wanted.isdigit() or wanted in EDITION_ROUTES):
        wanted = f"chapter-{wanted}".strip("-")
    wanted = wanted or "assessment"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, number = wanted, 2
    while slug in taken:
        slug = f"{wanted}-{number}"
        number += 1
    return slug


def _keep_order(parent: Page, pages: list[Page], user) -> None:
    """Put the children in the manuscript's order, when they are not already in it."""
    wanted = [p.pk for p in pages]
    current = [pk for pk in parent.get_children().values_list("pk", flat=True) if pk in wanted]
    if current == wanted:
        return
    for page in pages:
        Page.objects.get(pk=page.pk).move(parent, pos="last-child", user=user)
