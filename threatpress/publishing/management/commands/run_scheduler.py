"""Publish scheduled pages and unpublish expired ones, every second, without cron."""

import signal
import threading

from django.core.management.base import BaseCommand

from threatpress.publishing import scheduler


class Command(BaseCommand):
    help = (
        "Run scheduled publishing in a loop (make run starts it beside gunicorn). "
        "--once runs a single tick, for cron-style deployments."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=scheduler.DEFAULT_INTERVAL)
        parser.add_argument("--once", action="store_true", help="Run one tick and exit.")

    def handle(self, *args, interval, once, verbosity=1, **options):
        if once:
            published = scheduler.tick()
            if verbosity >= 1:
                self.stdout.write(f"{published} scheduled revision(s) went live.")
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        if verbosity >= 1:
            self.stdout.write(f"Scheduled publishing: checking every {interval:g} s.")
        scheduler.run(interval=interval, stop=stop)
