from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ManuscriptsConfig(AppConfig):
    """An analysts' Word manuscript read into an edition, and an edition written back out."""

    name = "threatpress.manuscripts"
    label = "manuscripts"
    verbose_name = _("Manuscripts")
    default_auto_field = "django.db.models.BigAutoField"
