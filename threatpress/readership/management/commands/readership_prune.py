"""Delete readership totals older than a number of days (none are deleted unless asked)."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from threatpress.readership.counting import today
from threatpress.readership.models import DownloadDay, PageViewDay, SearchTermDay

TABLES = {"views": PageViewDay, "downloads": DownloadDay, "searches": SearchTermDay}


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Delete daily readership totals older than --older-than DAYS. The totals are anonymous "
        "and are kept until this is run; --only limits it to views, downloads or searches."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            required=True,
            metavar="DAYS",
            help="Keep today and this many days before it (0: only today).",
        )
        parser.add_argument(
            "--only", choices=sorted(TABLES), action="append", help="Prune only these totals."
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would be deleted.")

    def handle(self, *args, older_than, only=None, dry_run=False, verbosity=1, **options):
        if older_than < 0:
            raise CommandError("--older-than cannot be negative (0 keeps only today)")
        cutoff = today() - timedelta(days=older_than)
        deleted = {}
        try:
            with transaction.atomic():
                for name in only or sorted(TABLES):
                    deleted[name], _ = TABLES[name].objects.filter(date__lt=cutoff).delete()
                if dry_run:
                    raise DryRun
        except DryRun:
            pass
        if verbosity >= 1:
            verb = "Would delete" if dry_run else "Deleted"
            for name, count in deleted.items():
                self.stdout.write(f"{verb} {count} daily {name} row(s) from before {cutoff}.")
            if dry_run:
                self.stdout.write(self.style.WARNING("Dry run: nothing was deleted."))
            else:
                self.stdout.write(self.style.SUCCESS("Done."))
