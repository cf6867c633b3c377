"""A form sent after the session ended is not saved, and the login page says so (fresh eyes
round 33: signed out in one tab, "Gem indstillinger" in another landed on the login page in
silence and the change was gone). The big forms keep what was typed across the login
instead (tests/test_caseworker_access.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from grants.models import Pool
from portal.models import User

from .page_crawl import visible_text

NOT_SAVED = "Du var ikke logget ind, så det, du sendte, er ikke gemt."


def signed_out_tab(username: str) -> Client:
    """A browser that was signed in and signed out (its own "Log ud", in another tab)."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    client.post(reverse("logout"))
    return client


@pytest.mark.parametrize(
    "username, name, args",
    [
        ("frb-sekretariat", "preferences", []),
        ("frb-sekretariat", "sekretariat:pool-edit", ["pool"]),
        ("frb-sagsbehandler", "mine:messages", ["application"]),
    ],
)
def test_a_post_after_signing_out_says_it_was_not_saved(demo, username, name, args):
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    owner = User.objects.get(username="frb-sagsbehandler")
    objects = {"pool": pool.pk, "application": owner.department.applications.first().pk}
    client = signed_out_tab(username)
    response = client.post(reverse(name, args=[objects[a] for a in args]), {"x": "1"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert NOT_SAVED in visible_text(client.get(response["Location"]).content.decode())


def test_a_kept_form_is_not_said_to_be_lost(demo):
    """The application form keeps its post across the login when the session ended by
    itself: no "not saved" there."""
    from .test_caseworker_access import expired_browser

    user = User.objects.get(username="frb-sagsbehandler")
    draft = user.department.applications.first()
    client = expired_browser(user)
    response = client.post(reverse("mine:edit", args=[draft.pk]), {"title": "Ny titel"})
    assert response.status_code == 302
    assert NOT_SAVED not in visible_text(client.get(response["Location"]).content.decode())
