"""The content languages configured in settings exist as Wagtail locales."""

from django.conf import settings
from wagtail.models import Locale


def ensure_locales() -> Locale:
    """Create a Locale for every configured content language; return the default one."""
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)
