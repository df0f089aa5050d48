from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadershipConfig(AppConfig):
    """Anonymous, aggregate readership counts (named so as not to shadow the stdlib's
    `statistics`)."""

    name = "threatpress.readership"
    label = "readership"
    verbose_name = _("Readership")
    default_auto_field = "django.db.models.BigAutoField"
