from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitationConfig(AppConfig):
    """Citing an edition or an assessment: Highwire tags for reference managers and search
    engines, and the "Cite this" control with APA, Chicago and BibTeX."""

    name = "threatpress.citation"
    label = "citation"
    verbose_name = _("Citation")
