from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadinessConfig(AppConfig):
    name = "threatpress.readiness"
    label = "readiness"
    verbose_name = _("Readiness")
    default_auto_field = "django.db.models.BigAutoField"
