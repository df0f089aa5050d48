from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "threatpress.api"
    label = "threatpress_api"
    verbose_name = _("Public API")
    default_auto_field = "django.db.models.BigAutoField"
