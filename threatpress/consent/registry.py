"""Every cookie the site may set and every script it may load, declared in one place.

The consent dialog, the settings page, the cookie policy table, the Content-Security-Policy and
the tests are all built from `get_registry()`. Built-in entries describe what Django, Wagtail and
this project really set; an operator adds more through settings (see docs/consent.md):

- `THREATPRESS_STATISTICS_SCRIPT_URL`: a statistics script, loaded only after Statistic consent;
- `THREATPRESS_STATISTICS_COOKIES`: the cookies that script sets, as `name:lifetime` pairs;
- `THREATPRESS_CONSENT_EXTRA`: any other cookie or script, as a list of dicts;
- `THREATPRESS_CONSENT_REVISION`: bump to ask every visitor again without changing an entry.

The policy version is a hash of what a visitor consents to (names, categories, parties,
lifetimes, script addresses and the revision), not of the wording: a new cookie asks again, a
rephrased purpose does not.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

CONSENT_COOKIE = "tp_consent"
FIRST_PARTY, THIRD_PARTY = "first", "third"
PARTIES = (FIRST_PARTY, THIRD_PARTY)

Text = str | Promise


@dataclass(frozen=True)
class Category:
    key: str
    label: Text
    description: Text
    optional: bool


MANDATORY = Category(
    "mandatory",
    _("Strictly necessary"),
    _(
        "Needed for the site to work safely: they remember your cookie choice and protect the "
        "editors' sign-in. They are always on."
    ),
    optional=False,
)
FUNCTIONAL = Category(
    "functional",
    _("Functional"),
    _("Remember settings you choose, such as a display preference, between visits."),
    optional=True,
)
STATISTIC = Category(
    "statistic",
    _("Statistics"),
    _(
        "Count visits and the pages read, so that we learn which assessments people use. We do "
        "not use them to identify you or show you advertising."
    ),
    optional=True,
)
CATEGORIES = (MANDATORY, FUNCTIONAL, STATISTIC)
CATEGORY_BY_KEY = {category.key: category for category in CATEGORIES}
OPTIONAL_KEYS = tuple(category.key for category in CATEGORIES if category.optional)


@dataclass(frozen=True)
class Cookie:
    name: str
    category: str
    purpose: Text
    lifetime: datetime.timedelta | None  # None: until the browser is closed
    party: str = FIRST_PARTY
    path: str = "/"
    lifetime_text: Text = ""  # when one duration does not say it all

    kind = "cookie"

    @property
    def lifetime_label(self) -> str:
        return str(self.lifetime_text) if self.lifetime_text else describe_lifetime(self.lifetime)

    def fingerprint(self) -> list:
        seconds = None if self.lifetime is None else int(self.lifetime.total_seconds())
        return ["cookie", self.name, self.category, self.party, seconds]


@dataclass(frozen=True)
class Script:
    name: str  # not translated: it is part of the policy version
    category: str
    purpose: Text
    party: str = FIRST_PARTY
    # The address the consent script requests once the category is allowed. Empty for the
    # site's own scripts, which every page includes itself (they are listed, not loaded, here).
    src: str = ""

    kind = "script"

    @property
    def lifetime_label(self) -> str:
        return ""

    @property
    def origin(self) -> str | None:
        """scheme://host[:port] of an absolute address; None for one on this site."""
        parts = urlsplit(self.src)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None

    def fingerprint(self) -> list:
        return ["script", self.src or self.name, self.category, self.party]


Entry = Cookie | Script


@dataclass(frozen=True)
class Registry:
    cookies: tuple[Cookie, ...]
    scripts: tuple[Script, ...]
    revision: str = ""

    def __post_init__(self):
        for entry in (*self.cookies, *self.scripts):
            _check_entry(entry)
        names = [cookie.name for cookie in self.cookies]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ImproperlyConfigured(f"Cookies registered twice: {', '.join(duplicates)}")

    @cached_property
    def version(self) -> str:
        entries = sorted(entry.fingerprint() for entry in (*self.cookies, *self.scripts))
        payload = json.dumps([entries, self.revision], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:10]

    def entries(self, category: str) -> list[Entry]:
        return [e for e in (*self.cookies, *self.scripts) if e.category == category]

    def in_use(self, category: str) -> bool:
        return bool(self.entries(category))

    @property
    def optional_in_use(self) -> tuple[str, ...]:
        """The optional categories a visitor can actually allow: those with something in them."""
        return tuple(key for key in OPTIONAL_KEYS if self.in_use(key))

    @property
    def loadable_scripts(self) -> list[Script]:
        """Scripts the consent script loads after consent, each with its category."""
        return [script for script in self.scripts if script.src]

    def csp_sources(self) -> dict[str, tuple[str, ...]]:
        """Other origins the registered scripts come from; the scripts may also send their
        counts back there (a beacon, an image or a fetch)."""
        origins = tuple(dict.fromkeys(s.origin for s in self.loadable_scripts if s.origin))
        if not origins:
            return {}
        return {"script-src": origins, "connect-src": origins, "img-src": origins}

    def cookies_outside(self, granted: Iterable[str]) -> list[Cookie]:
        """Our own (first-party) optional cookies that the given categories do not cover."""
        allowed = set(granted)
        return [
            cookie
            for cookie in self.cookies
            if CATEGORY_BY_KEY[cookie.category].optional
            and cookie.category not in allowed
            and cookie.party == FIRST_PARTY
        ]


def _check_entry(entry: Entry) -> None:
    if entry.category not in CATEGORY_BY_KEY:
        raise ImproperlyConfigured(
            f"{entry.kind} {entry.name!r}: category must be one of "
            f"{', '.join(CATEGORY_BY_KEY)}, not {entry.category!r}"
        )
    if entry.party not in PARTIES:
        raise ImproperlyConfigured(f"{entry.kind} {entry.name!r}: party must be first or third")
    if isinstance(entry, Cookie) and not re.fullmatch(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", entry.name):
        raise ImproperlyConfigured(f"{entry.name!r} is not a valid cookie name")
    if isinstance(entry, Script) and entry.src:
        if not CATEGORY_BY_KEY[entry.category].optional:
            raise ImproperlyConfigured(
                f"script {entry.name!r} is strictly necessary, so it needs no consent: "
                "include it in the templates instead of registering an address"
            )
        parts = urlsplit(entry.src)
        relative = not parts.scheme and not parts.netloc and entry.src.startswith("/")
        absolute = parts.scheme in {"http", "https"} and bool(parts.netloc)
        if not (relative or absolute) or entry.src.startswith("//"):
            raise ImproperlyConfigured(
                f"script {entry.name!r}: the address must start with https://, http:// or /, "
                f"not {entry.src!r}"
            )


LIFETIME = re.compile(r"^(?P<number>\d+)\s*(?P<unit>[mhd])$")
UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_lifetime(text: str) -> datetime.timedelta | None:
    """`30m`, `12h`, `395d` or `session` (until the browser is closed)."""
    text = text.strip().lower()
    if text == "session":
        return None
    match = LIFETIME.match(text)
    if not match or int(match["number"]) < 1:
        raise ImproperlyConfigured(
            f"A cookie lifetime is a whole number with m, h or d (30m, 12h, 395d) or 'session', "
            f"not {text!r}"
        )
    return datetime.timedelta(**{UNITS[match["unit"]]: int(match["number"])})


def describe_lifetime(lifetime: datetime.timedelta | None) -> str:
    """A reader's words for a cookie's lifetime: '12 months', '2 weeks', '30 minutes'."""
    if lifetime is None:
        return str(_("Until you close the browser"))
    seconds = int(lifetime.total_seconds())
    days, rest = divmod(seconds, 86400)
    if days and not rest:
        months = round(days / 30.44)
        if months >= 1 and abs(days - months * 30.44) <= 3:
            if months % 12 == 0 and months > 12:
                years = months // 12
                return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
            return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
        if days % 7 == 0:
            weeks = days // 7
            return ngettext("%(count)d week", "%(count)d weeks", weeks) % {"count": weeks}
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = max(1, round(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def acceptance_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.THREATPRESS_CONSENT_ACCEPTANCE_DAYS)


def refusal_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.THREATPRESS_CONSENT_REFUSAL_DAYS)


def _consent_lifetime() -> str:
    return _(
        "%(refused)s if you refuse everything optional, %(allowed)s if you allow something"
    ) % {
        "refused": describe_lifetime(refusal_lifetime()),
        "allowed": describe_lifetime(acceptance_lifetime()),
    }


def builtin_cookies() -> list[Cookie]:
    """What Django, Wagtail and this project set. django-axes sets none; the site keeps no
    language cookie (the language is in every address)."""
    session_age = (
        None
        if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
        else datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )
    return [
        Cookie(
            CONSENT_COOKIE,
            MANDATORY.key,
            _(
                "Remembers your answer to the cookie dialog and the version of this policy you "
                "answered, so that we ask again when the policy changes. It holds a random "
                "identifier that links your later changes to the same entry in our consent log, "
                "and nothing about you."
            ),
            acceptance_lifetime(),
            lifetime_text=lazy(_consent_lifetime, str)(),
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            MANDATORY.key,
            _(
                "Protects forms against cross-site request forgery (another site submitting a "
                "form in your name). Set only on pages with such a form: today the editors' "
                "sign-in and the editing interface."
            ),
            datetime.timedelta(seconds=settings.CSRF_COOKIE_AGE),
        ),
        Cookie(
            settings.SESSION_COOKIE_NAME,
            MANDATORY.key,
            _("Keeps an editor signed in to the editing interface. Readers never receive it."),
            session_age,
        ),
        Cookie(
            "messages",
            MANDATORY.key,
            _(
                "Carries a one-time confirmation (such as “Page published”) from one page of "
                "the editing interface to the next. Editors only."
            ),
            None,
        ),
        Cookie(
            "wagtail_sidebar_collapsed",
            MANDATORY.key,
            _(
                "Remembers that an editor collapsed the menu of the editing interface; set only "
                "when they do. Editors only."
            ),
            None,
        ),
    ]


def builtin_scripts() -> list[Script]:
    return [
        Script(
            "site.js",
            MANDATORY.key,
            _("Shows and works the Print buttons. Sets no cookie."),
        ),
        Script(
            "consent.js",
            MANDATORY.key,
            _(
                "Opens and closes the cookie dialog and, only after you allow a category, loads "
                "the scripts registered in it. Reads the consent cookie; sets none."
            ),
        ),
    ]


def statistics_entries(url: str, cookies: Iterable[str]) -> tuple[list[Cookie], list[Script]]:
    """The operator's statistics script (THREATPRESS_STATISTICS_SCRIPT_URL) and its cookies."""
    if not url:
        if list(cookies):
            raise ImproperlyConfigured(
                "THREATPRESS_STATISTICS_COOKIES needs THREATPRESS_STATISTICS_SCRIPT_URL"
            )
        return [], []
    script = Script(
        name=urlsplit(url).path.rsplit("/", 1)[-1] or "statistics",
        category=STATISTIC.key,
        purpose=_("Counts visits and pages read, for the site's own statistics."),
        party=FIRST_PARTY if url.startswith("/") and not url.startswith("//") else THIRD_PARTY,
        src=url,
    )
    found = []
    for item in cookies:
        name, sep, lifetime = item.partition(":")
        if not sep:
            raise ImproperlyConfigured(
                f"THREATPRESS_STATISTICS_COOKIES takes name:lifetime pairs, not {item!r}"
            )
        found.append(
            Cookie(
                name.strip(),
                STATISTIC.key,
                _("Set by the statistics script to tell a returning visit from a new one."),
                parse_lifetime(lifetime),
            )
        )
    return found, [script]


EXTRA_KEYS = {"cookie", "script", "name", "category", "purpose", "lifetime", "party", "src"}


def extra_entries(items: Iterable[Mapping]) -> tuple[list[Cookie], list[Script]]:
    """THREATPRESS_CONSENT_EXTRA: `{"cookie": name, "category", "purpose", "lifetime", "party"}`
    or `{"script": name, "src", "category", "purpose", "party"}`."""
    cookies, scripts = [], []
    for item in items:
        unknown = set(item) - EXTRA_KEYS
        if unknown or ("cookie" in item) == ("script" in item):
            raise ImproperlyConfigured(
                f"THREATPRESS_CONSENT_EXTRA: each entry names a cookie or a script, with the keys "
                f"{', '.join(sorted(EXTRA_KEYS))}; got {dict(item)!r}"
            )
        try:
            if "cookie" in item:
                cookies.append(
                    Cookie(
                        item["cookie"],
                        item["category"],
                        item["purpose"],
                        parse_lifetime(item["lifetime"]),
                        party=item.get("party", FIRST_PARTY),
                    )
                )
            else:
                scripts.append(
                    Script(
                        item["script"],
                        item["category"],
                        item["purpose"],
                        party=item.get(
                            "party", THIRD_PARTY if "://" in item["src"] else FIRST_PARTY
                        ),
                        src=item["src"],
                    )
                )
        except KeyError as missing:
            raise ImproperlyConfigured(
                f"THREATPRESS_CONSENT_EXTRA: {dict(item)!r} lacks {missing}"
            ) from None
    return cookies, scripts


def build_registry() -> Registry:
    stats_cookies, stats_scripts = statistics_entries(
        settings.THREATPRESS_STATISTICS_SCRIPT_URL, settings.THREATPRESS_STATISTICS_COOKIES
    )
    extra_cookies, extra_scripts = extra_entries(settings.THREATPRESS_CONSENT_EXTRA)
    return Registry(
        cookies=(*builtin_cookies(), *stats_cookies, *extra_cookies),
        scripts=(*builtin_scripts(), *stats_scripts, *extra_scripts),
        revision=str(settings.THREATPRESS_CONSENT_REVISION),
    )


@cache
def get_registry() -> Registry:
    return build_registry()


def forget_registry(*, setting: str, **kwargs) -> None:
    """Tests change settings with override_settings; rebuild the registry after any change."""
    get_registry.cache_clear()
