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


DANISH = Path(__file__).resolve().parent.parent / "locale" / "da" / "LC_MESSAGES"


def test_the_danish_catalogue_for_libraries_is_complete_and_compiled():
    po = polib.pofile(str(DANISH / "django.po"))
    assert [e.msgid for e in po if not e.translated()] == []
    mo = {e.msgid: e.msgstr for e in polib.mofile(str(DANISH / "django.mo")) if not e.msgid_plural}
    assert mo == {e.msgid: e.msgstr for e in po if not e.msgid_plural}


def test_admin_pages_of_libraries_speak_danish(client, demo):
    """The history pages (django-simple-history), login attempts (django-axes) and two-factor
    devices (django-otp) ship no Danish: the portal's own catalogue gives it to them."""
    import re

    from grants.models import Application
    from portal.models import User

    from .page_crawl import visible_text

    client.force_login(User.objects.get(username="admin"))
    application = Application.objects.filter(status="active").first()
    pages = {
        "history": f"/admin/grants/application/{application.pk}/history/",
    }
    # django-axes' lockout list is not in the admin: the person's row shows a lockout.
    assert client.get("/admin/axes/accessattempt/").status_code == 404
    # The two-factor devices are not in the admin at all: their keys are secrets.
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    english = re.compile(
        r"\b(?:Change history|View history|Date/time|Changed by|Change reason|Object|"
        r"access attempts?|Access Attempt|Failed Logins|Attempt Time|IP Address|Expires At|"
        r"Locked Out|Home|History)\b"
    )
    for kind, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, kind
        text = visible_text(response.content.decode())
        assert english.findall(text) == [], kind


GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}
PROJECT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = [
    "portal",
    "grants",
    "policies",
    "indicators",
    "identity",
    "worker",
    "web",
    "transfer",
    "demo",
]


def _gettext_calls(tree):
    import ast

    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in GETTEXT_NAMES
            and node.args
        ):
            yield node


def test_every_string_the_code_translates_is_in_the_catalogue():
    """A string marked for translation that xgettext never saw stays Danish in English: one
    inside an f-string ("Se ansøgningen i portalen" ended an English mail, fresh eyes round
    12), or one added without running `make messages`."""
    import ast

    po = polib.pofile(str(LOCALE / "django.po"))
    known = {entry.msgid for entry in po}
    unseen, in_fstrings = [], []
    for directory in SOURCE_DIRS:
        for path in sorted((PROJECT / directory).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for joined in (n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr)):
                in_fstrings += [
                    f"{path.relative_to(PROJECT)}:{call.lineno}" for call in _gettext_calls(joined)
                ]
            for call in _gettext_calls(tree):
                index = 1 if call.func.id == "pgettext" else 0
                if len(call.args) <= index:
                    continue
                first = call.args[index]
                if (
                    isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                    and first.value
                    and first.value not in known
                ):
                    unseen.append(f"{path.relative_to(PROJECT)}:{call.lineno} {first.value!r}")
    assert in_fstrings == []
    assert unseen == []
