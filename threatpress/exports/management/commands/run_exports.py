"""Build PDFs and audio in the background, forever (make run starts it beside gunicorn)."""

import signal
import threading

from django.core.management.base import BaseCommand

from threatpress.exports import builder


class Command(BaseCommand):
    help = "Build every export readers or a scheduled release will need, then keep watching."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=builder.DEFAULT_INTERVAL)

    def handle(self, *args, interval, verbosity=1, **options):
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        from threatpress.exports.pdf import warm_up

        warm_up()  # fonts and the typesetter loaded once, before the first reader waits
        if verbosity >= 1:
            self.stdout.write(f"Exports: checking every {interval:g} s.")
        builder.run(interval=interval, stop=stop)
