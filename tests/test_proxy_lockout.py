"""Behind the proxy, django-axes locks the client that guessed, not the proxy's address (and
with it everyone); an X-Forwarded-For the client made up cannot dodge a lockout."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from portal.client_ip import client_ip
from portal.models import Municipality, Role, User

PASSWORD = "en-lang-og-sikker-adgangskode"
PROXY = "10.0.0.2"  # nginx, as the app server sees it
ATTACKER, COLLEAGUE = "203.0.113.5", "198.51.100.7"


@pytest.fixture
def staff(db):
    municipality = Municipality.objects.create(name="Testrup Kommune", slug="testrup", code="998")
    return User.objects.create_user(
        username="sekretær", password=PASSWORD, role=Role.COMMITTEE_STAFF, municipality=municipality
    )


def through_proxy(forwarded_for: str | None) -> Client:
    """A browser behind nginx: the connection comes from the proxy, which sets (appends to)
    X-Forwarded-For."""
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return Client(**headers)


def log_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def lock_out(client, username):
    for _attempt in range(4):
        assert log_in(client, username, "forkert").status_code == 200  # the form again
    assert log_in(client, username, "forkert").status_code == 429  # the fifth locks


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_a_lockout_stops_only_the_guessing_client(staff):
    attacker = through_proxy(ATTACKER)
    lock_out(attacker, staff.username)
    assert log_in(attacker, staff.username).status_code == 429  # even the right password

    colleague = through_proxy(COLLEAGUE)  # same proxy, another person
    response = log_in(colleague, staff.username)
    assert response.status_code == 302, response.content.decode()[:500]
    assert colleague.get(reverse("sekretariat:home")).status_code == 200


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_made_up_forwarded_addresses_do_not_dodge_the_lockout(staff):
    lock_out(through_proxy(ATTACKER), staff.username)
    # nginx appends the address it saw to what the client sent: the left-most entries are
    # the attacker's own words, only the right-most one is the proxy's.
    for spoofed in [f"{COLLEAGUE}, {ATTACKER}", f"1.2.3.4, {COLLEAGUE}, {ATTACKER}"]:
        assert log_in(through_proxy(spoofed), staff.username).status_code == 429, spoofed


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_forwarded_for_is_ignored(staff):
    """No proxy configured: X-Forwarded-For is whatever the client typed; a new value per
    attempt changes nothing."""
    for attempt in range(4):
        assert log_in(through_proxy(f"192.0.2.{attempt}"), staff.username, "x").status_code == 200
    assert log_in(through_proxy("192.0.2.99"), staff.username, "x").status_code == 429
    assert log_in(through_proxy(COLLEAGUE), staff.username).status_code == 429


@pytest.mark.parametrize(
    "count, forwarded_for, expected",
    [
        (0, "198.51.100.7", PROXY),
        (1, None, PROXY),  # not through the proxy: only the connecting address is known
        (1, "198.51.100.7", "198.51.100.7"),
        (1, " 1.2.3.4 ,198.51.100.7 ", "198.51.100.7"),
        (1, "1.2.3.4, not-an-address", PROXY),
        (2, "1.2.3.4, 198.51.100.7, 10.0.0.9", "198.51.100.7"),  # load balancer + nginx
        (2, "198.51.100.7", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(settings, count, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = count
    meta = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    assert client_ip(RequestFactory().get("/", **meta)) == expected


@pytest.mark.parametrize("remote", ["203.0.113.9", "2001:db8::9", "not-an-address"])
def test_forwarded_for_from_outside_our_network_is_not_believed(settings, remote):
    """An app server reached directly from the internet (not through our proxy): the header
    is the client's own words, and the connecting address is the client."""
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=COLLEAGUE)
    assert client_ip(request) == remote


def test_a_client_outside_our_network_cannot_dodge_the_lockout(staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(4):
        direct = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
        assert log_in(direct, staff.username, "x").status_code == 200
    direct = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert log_in(direct, staff.username, "x").status_code == 429


def test_axes_asks_the_portal_for_the_client_address(settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert get_client_ip_address(request) == ATTACKER
