from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "threatpress.consent"
    label = "consent"
    verbose_name = _("Consent")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.signals import setting_changed

        from . import registry

        # Fail at start-up, not at a reader's first request, when the settings declare a cookie
        # or script the registry cannot take.
        registry.get_registry()
        setting_changed.connect(registry.forget_registry)
