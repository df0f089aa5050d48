from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class CoreConfig(AppConfig):
    name = "threatpress.core"
    label = "core"
    verbose_name = pgettext_lazy("app", "Site")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from threatpress.core import converters
        from threatpress.core.admin_widgets import adapt_admin_widgets

        adapt_admin_widgets()
        converters.register()  # before any app's admin addresses are read
