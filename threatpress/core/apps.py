from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "threatpress.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from threatpress.core.admin_widgets import adapt_admin_widgets

        adapt_admin_widgets()
