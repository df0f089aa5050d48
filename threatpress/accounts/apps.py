from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """How editors sign in: two-factor authentication on top of Wagtail's login."""

    name = "threatpress.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
