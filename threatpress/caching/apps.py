from django.apps import AppConfig


class CachingConfig(AppConfig):
    name = "threatpress.caching"
    label = "caching"
    verbose_name = "Caching"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
