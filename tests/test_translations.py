"""English is complete: every Danish string has a translation, and the compiled catalogue
the portal loads is up to date with the source."""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"


def test_every_string_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(LOCALE / "django.po"))
    missing = [entry.msgid for entry in po if entry.msgid and not entry.translated()]
    fuzzy = [entry.msgid for entry in po if "fuzzy" in entry.flags]
    assert missing == [] and fuzzy == []


def test_the_compiled_catalogue_matches_the_source():
    po = {e.msgid: e.msgstr for e in polib.pofile(str(LOCALE / "django.po")) if not e.msgid_plural}
    mo = {e.msgid: e.msgstr for e in polib.mofile(str(LOCALE / "django.mo")) if not e.msgid_plural}
    assert mo == po
