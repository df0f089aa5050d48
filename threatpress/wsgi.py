import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "threatpress.settings.production")
django_application = get_wsgi_application()

# Cache hits for anonymous readers are answered here, before Django's middleware (docs/caching.md).
from threatpress.caching.front import CachedApplication  # noqa: E402

application = CachedApplication(django_application)
