"""The Lithuanian catalogue ships complete and current (docs/i18n.md).

- every entry of threatpress/locale/lt/LC_MESSAGES/django.po is translated, none is fuzzy, and
  the compiled catalogue the site runs with says the same;
- `makemessages` run on a copy of the source finds no string the catalogue lacks (and the
  catalogue keeps none the source no longer has): a new `{% translate %}` or `_()` without its
  Lithuanian fails here, not in front of a Lithuanian reader.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
LOCALE_DIR = ROOT / "threatpress" / "locale"
# What makemessages leaves out (the Makefile's I18N_IGNORE), and what need not be copied.
IGNORED = {".venv", ".uv", "node_modules", "static_collected", "var", "artifacts", ".git"}
SKIPPED = IGNORED | {"__pycache__", ".pytest_cache", ".ruff_cache", "locale", "img"}
DJANGO_LT = Path(translation.__file__).parent.parent.parent / "conf/locale/lt/LC_MESSAGES"


def shipped_catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def describe(keys) -> str:
    return "\n".join(
        f"  {'[' + ctx + '] ' if ctx else ''}{msgid!r}{' / ' + repr(plural) if plural else ''}"
        for ctx, msgid, plural in sorted(keys)
    )


def test_every_shipped_language_but_english_has_a_catalogue():
    languages = {path.parent.parent.name for path in shipped_catalogues()}
    assert languages == {code for code, _name in settings.LANGUAGES if code != "en"}


@pytest.mark.parametrize("path", shipped_catalogues(), ids=lambda p: p.parent.parent.name)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(path):
    catalogue = polib.pofile(str(path))
    entries = [e for e in catalogue if not e.obsolete]
    assert entries
    untranslated = [key(e) for e in entries if not e.translated()]
    fuzzy = [key(e) for e in entries if "fuzzy" in e.flags]
    assert not untranslated, f"Untranslated in {path.relative_to(ROOT)}:\n{describe(untranslated)}"
    assert not fuzzy, f"Fuzzy (check, then remove the flag) in {path}:\n{describe(fuzzy)}"
    assert not catalogue.metadata_is_fuzzy, "the header is marked fuzzy"


def test_lithuanian_plural_forms_are_djangos():
    """Django merges catalogues per plural rule: ours must use the same one as Django's own lt
    catalogue (four forms; the third is for fractions)."""
    ours = polib.pofile(str(LOCALE_DIR / "lt/LC_MESSAGES/django.po")).metadata["Plural-Forms"]
    django = polib.pofile(str(DJANGO_LT / "django.po")).metadata["Plural-Forms"]
    assert ours == django


# Our catalogue (LOCALE_PATHS) comes before Django's and Wagtail's own for every msgid it has, in
# their screens too. These replace their wording on purpose (the same meaning, better or more
# consistent Lithuanian); any other clash needs a context (pgettext) in our code.
REPLACED_ON_PURPOSE = {
    "Created",  # Sukurta
    "description",  # aprašymas (Wagtail: apibūdinimas)
    "File",  # Failas (Wagtail: Byla, an old word for it)
    "For search engines",  # Paieškos sistemoms (Wagtail: Paieškos varikliams)
    "Home",  # Pradžia (Wagtail's admin: Namai, "a house")
    "Image",  # Paveikslėlis
    "name",  # pavadinimas, of a group or a region (Django's auth: vardas, a person's)
    "Previous",  # Ankstesnis (Wagtail: Buvęs, "former")
    "slug",  # adreso trumpinys, as Wagtail's own but lower case like its other field names
}


def test_our_catalogue_changes_no_django_or_wagtail_wording_by_accident():
    ours = polib.pofile(str(LOCALE_DIR / "lt/LC_MESSAGES/django.po"))
    theirs: dict[str, set[str]] = {}
    for app in [Path(translation.__file__).parent.parent.parent / "conf"] + [
        Path(config.path) for config in apps.get_app_configs()
    ]:
        path = app / "locale/lt/LC_MESSAGES/django.po"
        if not path.is_file() or path.is_relative_to(ROOT / "threatpress"):
            continue
        for entry in polib.pofile(str(path)).translated_entries():
            if not entry.msgctxt and not entry.msgid_plural:
                theirs.setdefault(entry.msgid, set()).add(entry.msgstr)
    clashes = [
        f"  {e.msgid!r}: ours {e.msgstr!r}, theirs {sorted(theirs[e.msgid])}"
        for e in ours
        if not e.msgctxt
        and e.msgid in theirs
        and theirs[e.msgid] != {e.msgstr}
        and e.msgid not in REPLACED_ON_PURPOSE
    ]
    assert not clashes, "Give these a context (pgettext), or list them:\n" + "\n".join(clashes)


@pytest.mark.parametrize("path", shipped_catalogues(), ids=lambda p: p.parent.parent.name)
def test_the_site_runs_with_the_catalogue_as_written(path):
    """The compiled .mo matches the .po (make install compiles it when the .po changes)."""
    language = path.parent.parent.name
    catalogue = polib.pofile(str(path))
    stale = []
    with translation.override(language):
        for entry in catalogue.translated_entries():
            if entry.msgid_plural:
                got = (
                    translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
                    if entry.msgctxt
                    else translation.ngettext(entry.msgid, entry.msgid_plural, 1)
                )
                wanted = entry.msgstr_plural[0]
            elif entry.msgctxt:
                got = translation.pgettext(entry.msgctxt, entry.msgid)
                wanted = entry.msgstr
            else:
                got = translation.gettext(entry.msgid)
                wanted = entry.msgstr
            if got != wanted:
                stale.append(key(entry))
    assert not stale, f"Not as in the .po (run make install):\n{describe(stale)}"


def test_catalogue_holds_every_string_of_the_source_and_no_other(tmp_path, settings, monkeypatch):
    copy = tmp_path / "source"

    def skip(directory, names):
        return [name for name in names if name in SKIPPED or name.endswith((".mo", ".pyc"))]

    shutil.copytree(ROOT, copy, ignore=skip, symlinks=True)
    settings.LOCALE_PATHS = [copy / "threatpress" / "locale"]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=["lt"],
        ignore_patterns=sorted(IGNORED),
        add_location="file",
        verbosity=0,
    )
    found = {
        key(e) for e in polib.pofile(str(copy / "threatpress/locale/lt/LC_MESSAGES/django.po"))
    }
    shipped = {
        key(e) for e in polib.pofile(str(LOCALE_DIR / "lt/LC_MESSAGES/django.po")) if not e.obsolete
    }
    assert len(found) > 100  # makemessages did read the copy
    missing, stale = found - shipped, shipped - found
    assert not missing and not stale, (
        "The Lithuanian catalogue is out of date: run `make messages` and translate.\n"
        + (f"In the source, not in the catalogue:\n{describe(missing)}\n" if missing else "")
        + (f"In the catalogue, no longer in the source:\n{describe(stale)}" if stale else "")
    )
