"""Staff see which following-year pools the applications need, and create one from there."""

import html as html_lib
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from grants.models import Allocation, Pool
from tests.page_crawl import visible_text
from tests.staff_support import decide
from tests.test_admin_money import form_data
from tests.test_decision_letter import pdf_text


@pytest.fixture
def two_year_application(make_pool, make_recommended):
    """The 2027 pool invites requests for 2027 and 2028; no 2028 pool exists."""
    pool = make_pool(year=2027, budget="500000")
    return make_recommended({2027: "100000", 2028: "50000"}, target_pool=pool)


@pytest.fixture
def make_recommended(make_application, owner):
    from grants.models import ApplicationStatus

    def make(amounts, **extra):
        return make_application(
            status=ApplicationStatus.RECOMMENDED, amounts=amounts, created_by=owner, **extra
        )

    return make


# What staff type into the prefilled form of a missing year's pool.
NEW_POOL = {
    "budget": "400.000",
    "application_deadline": "2028-01-15T12:00",
    "evaluation_threshold": "100.000",
}


def create_links(html: str) -> dict[str, str]:
    """ "Opret pulje for 2028" → its address."""
    return {
        label: html_lib.unescape(href)
        for href, label in re.findall(
            r'<a class="btn btn-warning" href="([^"]+)">([^<]+)</a>', html
        )
    }


def test_pool_and_decision_pages_offer_the_missing_pool(
    staff_client, two_year_application, django_capture_on_commit_callbacks
):
    application = two_year_application
    pool_page = staff_client.get(reverse("sekretariat:pool", args=[application.pool_id]))
    assert list(create_links(pool_page.content.decode())) == ["Opret pulje for 2028"]

    # The recommendation form says it first, and the recommendation's sums say "ingen pulje
    # endnu" for the year in the page, the PDF and the Excel (fresh eyes round 18: "–").
    from grants.models import Application, ApplicationStatus

    in_review = Application.objects.filter(pk=application.pk)
    in_review.update(status=ApplicationStatus.IN_REVIEW)
    recommend = staff_client.get(reverse("sekretariat:recommend", args=[application.pk]))
    assert list(create_links(recommend.content.decode())) == ["Opret pulje for 2028"]
    in_review.update(status=ApplicationStatus.RECOMMENDED)
    recommendation = reverse("sekretariat:recommendation", args=[application.pool_id])
    sums = visible_text(staff_client.get(recommendation).content.decode())
    assert "2028 0 kr. ingen pulje endnu ingen pulje endnu" in sums
    pdf = staff_client.get(recommendation.rstrip("/") + ".pdf")
    assert "ingen pulje endnu" in pdf_text(pdf.content)
    xlsx = staff_client.get(recommendation.rstrip("/") + ".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert "ingen pulje endnu" in [cell.value for row in sheet.iter_rows() for cell in row]

    decision_url = reverse("sekretariat:decide", args=[application.pk])
    page = staff_client.get(decision_url).content.decode()
    assert "Der mangler puljer for de følgende år" in page
    assert "Der er søgt penge for 2028, som kommunen endnu ikke har en pulje for." in page
    link = create_links(page)["Opret pulje for 2028"]

    # The create form is filled in with the year, policy and title.
    form_page = staff_client.get(link)
    assert form_page.status_code == 200
    data = form_data(form_page.content.decode(), form_id_suffix="")
    assert data["year"] == "2028"
    assert data["title"] == "Integrationspuljen 2028"
    assert data["policy"] == str(application.pool.policy_id)
    assert data["next"] == decision_url

    response = staff_client.post(link.split("?")[0], data | NEW_POOL)
    assert response.status_code == 302
    assert response.url == decision_url  # back where the user came from
    new_pool = Pool.objects.get(municipality=application.municipality, year=2028)
    assert new_pool.budget == 400000

    page = staff_client.get(decision_url).content.decode()
    assert "Der mangler puljer" not in page
    response = decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2027="100.000",
        amount_2028="50.000",
    )
    assert "Beslutningen er registreret" in response.content.decode()
    assert Allocation.objects.filter(application=application, pool=new_pool).exists()


def test_an_example_pools_following_year_is_made_an_example_pool(
    staff_client, two_year_application, django_capture_on_commit_callbacks
):
    """Fresh eyes round 22: from an example pool, "Opret pulje for 2028" made a real pool,
    and the decision was refused: "der er ingen pulje med eksempeldata for 2028"."""
    application = two_year_application
    Pool.objects.filter(pk=application.pool_id).update(is_example=True)
    decision_url = reverse("sekretariat:decide", args=[application.pk])
    link = create_links(staff_client.get(decision_url).content.decode())["Opret pulje for 2028"]
    form_page = staff_client.get(link)
    data = form_data(form_page.content.decode(), form_id_suffix="")
    assert data["is_example"] == "on"  # as rendered: ticked
    assert staff_client.post(link.split("?")[0], data | NEW_POOL).status_code == 302
    new_pool = Pool.objects.get(municipality=application.municipality, year=2028, is_example=True)
    response = decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2027="100.000",
        amount_2028="50.000",
    )
    assert "Beslutningen er registreret" in response.content.decode()
    assert Allocation.objects.filter(application=application, pool=new_pool).exists()
    # Editing it offers no way to make it real (its grants would enter the open data).
    edit = staff_client.get(reverse("sekretariat:pool-edit", args=[new_pool.pk]))
    assert 'name="is_example"' not in edit.content.decode()


def test_nothing_is_offered_when_every_year_has_a_pool(staff_client, make_pool, make_recommended):
    make_pool(year=2028, budget="500000")
    application = make_recommended(
        {2027: "100000", 2028: "50000"}, target_pool=make_pool(year=2027)
    )
    page = staff_client.get(reverse("sekretariat:pool", args=[application.pool_id]))
    assert 'data-testid="missing-pools"' not in page.content.decode()


def test_a_foreign_next_address_is_not_followed(staff_client, two_year_application):
    url = reverse("sekretariat:pool-create") + "?aar=2028&next=https://example.com/"
    html = staff_client.get(url).content.decode()
    assert 'value="https://example.com/"' not in html
    data = form_data(html, form_id_suffix="") | {
        "title": "Integrationspuljen 2028",
        "policy": str(two_year_application.pool.policy_id),
        "budget": "400.000",
        "application_deadline": "2028-01-15T12:00",
        "evaluation_threshold": "100.000",
        "next": "https://example.com/",
    }
    response = staff_client.post(reverse("sekretariat:pool-create"), data)
    assert response.status_code == 302
    new_pool = Pool.objects.get(year=2028)
    assert response.url == reverse("sekretariat:pool", args=[new_pool.pk])


def test_the_plans_second_year_is_offered_with_the_plan(staff_client, make_pool, policy):
    from policies.models import ActionPlan

    plan = ActionPlan.objects.create(
        policy=policy, title="Handleplan 2027-2028", year_start=2027, year_end=2028
    )
    pool = make_pool(year=2027, action_plan=plan)
    html = staff_client.get(reverse("sekretariat:pool", args=[pool.pk])).content.decode()
    link = create_links(html)["Opret pulje for 2028"]
    data = form_data(staff_client.get(link).content.decode(), form_id_suffix="")
    assert (data["year"], data["action_plan"]) == ("2028", str(plan.pk))


@pytest.mark.django_db
def test_a_year_asked_zero_kroner_is_not_missing(staff_client, make_recommended, make_pool):
    """Round three: the decision page warned of a missing 2027 pool for an application that
    asked 0 kr. for 2027."""
    application = make_recommended({2026: "100000", 2027: "0"})
    page = staff_client.get(reverse("sekretariat:decide", args=[application.pk])).content.decode()
    assert "Opret pulje for 2027" not in page

    # A year not asked for that has a pool is "Ikke søgt", not "Søgt: 0 kr." (fresh eyes
    # round 13).
    make_pool(year=2027)
    page = staff_client.get(reverse("sekretariat:decide", args=[application.pk])).content.decode()
    assert "Søgt: 0 kr." not in page
    assert "Ikke søgt – puljen for 2027 har" in page


def test_the_decision_form_says_what_each_years_pool_has_left(staff_client, two_year_application):
    """Fresh eyes round 10: the form was filled in with 50.000 kr. for 2028, which has no pool,
    and refused it on saving; what the pool had left was only told after a refusal."""
    from grants.models import Recommendation, RecommendedAmount

    application = two_year_application
    recommendation = Recommendation.objects.filter(application=application).first()
    if recommendation is not None:
        RecommendedAmount.objects.filter(recommendation=recommendation).delete()
    page = staff_client.get(reverse("sekretariat:decide", args=[application.pk])).content.decode()
    data = form_data(page, form_id_suffix="")
    assert data.get("amount_2028", "") == ""  # no pool for 2028: not filled in
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", page))
    assert "Søgt: 100.000 kr. – puljen for 2027 har 500.000 kr. til rådighed." in " ".join(
        text.split()
    )
    assert "der er ingen pulje for 2028 endnu" in text


def test_the_next_round_starts_with_the_last_rounds_rules(staff_client, two_year_application):
    """Fresh eyes round 11: "Opret pulje for 2028" from an associations' pool opened with
    "Kommunens afdelinger"."""
    application = two_year_application
    Pool.objects.filter(pk=application.pool_id).update(
        applicants="organisations", max_grant_years=3, contact="Puljekontoret"
    )
    page = staff_client.get(reverse("sekretariat:pool", args=[application.pool_id]))
    link = create_links(page.content.decode())["Opret pulje for 2028"]
    data = form_data(staff_client.get(link).content.decode(), form_id_suffix="")
    assert (data["applicants"], data["max_grant_years"]) == ("organisations", "3")
    assert data["contact"].strip() == "Puljekontoret"
