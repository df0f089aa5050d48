"""The site's languages by locale id, read once per request.

Routing, the header, the language switcher and the downloads each need a locale's language code;
Wagtail's own `page.locale` and `Locale.get_active()` would query for it every time. The table is
read once per request, or once until the next purge between requests (a locale added, edited or
removed in the admin purges everything: threatpress/caching/signals.py)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale

REQUEST_ATTRIBUTE = "_threatpress_locale_codes"


def locale_codes(request: HttpRequest | None) -> dict[int, str]:
    """Every locale's language code by id (one query per request at most). Read-only."""
    codes = getattr(request, REQUEST_ATTRIBUTE, None) if request is not None else None
    if codes is None:
        from threatpress.caching import fragments

        codes = fragments.remember(
            "locale-codes", None, lambda: dict(Locale.objects.values_list("pk", "language_code"))
        )
        if request is not None:
            setattr(request, REQUEST_ATTRIBUTE, codes)
    return codes


def active_locale_id(request: HttpRequest | None) -> int | None:
    """The id `Locale.get_active()` would return: the active language's locale, else the
    default language's; None if neither exists."""
    ids = {code: pk for pk, code in locale_codes(request).items()}
    for language in (translation.get_language(), settings.LANGUAGE_CODE):
        try:
            code = get_supported_content_language_variant(language)
        except LookupError:
            continue
        if code in ids:
            return ids[code]
    return None
