from django.apps import AppConfig


class ExportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "threatpress.exports"
    verbose_name = "Exports (PDF and audio)"
