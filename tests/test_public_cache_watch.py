"""Each app tells the public page cache (which imports no app) which of its rows public pages
show: a change to one of them, in any app, raises the cache's version at once."""

import pytest

from grants.models import ApplicationStatus, Pool
from indicators.models import Indicator
from policies.models import Policy
from portal.models import Municipality
from portal.public_cache import current_version, shows_publicly, watched_labels


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
    }


def test_an_application_shows_only_once_funded(make_application):
    draft = make_application()
    assert not shows_publicly(draft)
    draft.status = ApplicationStatus.APPROVED
    assert shows_publicly(draft)
