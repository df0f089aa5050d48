"""Make sure an administrator exists, and say how to log in."""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Create the administrator from DJANGO_SUPERUSER_USERNAME / DJANGO_SUPERUSER_PASSWORD, or "
        "'admin' with a random password printed once. An existing user is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        self.create_or_report(dry_run=dry_run)
        if settings.THREATPRESS_2FA:
            self.stdout.write(
                "Two-factor authentication is on: at the first sign-in the administrator (and "
                "every Publisher) sets up an authenticator app by scanning a QR code."
            )

    def create_or_report(self, dry_run: bool) -> None:
        User = get_user_model()
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME") or "admin"
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if User.objects.filter(username=username).exists():
            if password and not dry_run:
                # The operator asked for this password: make it true, so the printed hint is right.
                user = User.objects.get(username=username)
                user.set_password(password)
                user.save(update_fields=["password"])
                self.stdout.write(f"Log in as '{username}' with DJANGO_SUPERUSER_PASSWORD.")
            else:
                self.stdout.write(
                    f"Log in as '{username}' with the password printed when it was created "
                    f"(forgotten? run: make manage ARGS='changepassword {username}')."
                )
            return
        generated = password is None
        if generated:
            password = secrets.token_urlsafe(12)
        if dry_run:
            self.stdout.write(f"Would create the administrator '{username}'.")
            return
        with transaction.atomic():
            User.objects.create_superuser(username=username, email="", password=password)
        if generated:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created the administrator '{username}' with password: {password}\n"
                    "  This password is shown only once; write it down."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created the administrator '{username}' (password from "
                    "DJANGO_SUPERUSER_PASSWORD)."
                )
            )
