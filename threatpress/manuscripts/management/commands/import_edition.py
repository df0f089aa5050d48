"""Import an analysts' .docx manuscript into draft pages of an edition (docs/import.md).

Nothing is published: new pages are drafts, changed pages get a new revision for review.
Output is for the operator, in English (docs/i18n.md).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm
from wagtail.models import Locale

from threatpress.manuscripts import intake
from threatpress.manuscripts.saving import (
    Confirmation,
    ImportRefused,
    ImportResult,
    pages_in,
    positions,
    save_manuscript,
)


class Command(BaseCommand):
    help = (
        "Import a .docx manuscript into the edition of YEAR in LANGUAGE as drafts "
        "(new pages unpublished, changed pages as new revisions)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The .docx manuscript.")
        parser.add_argument("--year", type=int, required=True, help="The edition's year.")
        parser.add_argument("--language", required=True, help="The manuscript's language: en, lt.")
        parser.add_argument("--dry-run", action="store_true", help="Read and report; save nothing.")
        parser.add_argument(
            "--yes", action="store_true", help="Accept every proposal without asking."
        )
        parser.add_argument("--user", help="Username the revisions are recorded under.")

    def handle(self, *args, file, year, language, dry_run, yes, user, verbosity=1, **options):
        self.verbosity = verbosity
        locale = Locale.objects.filter(language_code=language).first()
        if locale is None:
            raise CommandError(f"no content language {language!r}")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from error
        author = None
        if user:
            author = get_user_model().objects.filter(username=user).first()
            if author is None:
                raise CommandError(f"no user {user!r}")

        manuscript = intake.read(data, year=year, locale=locale)
        self.report_problems(manuscript.problems)
        if manuscript.blocking_problems:
            raise CommandError(
                f"{len(manuscript.blocking_problems)} blocking problem(s); nothing saved"
            )
        confirmed = intake.proposals(manuscript, year=year, locale=locale)
        if dry_run:
            self.show_proposals(manuscript, confirmed, locale)
            self.say(f"Dry run: {pages_in(manuscript)} page(s) read; nothing saved.")
            return
        if not yes:
            confirmed = self.confirm(manuscript, confirmed, intake.scale_for(year, locale), locale)
        try:
            with tqdm(
                total=pages_in(manuscript),
                unit="page",
                file=self.stderr._out,
                # quiet when asked, and when nobody watches (a log, a pipe)
                disable=verbosity == 0 or not self.stderr.isatty(),
            ) as bar:
                result = save_manuscript(
                    manuscript,
                    year=year,
                    locale=locale,
                    user=author,
                    confirmed=confirmed,
                    progress=lambda label: bar.update(),
                )
        except ImportRefused as refused:
            self.report_problems(refused.problems)
            raise CommandError("refused; nothing saved") from refused
        self.report_problems(result.problems)
        self.report_result(result)

    def say(self, text: str, style=None) -> None:
        if self.verbosity >= 1:
            self.stdout.write(style(text) if style else text)

    def report_problems(self, problems) -> None:
        for heading, found in intake.by_heading(problems).items():
            self.stderr.write(heading or "(before the first heading)")
            for problem in found:
                kind = "blocking" if problem.blocking else "note"
                self.stderr.write(f"  [{kind}] {problem.message} ({problem.code})")

    def show_proposals(self, manuscript, confirmed, locale) -> None:
        names = {region.pk: region.name for region in intake.regions_of(locale)}
        for key, _chapter, assessment in positions(manuscript):
            choice = confirmed[key]
            regions = ", ".join(names[pk] for pk in choice.regions)
            self.say(
                f"{key} {assessment.title}\n"
                f"    probability: {choice.probability or '-'}; regions: {regions or '-'}"
            )

    def confirm(self, manuscript, confirmed, scale, locale) -> dict[str, Confirmation]:
        """Ask, per assessment, for the probability and the regions; Enter keeps the proposal."""
        regions_now = list(intake.regions_of(locale))
        names = {region.name.casefold(): region for region in regions_now}
        named = {region.pk: region.name for region in regions_now}
        chosen = {}
        self.stdout.write(f"Probability terms: {', '.join(scale)} (Enter accepts, - for none)")
        for key, _chapter, assessment in positions(manuscript):
            proposal = confirmed[key]
            self.stdout.write(f"{key} {assessment.title}")
            probability = self.ask_until(
                f"    probability [{proposal.probability or '-'}]: ",
                lambda answer: answer in scale or answer in ("", "-"),
            )
            probability = {"": proposal.probability, "-": ""}.get(probability, probability)
            shown = ", ".join(named[pk] for pk in proposal.regions) or "-"
            regions = self.ask_until(
                f"    regions, comma-separated [{shown}]: ",
                lambda answer: (
                    all(n.strip().casefold() in names for n in answer.split(",") if n.strip())
                    or answer == "-"
                ),
            )
            if regions == "":
                region_ids = proposal.regions
            elif regions == "-":
                region_ids = ()
            else:
                region_ids = tuple(
                    names[n.strip().casefold()].pk for n in regions.split(",") if n.strip()
                )
            chosen[key] = Confirmation(probability=probability, regions=region_ids)
        return chosen

    def ask_until(self, prompt: str, valid) -> str:
        while True:
            answer = input(prompt).strip()
            if valid(answer):
                return answer
            self.stdout.write("    not one of the choices; try again")

    def report_result(self, result: ImportResult) -> None:
        for outcome in result.pages:
            moved = ", moved" if outcome.moved else ""
            self.say(
                f"{outcome.action:9} {outcome.page.url_path} "
                f"(matched by {outcome.matched_by}{moved})"
            )
        for page in result.not_in_manuscript:
            self.say(f"not in the manuscript, kept: {page.url_path}", self.style.WARNING)
        self.say(
            f"Edition {result.edition.year} ({result.edition.locale.language_code}): "
            f"{result.count('created')} created, {result.count('updated')} updated, "
            f"{result.count('unchanged')} unchanged; nothing published.",
            self.style.SUCCESS,
        )
