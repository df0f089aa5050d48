"""Everything `make run` needs before serving, in one process (Django starts once)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from wagtail.models import Page

from threatpress.core.locales import ensure_locales
from threatpress.publishing.roles import ensure_editorial_roles
from threatpress.search.upgrade import fill_result_texts, index_lacks_stems


class Command(BaseCommand):
    help = (
        "Apply migrations, create the configured locales and the editorial roles and workflow, "
        "load the demo content if missing, catch up a search index or result texts made by an "
        "earlier version and make sure an admin exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo content.")

    def handle(self, *args, no_demo=False, verbosity=1, **options):
        call_command("migrate", interactive=False, verbosity=0, stdout=self.stdout)
        ensure_locales()
        ensure_editorial_roles(Page.get_first_root_node())
        if not no_demo:
            call_command("load_demo", verbosity=verbosity, stdout=self.stdout)
        if index_lacks_stems():  # an index from before the search stemmed (docs/search.md)
            self.stdout.write("Rebuilding the search index with the pages' stems...")
            call_command("update_index", verbosity=0, stdout=self.stdout)
        if filled := fill_result_texts():  # pages saved before results' texts were stored
            self.stdout.write(f"Stored the search result text of {filled} pages.")
        call_command("ensure_admin", verbosity=verbosity, stdout=self.stdout)
