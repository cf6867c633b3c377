"""Staff log in with a second factor; failed logins are throttled; sessions can be ended."""

import datetime
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db.models import F
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import twofactor
from portal.models import Municipality, Role, User

PASSWORD = "en-lang-og-sikker-adgangskode"


@pytest.fixture
def staff(db):
    municipality = Municipality.objects.create(name="Testrup Kommune", slug="testrup", code="998")
    return User.objects.create_user(
        username="sekretær", password=PASSWORD, role=Role.COMMITTEE_STAFF, municipality=municipality
    )


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


@override_settings(REQUIRE_STAFF_2FA=True)
def test_staff_without_a_device_must_set_one_up_first(client, staff):
    log_in(client, staff.username)
    response = client.get(reverse("start"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("two-factor-setup")
    assert "Slå totrinslogin til, før du fortsætter." in response.content.decode()
    assert client.get("/sekretariat/").status_code == 302
    # No link on the page leads straight back to it (fresh eyes round 24: the menu and
    # "Påmindelser og sprog i e-mails" did; round 25: the logo).
    import re

    page = response.content.decode()
    for href in set(re.findall(r'href="(/[^"#]*)"', page)):
        if href.startswith(("/static/", "/login/", "/logout/", reverse("two-factor-setup"))):
            continue
        followed = client.get(href)
        assert followed.get("Location") != reverse("two-factor-setup"), href
    # The sign-in log says the set-up is still due (fresh eyes rounds 13 and 14).
    from identity.admin import SignInEventAdmin
    from identity.models import SignInEvent

    event = SignInEvent.objects.latest("pk")
    assert SignInEventAdmin.second_factor(None, event) == "mangler opsætning"


@override_settings(REQUIRE_STAFF_2FA=True)
def test_setup_confirms_the_app_and_shows_backup_codes(client, staff):
    log_in(client, staff.username)
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    # The password again, also for the first app: a session alone never sets the second factor.
    no_password = client.post(reverse("two-factor-setup"), {"token": current_code(device)})
    assert no_password.status_code == 400
    assert "Dette felt er påkrævet" in no_password.content.decode()
    wrong = client.post(reverse("two-factor-setup"), {"token": "000000", "password": PASSWORD})
    assert wrong.status_code == 400 and "Koden passer ikke" in wrong.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # no waiting
    # A wrong password here is on record as what it is, not as a failed login (fresh eyes
    # round 34).
    from identity.models import SignInEvent, SignInOutcome

    client.post(reverse("two-factor-setup"), {"token": current_code(device), "password": "x"})
    refused = SignInEvent.objects.filter(user=staff, outcome=SignInOutcome.WRONG_PASSWORD).get()
    assert refused.detail.startswith("Skrevet forkert af en, der var logget ind")
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(
        reverse("two-factor-setup"), {"token": current_code(device), "password": PASSWORD}
    )
    codes = response.context["codes"]
    assert len(codes) == 10 and all(len(code) == 8 for code in codes)
    assert client.get("/sekretariat/").status_code == 200  # this session is now verified


@override_settings(REQUIRE_STAFF_2FA=True)
def test_login_needs_the_code_from_the_app(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    response = log_in(client, staff.username)
    assert response["Location"] == reverse("login-verify")
    assert client.get("/sekretariat/").status_code == 302  # not logged in yet
    bad = client.post(reverse("login-verify"), {"token": "123456"})
    assert bad.status_code == 400 and "Koden er forkert" in bad.content.decode()
    # The sign-in log says where it was refused (fresh eyes round 20: "Totrin: –").
    from identity.models import SignInEvent, SignInOutcome

    refused = SignInEvent.objects.filter(user=staff, outcome=SignInOutcome.WRONG_CODE).get()
    assert refused.second_factor() == "i portalen: afvist"
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the failed try above throttles the device
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post(reverse("login-verify"), {"token": current_code(device)})
    assert response.status_code == 302
    assert client.get("/sekretariat/").status_code == 200
    # One row for the sign-in, made "Logget ind" by the code; the refused code beside it.
    events = SignInEvent.objects.filter(user=staff).order_by("-at")
    assert [e.outcome for e in events] == [SignInOutcome.SIGNED_IN, SignInOutcome.WRONG_CODE]
    assert events[0].second_factor() == "i portalen"


@override_settings(REQUIRE_STAFF_2FA=True)
def test_a_sign_in_left_at_the_code_step_is_not_logged_as_signed_in(client, staff):
    """Fresh eyes round 28: a sign-in given up at the code page looked like one that was
    done; someone who knows the password but not the code must show in the owner's log."""
    from identity.models import SignInEvent, SignInOutcome

    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    assert log_in(client, staff.username)["Location"] == reverse("login-verify")
    event = SignInEvent.objects.get(user=staff)
    assert event.outcome == SignInOutcome.CODE_PENDING
    assert event.second_factor() == "i portalen: ikke givet"
    assert event.get_outcome_display() == "Ikke logget ind: koden til totrinslogin mangler"
    # A second tab sent to the login page does not end it (fresh eyes round 30) …
    client.get(reverse("own-sign-ins"), follow=True)
    client.get(reverse("login"))
    assert client.get(reverse("login-verify")).status_code == 200
    # … "Afbryd og log ind som en anden" does, and is logged as given up.
    page = client.get(reverse("login-verify")).content.decode()
    assert f'href="{reverse("login")}?afbryd=1"' in page
    cancelled = client.get(reverse("login") + "?afbryd=1").content.decode()
    assert "Login er afbrudt. Du kan logge ind igen, også som en anden." in cancelled
    assert client.get(reverse("login-verify"))["Location"] == reverse("login")
    event.refresh_from_db()
    assert event.outcome == SignInOutcome.CODE_CANCELLED
    assert event.second_factor() == "i portalen: afbrudt"
    assert device.pk


@override_settings(REQUIRE_STAFF_2FA=True)
def test_every_try_at_the_code_step_is_on_record_in_the_order_it_happened(client, staff):
    """Fresh eyes round 31: a code turned away by the wait left no trace; a refused code had
    no role; the half-done sign-in's line kept the password's time, so "koden mangler" and
    "afbrudt" were listed before the wrong codes typed after them (the logs read newest
    first); a backup code's sign-in looked like the app's."""
    from identity.models import SignInEvent, SignInOutcome
    from identity.selectors import own_sign_ins

    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    log_in(client, staff.username)
    client.post(reverse("login-verify"), {"token": "111111"})  # wrong: the wait begins
    client.post(reverse("login-verify"), {"token": current_code(device)})  # during the wait
    newest_first = list(SignInEvent.objects.filter(user=staff).order_by("-at", "-pk"))
    assert [e.outcome for e in newest_first] == [
        SignInOutcome.CODE_PENDING,
        SignInOutcome.CODE_WAIT,
        SignInOutcome.WRONG_CODE,
    ]
    assert {e.role for e in newest_first} == {staff.role}
    assert newest_first[1].second_factor() == "i portalen: afvist"
    assert own_sign_ins(staff)[0].outcome == SignInOutcome.CODE_PENDING
    client.get(reverse("login") + "?afbryd=1")
    assert [r.outcome for r in own_sign_ins(staff)][0] == SignInOutcome.CODE_CANCELLED

    unthrottle(staff)
    backup = twofactor._issue_backup_codes(staff)[0]
    log_in(client, staff.username)
    client.post(reverse("login-verify"), {"token": backup})
    latest = own_sign_ins(staff)[0]
    assert latest.outcome == SignInOutcome.SIGNED_IN
    assert latest.second_factor() == "i portalen: med en reservekode"
    client.logout()
    log_in(client, staff.username, "forkert")  # a wrong password names the role too
    assert SignInEvent.objects.filter(user=staff).latest("at", "pk").role == staff.role


@override_settings(REQUIRE_STAFF_2FA=True)
def test_a_backup_code_works_once(client, staff):
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    code = twofactor._issue_backup_codes(staff)[0]
    log_in(client, staff.username)
    client.post(reverse("login-verify"), {"token": code})
    assert client.get("/sekretariat/").status_code == 200
    client.post(reverse("logout"))
    log_in(client, staff.username)
    response = client.post(reverse("login-verify"), {"token": code})
    assert response.status_code == 400
    # Said as used, not as wrong (fresh eyes round 19); another code is still plain wrong.
    page = response.content.decode()
    assert "Den reservekode er allerede brugt" in page and "forkert" not in page
    other = client.post(reverse("login-verify"), {"token": "12345678"})
    assert "Den reservekode er allerede brugt" not in other.content.decode()


@override_settings(REQUIRE_STAFF_2FA=True)
def test_a_used_backup_code_is_said_as_used_as_the_proof_too_until_new_codes_are_made(
    client, staff
):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    first, second, *_rest = twofactor._issue_backup_codes(staff)
    log_in(client, staff.username)
    client.post(reverse("login-verify"), {"token": first})
    url = reverse("two-factor-setup")
    again = client.post(
        url, {"new_codes": "1", "codes-current_token": first, "codes-password": PASSWORD}
    )
    assert "Den reservekode er allerede brugt" in again.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    from django_otp.plugins.otp_static.models import StaticDevice

    StaticDevice.objects.filter(user=staff).update(throttling_failure_count=0)
    new = client.post(
        url, {"new_codes": "1", "codes-current_token": second, "codes-password": PASSWORD}
    )
    assert len(new.context["codes"]) == 10
    # New codes: the old used ones are forgotten (no record of them stays).
    from portal.models import UsedBackupCode

    assert not UsedBackupCode.objects.filter(user=staff).exists()


def test_a_reused_backup_code_at_sign_in_is_logged_as_used_not_wrong(client, staff):
    """Fresh eyes round 21: the person's sign-in log called a reused backup code a wrong
    code, and the mail about wrong codes could follow."""
    from identity.models import SignInEvent, SignInOutcome

    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    first, *_rest = twofactor._issue_backup_codes(staff)
    log_in(client, staff.username)
    client.post(reverse("login-verify"), {"token": first})
    client.logout()
    log_in(client, staff.username)

    refused = client.post(reverse("login-verify"), {"token": first})

    assert "Den reservekode er allerede brugt" in refused.content.decode()
    # Newest first: the sign-in still waiting for its code, then the refused code.
    pending, last = SignInEvent.objects.filter(user=staff).order_by("-at", "-pk")[:2]
    assert pending.outcome == SignInOutcome.CODE_PENDING
    assert last.outcome == SignInOutcome.USED_CODE
    assert not SignInEvent.objects.filter(user=staff, outcome=SignInOutcome.WRONG_CODE).exists()


def test_caseworkers_are_not_asked_for_a_second_factor(client, demo):
    with override_settings(REQUIRE_STAFF_2FA=True):
        response = log_in(client, "frb-sagsbehandler", "demo")
        assert response["Location"] == reverse("start")
        assert client.get(reverse("mine:dashboard")).status_code == 200


def test_failed_logins_lock_the_account_for_a_while(client, staff):
    warnings = []
    for _attempt in range(4):
        response = log_in(client, staff.username, "forkert")
        assert "Brugernavnet eller adgangskoden er forkert" in response.content.decode()
        # (once in the error summary, once in the form)
        warnings += sorted(
            set(re.findall(r"Du har \d forsøg tilbage[^<]*", response.content.decode()))
        )
    # The last tries are warned of (fresh eyes round 13).
    assert warnings == [
        "Du har 2 forsøg tilbage. Derefter kan du ikke logge ind de næste 30 minutter.",
        "Du har 1 forsøg tilbage. Derefter kan du ikke logge ind de næste 30 minutter.",
    ]
    assert log_in(client, staff.username, "forkert").status_code == 429  # the fifth
    response = log_in(client, staff.username)  # even the right password is refused now
    assert response.status_code == 429
    assert "Login midlertidigt spærret" in response.content.decode()


def test_log_out_everywhere_ends_other_sessions(client, staff):
    other = client.__class__()
    log_in(client, staff.username)
    log_in(other, staff.username)
    assert other.get(reverse("two-factor-setup")).status_code == 200
    client.post(reverse("logout-everywhere"))
    assert other.get(reverse("two-factor-setup")).status_code == 302  # sent to log in


def test_sessions_expire_and_passwords_are_validated(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert any("MinimumLengthValidator" in v["NAME"] for v in settings.AUTH_PASSWORD_VALIDATORS)


PRINT_SETTING = (
    "import django; django.setup(); "
    "from django.conf import settings; print(settings.REQUIRE_STAFF_2FA)"
)


def test_two_factor_is_on_by_default_in_production():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "REQUIRE_STAFF_2FA"}
    env |= {"DEBUG": "0", "SECRET_KEY": "x" * 60, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PRINT_SETTING,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "True"


def argument_free_paths() -> list[str]:
    """Every path of the URL configuration that takes no argument (admin's included)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    paths = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if "<" in route or "(?P" in route or "^" in route.lstrip("^") or "$" in route:
                continue
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                paths.append("/" + route.lstrip("^"))

    walk(get_resolver().url_patterns)
    return sorted(set(paths))


@pytest.mark.parametrize("require", [True, False])
def test_no_door_signs_in_with_the_password_alone(client, staff, settings, require):
    """A user with an authenticator app is never signed in by user name and password alone,
    whatever address the form is posted to. Django's own admin login did it."""
    settings.REQUIRE_STAFF_2FA = require
    staff.is_staff = True
    staff.save()
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    paths = argument_free_paths()
    assert "/admin/login/" in paths and "/login/" in paths
    for path in paths:
        client.post(path, {"username": staff.username, "password": PASSWORD, "next": "/admin/"})
        assert "_auth_user_id" not in client.session, path
        client.cookies.clear()
    admin_login = client.post("/admin/login/", {"username": staff.username, "password": PASSWORD})
    assert admin_login["Location"] == "/login/?next=/admin/"


@override_settings(REQUIRE_STAFF_2FA=True)
def test_the_right_code_right_after_a_wrong_one_says_to_wait(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    log_in(client, staff.username)
    bad = client.post(reverse("login-verify"), {"token": "123456"})
    assert "Koden er forkert" in bad.content.decode()
    right_away = client.post(reverse("login-verify"), {"token": current_code(device)})
    page = right_away.content.decode()
    assert right_away.status_code == 400
    assert "Efter en forkert kode skal du vente lidt: prøv igen om 1 sekund." in page
    assert "Koden er forkert" not in page
    # One code was wrong; the one refused for the wait was not tried (fresh eyes round 13).
    from identity.models import SignInEvent, SignInOutcome

    assert SignInEvent.objects.filter(user=staff, outcome=SignInOutcome.WRONG_CODE).count() == 1


@override_settings(REQUIRE_STAFF_2FA=True)
def test_a_wait_begun_by_another_tab_after_the_check_is_a_wait_not_a_wrong_code(
    client, staff, monkeypatch
):
    """Fresh eyes round 30: the right code was logged as wrong. A wrong code from a second
    tab can throttle the devices between the page's look at the wait and the try; the code
    is then not tried at all, so it is a wait, and never a wrong code in the log."""
    from identity.models import SignInEvent, SignInOutcome

    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    log_in(client, staff.username)
    checks = iter([0])  # the page's first look finds no wait; the other tab then begins one
    real = twofactor.throttled_seconds

    def throttle_after_the_check(user):
        waited = next(checks, None)
        if waited is None:
            return real(user)
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_count=1, throttling_failure_timestamp=timezone.now()
        )
        return waited

    monkeypatch.setattr(twofactor, "throttled_seconds", throttle_after_the_check)
    page = client.post(reverse("login-verify"), {"token": current_code(device)})
    assert page.status_code == 400
    assert "skal du vente lidt" in page.content.decode()
    assert "Koden er forkert" not in page.content.decode()
    assert not SignInEvent.objects.filter(user=staff, outcome=SignInOutcome.WRONG_CODE).exists()


@override_settings(REQUIRE_STAFF_2FA=True)
def test_a_backup_code_while_only_the_app_is_free_again_says_to_wait(client, staff):
    """Fresh eyes round 9: a wrong code throttles the app and the backup codes; their waits
    end moments apart, and a valid backup code tried in between was called wrong."""
    from django_otp.plugins.otp_static.models import StaticDevice

    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    backup = StaticDevice.objects.create(user=staff, name="backup", confirmed=True)
    backup.token_set.create(token="87495849")
    log_in(client, staff.username)
    client.post(reverse("login-verify"), {"token": "123456"})
    TOTPDevice.objects.filter(user=staff).update(  # the app's wait has ended, not the codes'
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    page = client.post(reverse("login-verify"), {"token": "8749 5849"}).content.decode()
    assert "skal du vente lidt: prøv igen om" in page and "Koden er forkert" not in page
    assert backup.token_set.filter(token="87495849").exists()  # not used up, not crossed off


@override_settings(REQUIRE_STAFF_2FA=True)
def test_the_setup_page_says_who_needs_two_factors_and_fits_a_provider_sign_in(client, staff):
    staff.set_unusable_password()  # signed in through the municipality's login
    staff.save()
    client.force_login(staff)
    page = client.get(reverse("two-factor-setup")).content.decode()
    # Said once, in the box (fresh eyes round 14 read it twice, with a caseworker sentence).
    assert "Som medarbejder i sekretariatet eller administrator skal du bruge" in page
    assert "Sagsbehandlere kan slå det til" not in page
    assert "Når din kommunes login ikke selv har krævet to trin" in page
    assert "adgangskode plus" not in page
    # No backup codes exist yet: the hint does not promise them.
    assert "reservekoder" not in page.split('<form method="post" novalidate')[1].split("</form>")[0]
    assert 'data-testid="provider-mfa"' not in page
    # Signed in with the provider's two steps: told nothing is needed now (fresh eyes 18).
    from portal.twofactor import PROVIDER_MFA_SESSION_KEY

    session = client.session
    session[PROVIDER_MFA_SESSION_KEY] = True
    session.save()
    page = client.get(reverse("two-factor-setup")).content.decode()
    assert "Du er logget ind med to trin hos din kommune" in page
    assert "Som medarbejder i sekretariatet eller administrator skal du bruge" not in page


def test_wrong_codes_after_the_right_password_are_mailed_once(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    """Fresh eyes round 18: twenty wrong codes after the right password and no word to the
    owner, whose password someone else then knows."""
    from django.core.cache import cache

    from portal.account_log import WRONG_CODES_BEFORE_MAIL

    cache.clear()
    staff.email = "sekretaer@testrup.dk"
    staff.save()
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    with django_capture_on_commit_callbacks(execute=True):
        for attempt in range(WRONG_CODES_BEFORE_MAIL + 3):
            log_in(client, staff.username)
            unthrottle(staff)
            client.post(reverse("login-verify"), {"token": "123456"})
            if attempt == WRONG_CODES_BEFORE_MAIL - 2:
                assert mailoutbox == []  # one or two typos are no alarm
    [mail] = mailoutbox  # once, not at every code after
    assert mail.to == [staff.email]
    assert mail.subject == "Sikkerhed: forkerte koder efter din adgangskode"
    assert "kender en anden måske din adgangskode" in mail.body
    cache.clear()


def unthrottle(user) -> None:
    """A refused code throttles the devices (django-otp); the next step of a test need not wait."""
    from django_otp.plugins.otp_static.models import StaticDevice

    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )


def signed_in_with_app(client, staff, home="/sekretariat/"):
    """The owner's app and backup codes, and a verified session (signed in with a backup code,
    so the app's current code is still unused)."""
    owner_app = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    codes = twofactor._issue_backup_codes(staff)
    log_in(client, staff.username)
    client.post(reverse("login-verify"), {"token": codes[0]})
    assert client.get(home).status_code == 200
    return owner_app, codes[1:]


@override_settings(REQUIRE_STAFF_2FA=True)
def test_a_verified_session_alone_cannot_replace_the_app_or_the_backup_codes(client, staff):
    """Attack round 7 (tfa_replace.py): whoever holds a verified session set up their own app
    with one code from it; the owner's app was deleted and new backup codes issued."""
    owner_app, owner_codes = signed_in_with_app(client, staff)
    page = client.get(reverse("two-factor-setup")).content.decode()
    attacker_app = TOTPDevice.objects.get(user=staff, confirmed=False)
    attempts = [
        {"token": current_code(attacker_app)},  # what the attacker did
        {"token": current_code(attacker_app), "password": PASSWORD},
        {"token": current_code(attacker_app), "password": PASSWORD, "current_token": "123456"},
        {"token": current_code(attacker_app), "current_token": owner_codes[0]},  # no password
        {"token": current_code(attacker_app), "password": "forkert", "current_token": "1"},
    ]
    for data in attempts:
        response = client.post(reverse("two-factor-setup"), data)
        assert response.status_code == 400, data
        unthrottle(staff)
    for data in [
        {"new_codes": ""},
        {"new_codes": "", "codes-password": PASSWORD, "codes-current_token": "9"},
    ]:
        response = client.post(reverse("two-factor-setup"), data)
        assert response.status_code == 400 and "codes" not in response.context, data
        unthrottle(staff)
    assert list(TOTPDevice.objects.filter(user=staff, confirmed=True)) == [owner_app]
    assert twofactor.remaining_backup_codes(staff) == len(owner_codes)
    assert 'name="current_token"' in page and 'name="password"' in page  # what it asks for
    # The owner still signs in with their own app.
    client.post(reverse("logout"))
    log_in(client, staff.username)
    response = client.post(reverse("login-verify"), {"token": current_code(owner_app)})
    assert response.status_code == 302


@override_settings(REQUIRE_STAFF_2FA=True)
def test_the_owner_replaces_the_phone_with_a_code_from_the_old_one_or_a_backup_code(client, staff):
    owner_app, owner_codes = signed_in_with_app(client, staff)
    client.get(reverse("two-factor-setup"))
    new_app = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong_new = client.post(
        reverse("two-factor-setup"),
        {"token": "000000", "password": PASSWORD, "current_token": owner_codes[0]},
    )
    assert wrong_new.status_code == 400 and "Koden passer ikke" in wrong_new.content.decode()
    assert twofactor.remaining_backup_codes(staff) == len(owner_codes)  # not used up
    unthrottle(staff)
    response = client.post(
        reverse("two-factor-setup"),
        {"token": current_code(new_app), "password": PASSWORD, "current_token": owner_codes[0]},
    )
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert list(TOTPDevice.objects.filter(user=staff, confirmed=True)) == [new_app]
    assert not TOTPDevice.objects.filter(pk=owner_app.pk).exists()
    # New backup codes, proved with one of the codes just shown (the app's code is used).
    response = client.post(
        reverse("two-factor-setup"),
        {
            "new_codes": "",
            "codes-password": PASSWORD,
            "codes-current_token": response.context["codes"][0],
        },
    )
    assert response.status_code == 200 and len(response.context["codes"]) == 10


@override_settings(REQUIRE_STAFF_2FA=True)
def test_a_wrong_current_code_counts_against_the_device(client, staff):
    """The refusal is committed, so django-otp's throttling slows down guessing the code."""
    owner_app, _codes = signed_in_with_app(client, staff)
    client.get(reverse("two-factor-setup"))
    client.post(
        reverse("two-factor-setup"),
        {"new_codes": "", "codes-password": PASSWORD, "codes-current_token": "123456"},
    )
    owner_app.refresh_from_db()
    assert owner_app.throttling_failure_count == 1
    right_away = client.post(
        reverse("two-factor-setup"),
        {
            "new_codes": "",
            "codes-password": PASSWORD,
            "codes-current_token": current_code(owner_app),
        },
    )
    assert right_away.status_code == 400
    assert "skal du vente lidt" in right_away.content.decode()


def test_an_administrator_removes_a_lost_phone_but_never_sees_the_key(client, demo):
    """Fresh eyes round 10: the admin showed every authenticator app's secret key, and had no
    way on the person's row to take a lost phone away."""
    from django.contrib.admin.models import LogEntry
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal import twofactor
    from portal.models import User

    staff = User.objects.get(username="frb-sekretariat")
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    twofactor._issue_backup_codes(staff)
    admin_user = User.objects.get(username="admin")
    client.force_login(admin_user)
    page = client.get(f"/admin/portal/user/{staff.pk}/change/").content.decode()
    assert "Sat op (app, 10 reservekoder tilbage)" in page
    assert device.key not in page
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").status_code == 404

    # Asked first (fresh eyes round 11): the first post only shows who and what happens.
    asked = client.post(
        "/admin/portal/user/", {"action": "remove_two_factor", "_selected_action": [staff.pk]}
    )
    question = asked.content.decode()
    assert "Fjern totrinslogin for denne person?" in question and "frb-sekretariat" in question
    assert twofactor.has_two_factor(staff)
    # What the confirmation page's form sends.
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', question))
    assert fields.pop("csrfmiddlewaretoken")
    assert fields == {
        "_selected_action": str(staff.pk),
        "action": "remove_two_factor",
        "post": "yes",
    }
    response = client.post("/admin/portal/user/", fields, follow=True)
    done = response.content.decode()
    name = staff.get_full_name() or staff.username
    assert f"Totrinslogin er fjernet for: {name}. Alle deres sessioner er afsluttet." in done
    # What happens next depends on whether the portal requires it of the person.
    if twofactor.requires_two_factor(staff):
        assert f"{name} sætter en ny app op ved næste login." in done
    else:
        assert f"{name} logger ind uden koden fra en app" in done
    assert not twofactor.has_two_factor(staff)
    staff_session = staff.session_generation
    staff.refresh_from_db()
    assert staff.session_generation == staff_session + 1  # the lost phone's session ends
    entry = LogEntry.objects.filter(object_id=str(staff.pk)).latest("action_time")
    assert entry.user == admin_user and "Totrinslogin fjernet" in entry.change_message


def test_password_sign_ins_are_in_the_one_sign_in_log(client, staff):
    """Fresh eyes round 10: password sign-ins and wrong codes were only in django-axes' own
    lists (or nowhere); the Logins list is now the one place."""
    from identity.models import SignInEvent, SignInMethod, SignInOutcome

    log_in(client, staff.username, "forkert")
    log_in(client, "ingen-saadan", "forkert")
    log_in(client, staff.username)
    client.logout()
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    log_in(client, staff.username)
    client.post(reverse("login-verify"), {"token": "000000"})
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    client.post(reverse("login-verify"), {"token": current_code(device)})

    events = list(SignInEvent.objects.order_by("at", "pk"))
    assert [(e.method, e.outcome, e.user) for e in events] == [
        (SignInMethod.PASSWORD, SignInOutcome.WRONG_PASSWORD, staff),
        (SignInMethod.PASSWORD, SignInOutcome.WRONG_PASSWORD, None),
        (SignInMethod.PASSWORD, SignInOutcome.SIGNED_IN, staff),
        (SignInMethod.PASSWORD, SignInOutcome.WRONG_CODE, staff),
        (SignInMethod.PASSWORD, SignInOutcome.SIGNED_IN, staff),
    ]
    assert events[1].detail.startswith("Ukendt brugernavn (det indtastede gemmes ikke")
    assert "ingen-saadan" not in str(SignInEvent.objects.values_list("detail", flat=True))
    assert events[-1].detail == "med totrinslogin" and events[2].detail == ""

    # The administrator's list says where the second factor was checked (fresh eyes round
    # 13: "totrin hos udbyderen" said no for the portal's own code).
    admin_user = get_user_model().objects.create_superuser(
        "it-support", password="x" * 20, role="administrator"
    )
    client.force_login(admin_user)
    page = client.get(reverse("admin:identity_signinevent_changelist")).content.decode()
    cells = re.findall(r'<td class="field-second_factor">([^<]*)</td>', page)
    # (the administrator's own sign-in, without a second factor, is the sixth row)
    # The refused code says where it was refused (fresh eyes round 20).
    assert sorted(cells) == ["i portalen", "i portalen: afvist", "–", "–", "–", "–"]


@override_settings(REQUIRE_STAFF_2FA=True)
def test_a_code_of_the_wrong_shape_is_called_a_typo(client, staff):
    """Fresh eyes round 10: "12345" on the setup page said "Tjek uret på telefonen"."""
    log_in(client, staff.username)
    client.get(reverse("two-factor-setup"))
    for typo in ("12345", "abcdef", "1234567"):
        page = client.post(reverse("two-factor-setup"), {"token": typo, "password": PASSWORD})
        text = page.content.decode()
        assert page.status_code == 400 and "Koden er de 6 cifre" in text
        assert "Tjek uret" not in text
    assert not TOTPDevice.objects.get(user=staff).throttling_failure_count  # not tried


@override_settings(REQUIRE_STAFF_2FA=True)
def test_a_code_of_the_wrong_shape_at_sign_in_is_a_typo_not_a_wrong_code(client, staff):
    """Fresh eyes round 31: "12345" at the code step was "forkert eller udløbet", tried,
    counted and logged as a wrong code."""
    from identity.models import SignInEvent, SignInOutcome

    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    log_in(client, staff.username)
    for typo in ("12345", "1234567", "abcdef", "123456789"):
        page = client.post(reverse("login-verify"), {"token": typo})
        text = page.content.decode()
        assert page.status_code == 400 and "Skriv de 6 cifre fra godkendelsesappen" in text
        assert "forkert" not in text
    device.refresh_from_db()
    assert not device.throttling_failure_count
    assert not SignInEvent.objects.filter(user=staff, outcome=SignInOutcome.WRONG_CODE).exists()
    assert client.post(reverse("login-verify"), {"token": current_code(device)}).status_code == 302


def test_the_lockout_list_never_holds_a_typed_password(client, staff):
    """Attack round 11: a password typed in the user-name field stood in django-axes' list."""
    from axes.models import AccessAttempt

    for _attempt in range(5):
        log_in(client, "Hemmelig-Kodeord-2026!", "forkert")
    names = list(AccessAttempt.objects.values_list("username", flat=True))
    assert names and all(name.startswith("ukendt-") for name in names)
    assert len(set(names)) == 1  # the same typed text counts together
    assert log_in(client, "Hemmelig-Kodeord-2026!", "forkert").status_code == 429
    log_in(client, staff.username, "forkert")
    assert staff.username in AccessAttempt.objects.values_list("username", flat=True)


def test_cancelling_the_code_step_drops_the_half_done_sign_in(client, staff):
    """Fresh eyes round 11: "Afbryd og log ind som en anden" went to the login page, and the
    code page still took a code for the person who had typed their password."""
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    log_in(client, staff.username)
    assert client.get(reverse("login-verify")).status_code == 200
    client.get(reverse("login") + "?afbryd=1")  # the cancel link
    assert client.get(reverse("login-verify"))["Location"] == reverse("login")
    client.post(reverse("login-verify"), {"token": current_code(device)})
    assert "_auth_user_id" not in client.session


@pytest.fixture
def caseworker(db, staff):
    from portal.models import Department

    department = Department.objects.create(municipality=staff.municipality, name="Jobcenter")
    return User.objects.create_user(
        department=department,
        username="sagsbehandler",
        password=PASSWORD,
        role=Role.CASEWORKER,
        municipality=staff.municipality,
    )


@override_settings(REQUIRE_STAFF_2FA=True)
def test_a_caseworker_turns_voluntary_two_factor_off_with_a_code(client, caseworker):
    """Fresh eyes round 11: a caseworker who had chosen two-factor login could not turn it off."""
    app, codes = signed_in_with_app(client, caseworker, home="/mine/")
    page = client.get(reverse("two-factor-setup")).content.decode()
    assert "Slå totrinslogin fra" in page
    assert 'name="off-current_token"' in page and 'name="off-password"' in page
    wrong = client.post(
        reverse("two-factor-setup"),
        {"turn_off": "", "off-password": PASSWORD, "off-current_token": "12345678"},
    )
    assert wrong.status_code == 400 and "Koden er forkert" in wrong.content.decode()
    assert twofactor.has_two_factor(caseworker)
    unthrottle(caseworker)
    done = client.post(
        reverse("two-factor-setup"),
        {"turn_off": "", "off-password": PASSWORD, "off-current_token": codes[0]},
        follow=True,
    )
    assert "Totrinslogin er slået fra." in done.content.decode()
    assert not twofactor.has_second_factor(caseworker)
    assert LogEntry.objects.filter(object_id=str(caseworker.pk), user=caseworker).exists()
    client.post(reverse("logout"))
    assert log_in(client, caseworker.username)["Location"] == reverse("start")  # no code asked


@override_settings(REQUIRE_STAFF_2FA=True)
def test_staff_who_must_use_two_factor_cannot_turn_it_off(client, staff):
    app, codes = signed_in_with_app(client, staff)
    page = client.get(reverse("two-factor-setup")).content.decode()
    assert "Slå totrinslogin fra" not in page
    response = client.post(
        reverse("two-factor-setup"),
        {"turn_off": "", "off-password": PASSWORD, "off-current_token": codes[0]},
    )
    assert response.status_code == 403
    assert twofactor.has_two_factor(staff) and twofactor.remaining_backup_codes(staff) == 9


def test_a_lockout_says_until_when_is_logged_as_such_and_an_admin_lifts_it(client, staff, demo):
    """Fresh eyes round 12: the lockout page was a dead end, the right password typed while
    locked was logged as a wrong one, and support had to delete rows in django-axes' list."""
    from django.contrib.admin.models import LogEntry
    from django.test import Client

    from identity.models import SignInEvent, SignInOutcome

    for _attempt in range(5):
        log_in(client, staff.username, "forkert")
    locked = log_in(client, staff.username)  # the right password, while locked
    page = locked.content.decode()
    assert locked.status_code == 429
    assert "kan du først prøve igen kl. " in page and 'href="/login/"' in page
    # The 30 minutes the last warning promised, not 31 (fresh eyes round 20).
    assert "(om 30 minutter)" in page
    # The way round the lock is the owner's to read in the mail, not a guesser's here
    # (fresh eyes round 24).
    assert "netværksadresse" not in page
    # The other way in, named as the login page shows it (fresh eyes rounds 25 and 27).
    assert "vælg knappen med din kommunes navn" in page
    # Trying again during the lockout does not start the wait over (attack round 12).
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=10))
    said = re.compile(r"igen kl\. (\d\d:\d\d)")
    until = said.search(log_in(client, staff.username, "x").text)[1]
    assert until == said.search(log_in(client, staff.username).text)[1]
    # Rounded up to the whole minute: never a time the person is still refused at (fresh
    # eyes round 18: "kl. 20:00" and refused at 20:00:26).
    from portal.lockouts import locked_until

    assert "(om 20 minutter)" in log_in(client, staff.username).text
    real_end = timezone.localtime(locked_until(staff))
    hour, minute = map(int, until.split(":"))
    shown = real_end.replace(hour=hour, minute=minute, second=0, microsecond=0)
    assert datetime.timedelta(0) <= shown - real_end < datetime.timedelta(minutes=1)
    outcomes = list(
        SignInEvent.objects.filter(user=staff)
        .order_by("at", "pk")
        .values_list("outcome", flat=True)
    )
    # The fifth wrong password, the one that locked, was tried: "forkert", not "spærret"
    # (fresh eyes round 27); only the tries during the lockout were not.
    assert outcomes[:5] == [SignInOutcome.WRONG_PASSWORD] * 5
    assert outcomes[5:] == [SignInOutcome.LOCKED_OUT] * (len(outcomes) - 5)
    assert len(outcomes) > 5
    # The log says until when, as the person's page does (fresh eyes round 33: "Årsag: -").
    # (The test moved the lockout 10 minutes back after the first rows were written.)
    latest = SignInEvent.objects.filter(user=staff, outcome=SignInOutcome.LOCKED_OUT).latest("pk")
    assert latest.detail == f"Spærret til {date_format(real_end, 'j. F Y')} kl. {until}"

    admin = Client()
    admin_user = User.objects.get(username="admin")
    admin.force_login(admin_user)
    change = admin.get(f"/admin/portal/user/{staff.pk}/change/").content.decode()
    # The same minute as the person's page (fresh eyes round 21: the admin's was a minute
    # earlier).
    day = date_format(real_end, "j. F Y")
    assert f"Spærret efter for mange forkerte adgangskoder indtil {day} kl. {until}." in change
    lift_url = f"/admin/portal/user/{staff.pk}/ophaev-spaerring/"
    assert f'href="{lift_url}"' in change  # lifted from the person's own page (round 24)
    # The list shows who is locked and finds them (fresh eyes round 13).
    listed = admin.get("/admin/portal/user/", {"spaerret": "ja"}).content.decode()
    assert f">{staff.username}</a>" in listed and ">frb-sagsbehandler</a>" not in listed
    assert "field-locked_column" in listed
    assert "Ja, ophæv spærringen" in admin.get(lift_url).content.decode()  # asked first
    done = admin.post(lift_url, follow=True).content.decode()
    assert "Spærringen er ophævet for: " in done
    assert LogEntry.objects.filter(object_id=str(staff.pk), user=admin_user).exists()
    assert "Ikke spærret" in admin.get(f"/admin/portal/user/{staff.pk}/change/").content.decode()
    assert log_in(client, staff.username).status_code == 302  # in again at once
    # Nothing to lift or remove is said so, not reported as done (fresh eyes round 13).
    again = admin.post(
        "/admin/portal/user/",
        {"action": "lift_lockout", "_selected_action": [staff.pk]},
        follow=True,
    ).content.decode()
    assert "var ikke spærret; intet er ændret." in again and "Spærringen er ophævet" not in again
    removed = admin.post(
        "/admin/portal/user/",
        {"action": "remove_two_factor", "_selected_action": [staff.pk], "post": "yes"},
        follow=True,
    ).content.decode()
    assert "havde ikke totrinslogin; intet er ændret." in removed
    assert "Totrinslogin er fjernet" not in removed


def test_a_deactivated_user_is_logged_as_blocked_in_danish_whatever_the_language(client, staff):
    """Fresh eyes round 13: a deactivated password user was logged as "forkert adgangskode"
    (support reset the password, which did not help), and a visitor's English reached the
    Danish log."""
    from identity.models import SignInEvent, SignInOutcome

    type(staff).objects.filter(pk=staff.pk).update(is_active=False)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    log_in(client, staff.username)
    event = SignInEvent.objects.latest("pk")
    assert (event.user, event.outcome) == (staff, SignInOutcome.BLOCKED)
    log_in(client, "ingen-saadan", "forkert")
    assert SignInEvent.objects.latest("pk").detail.startswith("Ukendt brugernavn")


@override_settings(REQUIRE_STAFF_2FA=True)
def test_a_caseworker_reads_that_two_factor_is_required_only_of_staff(client, caseworker):
    client.force_login(caseworker)
    page = client.get(reverse("two-factor-setup")).content.decode()
    assert "Sagsbehandlere kan slå det til, men portalen kræver det ikke af dem." in page


def test_a_caseworker_signed_in_with_two_steps_at_the_provider_hears_so(client, caseworker):
    """Fresh eyes round 33: only staff were told their municipality's login had two steps."""
    from portal.twofactor import PROVIDER_MFA_SESSION_KEY

    client.force_login(caseworker)
    assert "Du er logget ind med to trin" not in client.get(reverse("two-factor-setup")).text
    session = client.session
    session[PROVIDER_MFA_SESSION_KEY] = True
    session.save()
    page = client.get(reverse("two-factor-setup")).text
    assert "Du er logget ind med to trin hos din kommune." in page


def test_only_staff_are_told_of_the_calendar_address(client, caseworker, staff):
    """Fresh eyes round 13: caseworkers read of an "Årshjul" page they cannot open."""
    for user, shown in ((caseworker, False), (staff, True)):
        client.force_login(user)
        page = client.get(reverse("two-factor-setup")).content.decode()
        assert ("årshjulet i Outlook" in page) is shown, user.username
        response = client.post(reverse("logout-everywhere"), follow=True)
        assert ("kalenderadresse" in response.content.decode()) is shown, user.username


def test_the_person_hears_by_mail_when_their_second_factor_changes(
    caseworker, staff, mailoutbox, django_capture_on_commit_callbacks
):
    """Fresh eyes round 13: nobody was told when an administrator removed a person's second
    factor (a supporter talked into it would go unnoticed), nor when it was turned on."""
    from portal import twofactor

    type(caseworker).objects.filter(pk=caseworker.pk).update(email="cw@example.dk")
    caseworker.refresh_from_db()
    device = TOTPDevice.objects.create(user=caseworker, name="app", confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        twofactor.do_set_up_app(user=caseworker, new_token=current_code(device))
    with django_capture_on_commit_callbacks(execute=True):
        twofactor.do_remove_two_factor(actor=staff, user_id=caseworker.pk)
    mails = [m for m in mailoutbox if m.to == ["cw@example.dk"]]
    assert [m.subject for m in mails] == ["Sikkerhed: totrinslogin på din konto er ændret"] * 2
    assert "slået til på din konto med en ny app" in mails[0].body
    assert "En administrator har fjernet totrinslogin fra din konto" in mails[1].body
    assert "kontakt IT-supporten med det samme" in mails[1].body


def test_a_person_sees_their_own_sign_ins_and_refused_attempts(client, caseworker, staff):
    """Fresh eyes round 15: only an administrator could see when someone had signed in or
    tried to; the person could not check their own account after a suspicious mail."""
    from tests.page_crawl import visible_text

    log_in(client, caseworker.username, "forkert")
    log_in(client, caseworker.username)
    log_in(Client(), staff.username)  # someone else's sign-in is not theirs to see
    menu = client.get(reverse("mine:dashboard")).content.decode()
    assert f'href="{reverse("own-sign-ins")}"' in menu
    text = visible_text(client.get(reverse("own-sign-ins")).content.decode())
    assert "Dine logins" in text
    signed_in, refused = text.split("Brugernavn og adgangskode")[1:3]
    assert signed_in.strip().startswith("Logget ind")
    # Their own name was right: "forkert adgangskode" (fresh eyes round 29).
    assert refused.strip().startswith("Afvist: forkert adgangskode")
    assert text.count("Brugernavn og adgangskode") == 2
    assert client.get(reverse("own-sign-ins")).status_code == 200
    assert Client().get(reverse("own-sign-ins")).status_code == 302  # signed out: to login


def test_a_run_of_the_same_refusal_is_one_line_and_a_real_sign_in_stays_in_view(client, caseworker):
    """Attack round 22: 120 wrong passwords filled the person's list with identical lines and
    pushed every real sign-in off it."""
    from identity.models import SignInEvent, SignInMethod, SignInOutcome
    from tests.page_crawl import visible_text

    log_in(client, caseworker.username)
    for _attempt in range(40):
        SignInEvent.objects.create(
            method=SignInMethod.PASSWORD, user=caseworker, outcome=SignInOutcome.WRONG_PASSWORD
        )
    text = visible_text(client.get(reverse("own-sign-ins")).content.decode())
    assert text.count("Afvist: forkert adgangskode") == 1
    assert "40 gange i træk, den første" in text
    assert "Logget ind" in text


def test_a_session_ended_elsewhere_is_explained_on_the_login_page(client, caseworker):
    """Fresh eyes round 15: after an administrator removed a person's second factor (which
    ends their sessions) they just landed on the login page. A session ended by anything but
    the person's own "Log ud" is explained there, once; their own "Log ud" is not."""
    from portal.sessions import do_log_out_everywhere
    from tests.page_crawl import visible_text

    notice = "Du er blevet logget ud."
    log_in(client, caseworker.username)
    assert client.get(reverse("mine:dashboard")).status_code == 200
    do_log_out_everywhere(actor=caseworker)  # from another device, or an administrator
    response = client.get(reverse("mine:dashboard"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert notice in visible_text(response.content.decode())
    assert notice not in visible_text(client.get(reverse("login")).content.decode())  # once

    log_in(client, caseworker.username)
    client.post(reverse("logout"))
    page = visible_text(client.get(reverse("login")).content.decode())
    assert notice not in page


def test_security_events_are_mailed_and_a_used_code_is_called_used(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    """Fresh eyes round 16: no mail when an account was locked, new backup codes made or a
    backup code used — the events that show someone else has the password; and a code used
    a moment before was called "forkert", so the person typed it again and again."""
    staff.email = "sara@testrup.dk"
    staff.save()
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    code = current_code(device)
    log_in(client, staff.username)
    assert client.post(reverse("login-verify"), {"token": code}).status_code == 302
    client.post(reverse("logout"))
    log_in(client, staff.username)
    again = client.post(reverse("login-verify"), {"token": code})
    assert again.status_code == 400
    assert "Koden er allerede brugt. Vent på den næste kode i appen" in again.content.decode()
    unthrottle(staff)

    backup = twofactor._issue_backup_codes(staff)[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("login-verify"), {"token": backup})
    [used] = mailoutbox
    assert used.to == ["sara@testrup.dk"]
    assert "Der er logget ind på din konto med en reservekode." in used.body
    assert used.subject == "Sikkerhed: der er logget ind med en reservekode"
    assert "Du har 9 reservekoder tilbage." in used.body
    mailoutbox.clear()
    unthrottle(staff)
    with django_capture_on_commit_callbacks(execute=True):
        twofactor.do_new_backup_codes(user=staff, current_token=current_code_after(device))
    [codes] = mailoutbox
    assert "De gamle reservekoder virker ikke længere." in codes.body
    mailoutbox.clear()

    client.post(reverse("logout"))
    from django.core.cache import cache

    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(5):
            log_in(client, staff.username, "forkert")
        # Tries while locked are reported again by django-axes: no mail again (fresh eyes
        # round 17 got one per try).
        log_in(client, staff.username)
        log_in(client, staff.username, "forkert")
    [locked] = mailoutbox
    assert locked.subject == "Sikkerhed: mange forkerte adgangskoder til din konto"
    from portal.lockouts import locked_until, whole_minute_after

    shown = timezone.localtime(whole_minute_after(locked_until(staff))).strftime("%H:%M")
    # The page's time, rounded up; and what is locked: the place the tries came from, not
    # the account everywhere (attack round 16).
    body = " ".join(locked.body.split())
    day = date_format(timezone.localtime(locked_until(staff)), "j. F Y")
    assert f"ikke logges ind med adgangskode før {day} kl. {shown}" in body
    assert "Var det dig, kan du vente til da eller bede kommunens IT-support" in body
    assert "Andre steder fra kan du logge ind som sædvanligt." in " ".join(locked.body.split())
    cache.clear()


def current_code_after(device) -> str:
    """The app's code of the next time step (the current one is used)."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp_ = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp_.time = totp_.time + device.step
    return f"{totp_.token():06d}"


def test_no_backup_codes_left_is_said_as_something_to_do(client, staff):
    """Fresh eyes round 19: "Du har 0 ubrugte reservekoder." and nothing more."""
    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    client.force_login(staff)
    page = client.get(reverse("two-factor-setup")).content.decode()
    assert "Du har 0 ubrugte reservekoder." in page
    assert 'data-testid="few-backup-codes"' in page


def test_the_lockout_page_of_a_signed_in_person_does_not_say_they_are_out(rf, staff):
    """Fresh eyes round 34: after wrong passwords on the set-up page the heading said "Login
    midlertidigt spærret" above "Du er stadig logget ind her"."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    request = rf.get("/konto/totrinslogin/")
    request.user = staff
    page = render_to_string(
        "registration/locked_out.html",
        {"until": timezone.now(), "minutes": 30, "email_sign_in": False},
        request=request,
    )
    assert "<h1>For mange forkerte adgangskoder</h1>" in page
    assert "Login midlertidigt spærret</h1>" not in page
