"""Rules the database itself enforces, whatever code writes the rows."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from grants.models import Allocation, Decision, RequestedAmount, ReservedLine, Review
from policies.models import SDG, Goal, GoalKind
from portal.models import Role, User


def assert_refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_all_17_sdgs_exist(db):
    assert list(SDG.objects.values_list("number", flat=True)) == list(range(1, 18))
    assert str(SDG.objects.get(number=10)) == "10. Mindre ulighed"


@pytest.mark.django_db(transaction=True)
def test_the_sdgs_survive_a_flush():
    """A transactional test ends with a flush; the next test in that process (in another
    order under pytest-xdist) found no SDGs."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert SDG.objects.count() == 17


def test_goal_numbers_are_unique_within_a_policy_and_kind(policy):
    assert_refused(
        lambda: Goal.objects.create(policy=policy, kind=GoalKind.OBJECTIVE, number=1, title="x")
    )
    # A resource may share the number of an objective: "Mål 1" and "Ressource 1".
    Goal.objects.create(policy=policy, kind=GoalKind.RESOURCE, number=1, title="Borgeren")


def test_one_pool_per_municipality_and_year(make_pool):
    make_pool(year=2026)
    assert_refused(lambda: make_pool(year=2026))


def test_pool_budget_cannot_be_negative(make_pool):
    assert_refused(lambda: make_pool(year=2027, budget="-1"))


def test_requested_amount_cannot_be_negative_nor_twice_for_a_year(make_application):
    application = make_application(amounts={2026: "1000"})
    assert_refused(
        lambda: RequestedAmount.objects.create(application=application, year=2027, amount=-5)
    )
    assert_refused(
        lambda: RequestedAmount.objects.create(application=application, year=2026, amount=5)
    )


def test_reserved_line_must_be_positive(pool):
    assert_refused(lambda: ReservedLine.objects.create(pool=pool, title="Priser", amount=0))


def test_allocation_positive_and_one_per_application_and_pool(make_application, pool):
    application = make_application()
    decision = Decision.objects.create(application=application, outcome="approved")
    assert_refused(
        lambda: Allocation.objects.create(
            application=application, pool=pool, decision=decision, amount=Decimal("0")
        )
    )
    Allocation.objects.create(application=application, pool=pool, decision=decision, amount=10)
    assert_refused(
        lambda: Allocation.objects.create(
            application=application, pool=pool, decision=decision, amount=10
        )
    )


def test_review_scores_are_1_to_5_and_one_review_per_reviewer(make_application, staff_user):
    application = make_application()
    assert_refused(
        lambda: Review.objects.create(application=application, reviewer=staff_user, score_budget=6)
    )
    Review.objects.create(application=application, reviewer=staff_user, score_budget=5)
    assert_refused(lambda: Review.objects.create(application=application, reviewer=staff_user))


def test_caseworker_must_belong_to_a_department(municipality):
    assert_refused(
        lambda: User.objects.create_user(
            username="uden-afdeling", role=Role.CASEWORKER, municipality=municipality
        )
    )


def test_staff_must_belong_to_a_municipality(db):
    assert_refused(
        lambda: User.objects.create_user(username="uden-kommune", role=Role.COMMITTEE_STAFF)
    )
    User.objects.create_user(username="it", role=Role.ADMINISTRATOR)


def test_every_check_the_database_makes_has_words_for_a_person():
    """A model form (the portal's or the admin's) that breaks a check constraint shows its
    message; Django's own is "Begrænsning »navn« er overtrådt." (fresh eyes round 37: the
    indicator form showed it beside its Danish message)."""
    from django.apps import apps
    from django.db.models import BaseConstraint, CheckConstraint

    ours = {"grants", "policies", "indicators", "portal", "identity", "transfer", "web", "worker"}
    unworded = [
        f"{model.__name__}.{constraint.name}"
        for model in apps.get_models()
        if model._meta.app_label in ours
        for constraint in model._meta.constraints
        if isinstance(constraint, CheckConstraint)
        and constraint.violation_error_message == BaseConstraint.default_violation_error_message
    ]
    assert unworded == []


@pytest.mark.django_db
def test_an_indicator_without_goal_or_sub_goal_is_refused_in_words(client, demo):
    """The new-indicator page as staff fill it in, goal and sub-goal left empty: the
    constraint's words (in the page's error box and its summary), never its name."""
    from django.urls import reverse

    from tests.form_pages import main_form_data

    client.force_login(User.objects.get(username="kbh-sekretariat"))
    url = reverse("indikatorer:create")
    data = main_form_data(client.get(url).content.decode())
    data |= {"title": "Andel i job", "unit": "percent", "direction": "higher"}
    data |= {"target_kind": "direction_only", "goal": "", "target": ""}
    page = client.post(url, data).content.decode()
    assert "Knyt indikatoren til et mål eller et sigtepunkt." in page
    assert "indicator_has_goal_or_target" not in page and "Begrænsning" not in page
