"""Remove a user's two-factor devices, for a lost or replaced phone."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from threatpress.accounts import two_factor


class Command(BaseCommand):
    help = (
        "Remove the authenticator app(s) of a user who lost or replaced their phone. At the next "
        "sign-in a Publisher or administrator sets one up again; others may."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be removed.")

    def handle(self, *args, username, dry_run=False, verbosity=1, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"There is no user '{username}'.") from None
        if dry_run:
            count = two_factor.device_count(user)
            self.stdout.write(f"Would remove {count} two-factor device(s) of '{username}'.")
            return
        with transaction.atomic():
            count = two_factor.reset(user)
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(f"Removed {count} two-factor device(s) of '{username}'.")
            )
