"""Committee staff create and edit their action plans; a new year reaches the generated plan."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from grants.models import ApplicationStatus, Pool
from grants.services.decisions import do_record_decision
from policies.models import ActionPlan
from tests.test_admin_money import form_data


@pytest.fixture
def grant(make_application, owner, staff_user):
    """grant(pool, title, asked, granted): an application asking `asked` ({year: kroner}),
    granted `granted` at the committee's meeting of 1 December 2026."""

    def make(pool, title, asked, granted):
        application = make_application(
            title=title,
            status=ApplicationStatus.RECOMMENDED,
            amounts={year: str(amount) for year, amount in asked.items()},
            created_by=owner,
            target_pool=pool,
        )
        do_record_decision(
            application_id=application.pk,
            outcome="approved",
            actor=staff_user,
            amounts={year: Decimal(amount) for year, amount in granted.items()},
            committee=application.committee,
            meeting_date=datetime.date(2026, 12, 1),
            reasons="Delvis." if granted != asked else "",
            appeal_guidance="Vejledning.",
        )
        return application

    return make


@pytest.fixture
def funded_2027(make_pool, grant):
    pool = make_pool(year=2027, budget="500000")
    return grant(pool, "Sprogmakkere 2027", {2027: 120000}, {2027: 120000})


def plan_form(client, url) -> dict:
    return form_data(client.get(url).content.decode(), form_id_suffix="action-plan-form")


def test_staff_create_a_plan_for_a_new_year_and_the_plan_shows_its_pool(
    staff_client, staff_user, policy, funded_2027
):
    start = staff_client.get(reverse("sekretariat:home")).content.decode()
    create_url = reverse("dokumenter:action-plan-create")
    assert create_url in start

    page = staff_client.get(create_url).content.decode()
    assert "Integrationspuljen 2027" in page  # the pool is offered
    data = plan_form(staff_client, create_url) | {
        "title": "Handleplan 2027",
        "policy": str(policy.pk),
        "year_start": "2027",
        "year_end": "2027",
        "introduction": "Året, hvor sprogmakkerne starter.",
        "pools": [str(funded_2027.pool_id)],
    }
    response = staff_client.post(create_url, data, follow=True)

    plan = ActionPlan.objects.get(title="Handleplan 2027")
    assert response.redirect_chain[-1][0] == reverse("dokumenter:action-plan", args=[plan.pk])
    html = response.content.decode()
    assert "Handleplanen er gemt." in html
    assert "Sprogmakkere 2027" in html
    assert "120.000" in html
    assert "Året, hvor sprogmakkerne starter." in html
    assert Pool.objects.get(pk=funded_2027.pool_id).action_plan == plan
    assert plan.history.first().history_user == staff_user

    listing = staff_client.get(reverse("dokumenter:action-plans")).content.decode()
    assert "Handleplan 2027" in listing
    pdf = staff_client.get(reverse("dokumenter:action-plan-pdf", args=[plan.pk]))
    assert pdf.status_code == 200


def test_staff_edit_a_plan_and_bad_input_keeps_what_was_typed(
    staff_client, policy, funded_2027, make_pool
):
    plan = ActionPlan.objects.create(
        policy=policy, title="Handleplan 2027", year_start=2027, year_end=2027
    )
    edit_url = reverse("dokumenter:action-plan-edit", args=[plan.pk])
    data = plan_form(staff_client, edit_url)
    assert data["title"] == "Handleplan 2027"

    # A pool outside the plan's years is refused with a Danish message; nothing is saved.
    pool_2030 = make_pool(year=2030)
    bad = data | {"title": "Handleplan 2027 (ny)", "pools": [str(pool_2030.pk)]}
    response = staff_client.post(edit_url, bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "er for 2030 og ligger uden for handleplanens år (2027)." in html
    assert 'value="Handleplan 2027 (ny)"' in html
    plan.refresh_from_db()
    assert plan.title == "Handleplan 2027"
    assert Pool.objects.get(pk=pool_2030.pk).action_plan is None

    # Three years is refused, too.
    response = staff_client.post(edit_url, data | {"year_start": "2027", "year_end": "2029"})
    assert response.status_code == 400
    assert "En handleplan dækker et eller to år." in response.content.decode()

    good = data | {"year_end": "2028", "pools": [str(funded_2027.pool_id)]}
    assert staff_client.post(edit_url, good).status_code == 302
    plan.refresh_from_db()
    assert (plan.year_end, plan.version) == (2028, 2)

    # A stale form (someone saved meanwhile) does not overwrite.
    response = staff_client.post(edit_url, data | {"title": "Gammel udgave"})
    assert response.status_code == 409
    assert 'value="Gammel udgave"' in response.content.decode()
    plan.refresh_from_db()
    assert plan.title == "Handleplan 2027"


def test_other_municipalities_plans_are_not_editable(staff_client, demo):
    other = ActionPlan.objects.exclude(policy__municipality__slug="testrup").first()
    response = staff_client.get(reverse("dokumenter:action-plan-edit", args=[other.pk]))
    assert response.status_code == 404


def test_the_plan_is_headed_by_its_pools_scheme(staff_client, make_pool):
    """Fresh eyes round 21: a plan for the § 18 pool was headed "… – Integrationspuljen"
    on the page, in the PDF and on the spreadsheet's sheet."""
    from grants.models import Scheme

    pool = make_pool(year=2027)
    scheme = Scheme.objects.create(
        municipality=pool.municipality, name="Puljen til frivilligt socialt arbejde"
    )
    plan = ActionPlan.objects.create(
        policy=pool.policy, title="Handleplan § 18", year_start=2027, year_end=2027
    )
    Pool.objects.filter(pk=pool.pk).update(scheme=scheme, action_plan=plan)

    page = staff_client.get(reverse("dokumenter:action-plan", args=[plan.pk])).content.decode()

    assert "Oversigt over projekter/indsatser – Puljen til frivilligt socialt arbejde" in page
    assert "Integrationspuljen" not in page


def test_a_project_in_the_plan_shows_what_was_granted_above_what_was_asked(
    staff_client, make_pool, grant
):
    """Fresh eyes round 21: each project's section showed the amounts asked for under
    "Beløb fra puljen", read as the grant."""
    pool = make_pool(year=2027, budget="500000")
    grant(pool, "Jobmentor", {2027: 200000}, {2027: 150000})
    plan = ActionPlan.objects.create(
        policy=pool.policy, title="Handleplan 2027", year_start=2027, year_end=2027
    )
    Pool.objects.filter(pk=pool.pk).update(action_plan=plan)

    page = staff_client.get(reverse("dokumenter:action-plan", args=[plan.pk])).content.decode()

    granted = page.split('data-testid="plan-granted">', 1)[1].split("</p>", 1)[0]
    assert "150.000 kr." in granted and "200.000" not in granted
    assert "Søgt fra puljen (op til" in page and "Beløb fra puljen (op til" not in page
    pdf = staff_client.get(reverse("dokumenter:action-plan-pdf", args=[plan.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Bevilget fra puljen: 2027: 150.000 kr." in " ".join(text.split())


def test_the_results_of_a_pool_include_the_grants_whose_later_year_it_pays(
    staff_client, make_pool, grant
):
    """Fresh eyes round 21: the 2028 pool's results said "Ingen bevilgede indsatser" while
    its balance showed 100.000 kr. granted to a 2027 application's second year."""
    pool = make_pool(year=2027, budget="500000")
    later = make_pool(year=2028, budget="500000")
    both = {2027: 100000, 2028: 100000}
    grant(pool, "Toårig indsats", both, both)
    page = staff_client.get(reverse("dokumenter:results"), {"pulje": later.pk})
    assert "Toårig indsats" in page.content.decode()
