"""Guessing a password from many addresses (attack round 22: 120 wrong passwords from 30
addresses, 4 each, were never stopped): past the limit for one user name over all addresses,
password sign-in for that name pauses everywhere, the right password too, the owner is
mailed once, a name no user has gets the same answer, and an administrator can lift it."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from portal.lockouts import do_lift_lockout, locked_until
from portal.models import Municipality, Role, User

PASSWORD = "en-lang-og-sikker-adgangskode"
PAUSED = "fra flere steder"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.PASSWORD_ACCOUNT_FAILURE_LIMIT = 6
    settings.AXES_FAILURE_LIMIT = 5
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(db):
    municipality = Municipality.objects.create(name="Testrup Kommune", slug="testrup", code="998")
    return User.objects.create_user(
        username="sekretær",
        password=PASSWORD,
        email="sekretaer@testrup.dk",
        role=Role.COMMITTEE_STAFF,
        municipality=municipality,
    )


def from_address(n: int) -> Client:
    return Client(REMOTE_ADDR=f"198.51.100.{n}")


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def guess_from_many(username: str, tries: int) -> None:
    for n in range(tries):
        response = log_in(from_address(n // 2), username, "forkert")  # 2 per address
        assert response.status_code == 200


def test_guesses_from_many_addresses_pause_password_sign_in_everywhere(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        guess_from_many(staff.username, 6)
    assert log_in(from_address(50), staff.username).status_code == 302  # still below
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        guess_from_many(staff.username, 7)

    refused = log_in(from_address(99), staff.username)  # the right password, a new place
    assert refused.status_code == 200
    assert PAUSED in " ".join(refused.content.decode().split())
    # From a place with earlier tries: the pause, not also "N forsøg tilbage" (round 23).
    again = " ".join(log_in(from_address(0), staff.username, "forkert").content.decode().split())
    assert PAUSED in again and "forsøg tilbage" not in again
    assert "_auth_user_id" not in from_address(99).session
    assert locked_until(staff) is not None
    [mail] = mailoutbox
    assert mail.to == ["sekretaer@testrup.dk"]
    assert mail.subject == "Sikkerhed: nogen prøver at gætte din adgangskode"

    with django_capture_on_commit_callbacks(execute=True):
        guess_from_many(staff.username, 4)
    assert len(mailoutbox) == 1  # once per pause, not per try
    # The tries during the pause are in the owner's own log (fresh eyes round 22).
    from identity.models import SignInEvent

    assert SignInEvent.objects.filter(user=staff, outcome="locked_out").count() == 6  # 1 + 1 + 4

    admin = User.objects.create_user(
        "admin", role=Role.ADMINISTRATOR, municipality=staff.municipality, is_staff=True
    )
    do_lift_lockout(actor=admin, user_id=staff.pk)
    assert locked_until(staff) is None
    assert log_in(from_address(99), staff.username).status_code == 302


def test_a_name_no_user_has_gets_the_same_answer(db):
    guess_from_many("ingen-saadan", 7)
    refused = log_in(from_address(99), "ingen-saadan", "hvad-som-helst")
    assert PAUSED in " ".join(refused.content.decode().split())


def test_the_wrong_password_that_starts_the_pause_says_so(staff):
    """Last check, round 23: it was answered as an ordinary wrong password, and the pause
    was first told at the next try."""
    guess_from_many(staff.username, 6)
    started = log_in(from_address(40), staff.username, "forkert")
    assert PAUSED in " ".join(started.content.decode().split())
