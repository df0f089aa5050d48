from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "threatpress.regions"
    label = "regions"
    verbose_name = _("Countries and regions")
    default_auto_field = "django.db.models.BigAutoField"
