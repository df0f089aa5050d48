"""Build every missing export now, with a progress bar; --force makes the current ones again."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from threatpress.exports import builder
from threatpress.exports.formats import FORMATS


class Command(BaseCommand):
    help = "Build the PDFs and audio files that are missing (or all of them, with --force)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rebuild files that exist.")
        parser.add_argument("--year", type=int, help="Only this edition's files.")
        parser.add_argument(
            "--format", choices=sorted(FORMATS), action="append", help="Only these formats."
        )

    def handle(self, *args, force, year, format, verbosity=1, **options):
        jobs = builder.due_jobs(force=force)
        if format:
            jobs = [job for job in jobs if job.fmt.key in format]
        if year:
            jobs = [job for job in jobs if job.plan.edition_row.slug == str(year)]
        failed = []
        with tqdm(
            total=len(jobs), unit="file", disable=verbosity == 0, file=self.stderr._out
        ) as bar:

            def progress(job, result):
                bar.set_postfix_str(f"{job.fmt.key} {job.plan.root.url_path}"[-60:])
                bar.update()
                if result is None:
                    failed.append(job)

            built = builder.build_due(jobs=jobs, progress=progress)
        for job in failed:
            job.export.refresh_from_db()
            self.stderr.write(f"{job.fmt.key} of {job.plan.root.url_path}: {job.export.message}")
        if verbosity >= 1:
            self.stdout.write(f"Built {built} file(s); {len(failed)} could not be built.")
        if any(job.export.state == job.export.FAILED for job in failed):
            raise CommandError("some exports failed (see above)")
