"""Who publishes, in the reader's language: the organisation's name, tagline and footer note.

Settings › Site identity holds them once per site; each home page may override them for its own
language (a Lithuanian agency is "Valstybės saugumo departamentas" at /lt/ and "State Security
Department" at /en/). Pages, PDFs and recordings all ask here, so they never disagree.
"""

from __future__ import annotations

from django.http import HttpRequest
from wagtail.models import Site

from threatpress.caching import fragments

IDENTITY_TEXT = ("organisation", "tagline", "footer_note")


def _texts(site: Site | None, request: HttpRequest | None, locale_id: int | None) -> dict:
    from threatpress.core.models import SiteIdentity
    from threatpress.reports.models import HomePage

    texts = dict.fromkeys(IDENTITY_TEXT, "")
    if site is not None:
        identity = SiteIdentity.for_request(request) if request else SiteIdentity.for_site(site)
        texts = {name: getattr(identity, name) for name in IDENTITY_TEXT}
        texts["organisation"] = texts["organisation"] or site.site_name or ""
        if locale_id is not None:
            home = (
                HomePage.objects.filter(
                    translation_key=site.root_page.translation_key, locale_id=locale_id
                )
                .values(*IDENTITY_TEXT)
                .first()
            )
            for name, value in (home or {}).items():
                texts[name] = value or texts[name]
    return texts


def site_identity(
    *, site: Site | None = None, request: HttpRequest | None = None, locale_id: int | None = None
) -> dict[str, str]:
    """The identity texts for `locale_id` (default: the site's own). With a request, computed
    once per request and language."""
    cache = getattr(request, "_threatpress_identity", None) if request is not None else None
    if cache is not None and locale_id in cache:
        return cache[locale_id]
    if request is not None:
        site = Site.find_for_request(request)
    if request is not None and not getattr(request, "is_preview", False):
        # Saving the identity or publishing a home page purges everything, and with it this
        # (threatpress/caching/fragments.py).
        texts = dict(
            fragments.remember(
                "identity",
                (site.pk if site else None, locale_id),
                lambda: _texts(site, request, locale_id),
            )
        )
    else:
        texts = _texts(site, request, locale_id)
    if request is not None:
        if cache is None:
            cache = request._threatpress_identity = {}
        cache[locale_id] = texts
    return texts
