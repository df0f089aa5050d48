"""Production settings for the outage tests' gunicorn, made quick to set up.

Everything a reader's request goes through is production's. Two set-up steps that take a minute
of CPU on these machines are skipped: `collectstatic` (static files are served from the apps'
folders) and running every migration (the tables are made from the models at once, as
pytest-django's --no-migrations does; `makemigrations --check` keeps the two in step).
"""

from threatpress.settings.production import *  # noqa: F403
from threatpress.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True


class _NoMigrations(dict):
    def __contains__(self, app_label: object) -> bool:
        return True

    def __getitem__(self, app_label: str) -> None:
        return None


MIGRATION_MODULES = _NoMigrations()
