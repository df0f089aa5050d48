from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscoveryConfig(AppConfig):
    """How readers and machines find and follow the site: feeds, sitemap, robots.txt, and the
    metadata in each page's head (canonical address, Open Graph, JSON-LD)."""

    name = "threatpress.discovery"
    label = "discovery"
    verbose_name = _("Discovery")
