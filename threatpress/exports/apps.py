from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "threatpress.exports"
    verbose_name = _("Exports (PDF and audio)")

    def ready(self) -> None:
        from . import signals

        signals.connect()
