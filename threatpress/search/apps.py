from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "threatpress.search"
    label = "threatpress_search"  # "search" reads too much like Wagtail's own search app
    verbose_name = _("Search")

    def ready(self):
        from . import signals

        signals.connect()
