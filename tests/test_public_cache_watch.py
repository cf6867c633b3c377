"""Each app tells the public page cache (which imports no app) which of its rows public pages
show: a change to one of them, in any app, raises the cache's version at once."""

import pytest
from django.test import Client

from grants.models import ApplicationStatus, Pool
from indicators.models import Indicator
from policies.models import Policy
from portal.models import Municipality
from portal.public_cache import current_version, shows_publicly, watched_labels
from tests.identity_support import mitid_erhverv


@pytest.mark.parametrize(
    "model", [Municipality, Policy, Pool, Indicator], ids=lambda model: model._meta.label
)
def test_a_change_in_any_app_invalidates_the_public_pages(demo, model):
    row = model.objects.order_by("pk").first()
    before = current_version()
    row.save()
    assert current_version() != before


def test_every_public_model_is_watched():
    assert watched_labels() >= {
        "portal.Municipality",
        "policies.Policy",
        "policies.Goal",
        "grants.Pool",
        "grants.Allocation",
        "grants.Application",
        "indicators.Indicator",
        "indicators.Measurement",
        "identity.IdentityProvider",
    }


def test_enabling_a_provider_for_associations_changes_the_calls_at_once(demo, settings):
    """A call page names the sign-in ways the login page offers (session 32): enabling a
    provider for associations reaches a call page already in the cache."""

    pool = Pool.objects.get(is_example=True, applicants="organisations")
    settings.LOCAL_PASSWORD_LOGIN = False
    client = Client()
    call = f"/puljer/soeg/{pool.pk}/"
    assert "MitID Erhverv" not in client.get(call).content.decode()
    before = current_version()
    mitid_erhverv(pool.municipality, label="MitID Erhverv")
    assert current_version() != before
    assert "Så kan I logge ind med MitID Erhverv." in client.get(call).content.decode()


def test_an_application_shows_only_once_funded(make_application):
    draft = make_application()
    assert not shows_publicly(draft)
    draft.status = ApplicationStatus.APPROVED
    assert shows_publicly(draft)
