"""Write an edition out as a .docx manuscript, in the layout `import_edition` reads back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from threatpress.manuscripts.writing import edition_for, edition_to_docx


class Command(BaseCommand):
    help = (
        "Write the edition of --year in --language to FILE as a Word document: each page as "
        "last edited (drafts included), or only what is live with --live."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Where to write the .docx.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--language", default="en", help="Language code, e.g. en or lt.")
        parser.add_argument(
            "--live", action="store_true", help="Only live pages, as readers see them."
        )

    def handle(self, *args, file: Path, year: int, language: str, live: bool, **options):
        edition = edition_for(year, language)
        if edition is None:
            raise CommandError(f"There is no {language!r} edition for {year}.")
        data = edition_to_docx(edition, latest_revision=not live)
        try:
            file.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error.strerror}") from error
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {edition.title} ({language}) to {file}, {len(data):,} bytes."
                )
            )
