"""Load the demo site: home, archive, standing pages and the demo editions (idempotent)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from threatpress.core.demo.loader import load_demo


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Create the demo National Threat Assessment editions and standing pages. Safe to run "
        "again: what exists is kept (use --refresh to rebuild the demo editions)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh", action="store_true", help="Delete and rebuild demo editions."
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would change.")
        parser.add_argument(
            "--no-readership",
            action="store_true",
            help="Do not add the synthetic readership totals (added only to an empty database).",
        )

    def handle(
        self, *args, refresh=False, dry_run=False, no_readership=False, verbosity=1, **options
    ):
        try:
            with transaction.atomic():
                report = load_demo(refresh=refresh, readership=not no_readership)
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write(self.style.WARNING("Dry run: nothing was saved."))
        if verbosity >= 2:
            for item in report.kept:
                self.stdout.write(f"  kept    {item}")
            for item in report.created:
                self.stdout.write(f"  created {item}")
        if verbosity >= 1 and not dry_run:
            for username, role, password in report.credentials:
                self.stdout.write(
                    f"Demo user '{username}' ({role}) created with password: {password}"
                )
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo content: {len(report.created)} created, "
                    f"{len(report.kept)} already there."
                )
            )
