"""The site's languages by locale id, read once per request.

Routing, the header, the language switcher and the downloads each need a locale's language code;
Wagtail's own `page.locale` and `Locale.get_active()` would query for it every time. The table is
read once per request, or once until the next purge between requests (a locale added, edited or
removed in the admin purges everything: threatpress/caching/signals.py)."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_delete, post_save
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


# locale id → (generation, language code): language_of's memo.
_languages: dict[int, tuple[object, str]] = {}


def language_of(locale_id: int) -> str | None:
    """A locale's language code where no request is at hand (an edition's route words, asked
    for by templates and the API). Kept in this process until the next structural purge (a
    locale changed in another process purges everything), and forgotten at once when a locale
    is saved or deleted here: unlike a fragment it is kept inside a transaction too, where a
    locale is a row no test or request changes without saving it."""
    from threatpress.caching import store

    try:
        generation = store.structure_generation()
    except Exception:  # the purge state unreadable (Redis down): read, keep nothing
        generation = None
    kept = _languages.get(locale_id)
    if kept is not None and generation is not None and kept[0] == generation:
        return kept[1]
    code = Locale.objects.filter(pk=locale_id).values_list("language_code", flat=True).first()
    if code is not None and generation is not None:
        _languages[locale_id] = (generation, code)
    return code


def _forget_languages(**kwargs) -> None:
    _languages.clear()


post_save.connect(_forget_languages, sender=Locale, dispatch_uid="tp-locale-language-saved")
post_delete.connect(_forget_languages, sender=Locale, dispatch_uid="tp-locale-language-deleted")
