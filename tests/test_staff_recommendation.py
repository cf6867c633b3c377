"""Staff recommend applications to the committee ("indstilling"), and the pool's
recommendation page sums the recommended amounts per year against the money available."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import (
    ApplicationStatus,
    ProposedAmount,
    Recommendation,
    ReservedLine,
    Review,
)
from grants.services.decisions import do_record_decision
from grants.services.review import do_recommend
from portal.models import Role, User
from tests.staff_support import messages_of, status_of


@pytest.fixture
def application(pools, make_application):
    return make_application(
        title="Kvinder i job",
        status=ApplicationStatus.IN_REVIEW,
        amounts={2026: "100000", 2027: "50000"},
    )


def recommend(client, application, **data):
    return client.post(reverse("sekretariat:recommend", args=[application.pk]), data, follow=True)


def test_recommending_sets_the_status_and_shows_the_recommendation(staff_client, application):
    response = recommend(
        staff_client,
        application,
        summary="Indsatsen rammer målgruppen godt.",
        amount_2026="80.000",
        amount_2027="50.000",
    )

    assert "Ansøgningen er indstillet til udvalget." in messages_of(response)
    assert status_of(application) == ApplicationStatus.RECOMMENDED
    html = response.content.decode()
    assert "Status: <strong>Indstillet</strong>" in html
    assert (
        '2026: <span class="money">80.000 kr.</span> · 2027: <span class="money">50.000 kr.</span>'
        in html
    )
    assert "Indsatsen rammer målgruppen godt." in html


def test_the_applicant_never_reads_staff_internal_comments(
    staff_client, application, caseworker, staff_user
):
    """The secretariat's assessment to the committee (and why a review was reopened) stays
    with staff: the applicant's history shows the step, not the text."""
    from django.test import Client

    from grants.services.review import do_reopen_review

    application.created_by = caseworker
    application.save()
    recommend(staff_client, application, summary="Svag ledelse; 80.000 er nok.", amount_2026="1")
    from tests.test_decision_letter import pdf_text

    reader = Client()
    reader.force_login(caseworker)
    copy = pdf_text(reader.get(reverse("mine:pdf", args=[application.pk])).content)
    assert "status: Afventer beslutning" in " ".join(copy.split())  # the PDF copy too
    do_reopen_review(application_id=application.pk, actor=staff_user)
    applicant = Client()
    applicant.force_login(caseworker)
    page = applicant.get(reverse("mine:detail", args=[application.pk])).content.decode()
    history = page.split('id="history-heading"', 1)[1]
    # In the applicant's words: "Indstillet" reads as "called off" to a volunteer (fresh
    # eyes round 22); the staff page keeps the office word.
    assert "Afventer beslutning" in history and "Indstillet" not in history
    assert "Svag ledelse" not in page

    staff_page = staff_client.get(reverse("sekretariat:application", args=[application.pk]))
    assert "Svag ledelse; 80.000 er nok." in staff_page.content.decode()
    assert "Indstillet" in staff_page.content.decode().split('id="history-heading"', 1)[1]


def test_the_form_is_prefilled_with_the_reviewers_average_proposal(
    staff_client, staff_user, application, municipality
):
    colleague = User.objects.create_user(
        username="kollega", role=Role.COMMITTEE_STAFF, municipality=municipality
    )
    for reviewer, amount in ((staff_user, "60000"), (colleague, "80000")):
        review = Review.objects.create(application=application, reviewer=reviewer)
        ProposedAmount.objects.create(review=review, year=2026, amount=Decimal(amount))

    html = staff_client.get(reverse("sekretariat:recommend", args=[application.pk])).content
    html = html.decode()

    assert 'name="amount_2026" value="70.000"' in html


def test_the_form_is_prefilled_with_the_requested_amounts_without_reviews(
    staff_client, application
):
    html = staff_client.get(reverse("sekretariat:recommend", args=[application.pk])).content
    html = html.decode()

    assert 'name="amount_2026" value="100.000"' in html
    assert 'name="amount_2027" value="50.000"' in html


def test_recommending_more_than_requested_is_refused(staff_client, application):
    response = staff_client.post(
        reverse("sekretariat:recommend", args=[application.pk]),
        {"summary": "Fin indsats.", "amount_2026": "100.001", "amount_2027": "50.000"},
    )

    assert response.status_code == 400
    message = "Der er søgt 100.000 kr. for 2026; der kan ikke foreslås eller indstilles mere."
    assert messages_of(response) == ["Intet er gemt. Ret de markerede felter."]  # not twice …
    assert response.context["form"].errors["amount_2026"] == [message]  # … it is at the field
    assert status_of(application) == ApplicationStatus.IN_REVIEW
    assert not Recommendation.objects.exists()


def test_a_recommendation_needs_a_summary(staff_client, application):
    response = staff_client.post(
        reverse("sekretariat:recommend", args=[application.pk]),
        {"summary": "", "amount_2026": "100.000"},
    )

    assert response.status_code == 400
    assert "Dette felt er påkrævet." in response.content.decode()
    assert status_of(application) == ApplicationStatus.IN_REVIEW


def totals_of(response) -> dict[str, list[str]]:
    """The sums table: {year: [recommended, available, remaining]}."""
    html = response.content.decode()
    html = html[html.index("Indstillet i alt mod puljernes rådighedsbeløb") :]
    rows = re.findall(r'<th scope="row">(\d{4})</th>(.*?)</tr>', html, re.S)
    return {
        year: [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r">([^<]*)</td>", cells)]
        for year, cells in rows
    }


def row_of(response, title) -> list[str]:
    """One application's amounts: requested and recommended for each of the two years."""
    html = response.content.decode()
    row = html[html.index(f">{title}</a>") :]
    row = row[: row.index("</tr>")]
    return re.findall(r'<td class="money">(.*?)</td>', row)


def test_recommendation_page_sums_per_year_against_what_is_available(
    staff_client, staff_user, pools, make_application
):
    pool_2026, _pool_2027 = pools
    ReservedLine.objects.create(pool=pool_2026, title="Priser", amount=Decimal("40000"))
    funded = make_application(
        title="Allerede bevilget", status=ApplicationStatus.RECOMMENDED, amounts={2026: "300000"}
    )
    do_record_decision(
        application_id=funded.pk,
        outcome="approved",
        actor=staff_user,
        amounts={2026: Decimal("300000")},
        committee=funded.committee,
        meeting_date=datetime.date(2026, 3, 1),
    )  # 2026 now has 500.000 - 40.000 - 300.000 = 160.000 available
    women = make_application(
        title="Kvinder i job",
        status=ApplicationStatus.IN_REVIEW,
        amounts={2026: "150000", 2027: "50000"},
    )
    cricket = make_application(
        title="Cricket for piger", status=ApplicationStatus.IN_REVIEW, amounts={2026: "60000"}
    )
    make_application(
        title="Ikke vurderet endnu", status=ApplicationStatus.SUBMITTED, amounts={2026: "10000"}
    )
    for app, amounts in ((women, {2026: "120000", 2027: "50000"}), (cricket, {2026: "60000"})):
        do_recommend(
            application_id=app.pk,
            actor=staff_user,
            summary=f"Indstilles: {app.title}.",
            amounts={year: Decimal(amount) for year, amount in amounts.items()},
        )

    response = staff_client.get(reverse("sekretariat:recommendation", args=[pool_2026.pk]))

    assert row_of(response, "Kvinder i job") == [
        "150.000 kr.",
        "120.000 kr.",
        "50.000 kr.",
        "50.000 kr.",
    ]
    assert row_of(response, "Cricket for piger") == ["60.000 kr.", "60.000 kr.", "–", "–"]
    assert row_of(response, "Ikke vurderet endnu") == ["10.000 kr.", "–", "–", "–"]
    assert "Allerede bevilget" not in response.content.decode()
    # The table's own "I alt" row, as in its Excel file (fresh eyes round 19).
    html = response.content.decode()
    footer = html[html.index("<tfoot>") : html.index("</tfoot>")]
    assert re.findall(r'<td class="money fw-bold">(.*?)</td>', footer) == [
        "220.000 kr.",
        "180.000 kr.",
        "50.000 kr.",
        "50.000 kr.",
    ]
    totals = totals_of(response)
    assert totals["2026"] == ["180.000 kr.", "160.000 kr.", "-20.000 kr. (overskredet)"]
    assert totals["2027"] == ["50.000 kr.", "500.000 kr.", "450.000 kr."]


def test_recommendation_page_without_a_pool_for_the_second_year(staff_client, make_pool):
    pool = make_pool(year=2026)

    response = staff_client.get(reverse("sekretariat:recommendation", args=[pool.pk]))

    totals = totals_of(response)
    assert totals["2026"] == ["0 kr.", "500.000 kr.", "500.000 kr."]
    assert totals["2027"] == ["0 kr.", "ingen pulje endnu", "ingen pulje endnu"]
    assert "overskredet" not in response.content.decode()
    assert "Ingen ansøgninger er under behandling." in response.content.decode()


def test_a_review_cannot_propose_more_than_was_applied_for(staff_client, application):
    """Fresh eyes: a proposal for a year with nothing applied for was accepted, then copied
    into the recommendation form, which refused it."""
    from grants.models import Review

    response = staff_client.post(
        reverse("sekretariat:review", args=[application.pk]),
        {
            **{
                f"score_{c}": "3"
                for c in ("fit", "target_group", "feasibility", "anchoring", "budget")
            },
            "comment": "Fin.",
            "amount_2026": "100.001",
            "amount_2027": "",
            "version": "0",
        },
    )
    assert response.status_code == 400
    assert "amount_2026" in response.context["form"].errors
    assert not Review.objects.exists()


def test_recommending_beyond_the_pool_says_so_at_once(staff_client, pools, make_application):
    """Attack round 8: 400.000 kr. recommended with 260.000 kr. left was saved without a
    word; only the pool's recommendation page showed "(overskredet)"."""
    first = make_application(
        title="Først", status=ApplicationStatus.IN_REVIEW, amounts={2026: "300000"}
    )
    second = make_application(
        title="Anden", status=ApplicationStatus.IN_REVIEW, amounts={2026: "400000"}
    )
    within = recommend(staff_client, first, summary="God.", amount_2026="300.000")
    assert not [m for m in messages_of(within) if m.startswith("Bemærk")]
    beyond = recommend(staff_client, second, summary="God.", amount_2026="400.000")
    assert status_of(second) == ApplicationStatus.RECOMMENDED  # allowed: the committee decides
    assert (
        "Bemærk: puljens indstillinger for 2026 er nu 200.000 kr. over det, puljen har til "
        "rådighed. Udvalget kan ikke bevilge dem alle."
    ) in messages_of(beyond)


def test_every_view_of_the_recommendation_names_all_the_committees(
    staff_client, application, committee
):
    """Fresh eyes round 12: the application list said "AUU/UU", the recommendation page, its
    PDF and its sheet only "AUU"."""
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from portal.models import Committee

    other = Committee.objects.create(
        municipality=committee.municipality, name="Beskæftigelsesudvalget", abbreviation="BU"
    )
    application.co_committees.add(other)
    pool = application.pool
    page = staff_client.get(reverse("sekretariat:recommendation", args=[pool.pk]))
    assert "SU/BU" in page.content.decode()
    queue = staff_client.get(reverse("sekretariat:queue", args=[pool.pk]))
    assert "SU/BU" in queue.content.decode()
    pdf = staff_client.get(reverse("dokumenter:recommendation-pdf", args=[pool.pk]))
    content = b"".join(pdf) if pdf.streaming else pdf.content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "SU/BU" in text
    sheet = staff_client.get(reverse("dokumenter:recommendation-xlsx", args=[pool.pk]))
    content = b"".join(sheet) if sheet.streaming else sheet.content
    cells = [c.value for row in load_workbook(io.BytesIO(content)).active for c in row]
    assert "SU/BU" in cells


def test_the_recommendation_as_it_went_to_the_committee_can_be_fetched_after_the_decision(
    staff_client, staff_user, pools, make_application
):
    """Fresh eyes round 16: once the committee had decided, the pool's recommendation (page,
    PDF and Excel) said "no applications" — nothing left for the minutes. Asked for, it
    shows the decided ones with their recommendation, and the money as before the grant."""
    import io

    from openpyxl import load_workbook

    pool_2026, _pool_2027 = pools
    women = make_application(
        title="Kvinder i job", status=ApplicationStatus.IN_REVIEW, amounts={2026: "150000"}
    )
    do_recommend(
        application_id=women.pk,
        actor=staff_user,
        summary="Indstilles.",
        amounts={2026: Decimal("120000")},
    )
    do_record_decision(
        application_id=women.pk,
        outcome="approved",
        actor=staff_user,
        amounts={2026: Decimal("150000")},
        committee=women.committee,
        meeting_date=datetime.date(2026, 3, 1),
    )
    url = reverse("sekretariat:recommendation", args=[pool_2026.pk])
    page = staff_client.get(url)
    assert "Ingen ansøgninger er under behandling." in page.content.decode()
    assert 'data-testid="with-decided"' in page.content.decode()

    page = staff_client.get(url + "?afgjorte=1")
    assert row_of(page, "Kvinder i job") == ["150.000 kr.", "120.000 kr.", "–", "–"]
    # The 150.000 kr. granted since is counted back: 500.000 - 120.000 recommended.
    assert totals_of(page)["2026"] == ["120.000 kr.", "500.000 kr.", "380.000 kr."]
    xlsx = staff_client.get(
        reverse("dokumenter:recommendation-xlsx", args=[pool_2026.pk]) + "?afgjorte=1"
    )
    content = b"".join(xlsx) if xlsx.streaming else xlsx.content
    cells = [c.value for r in load_workbook(io.BytesIO(content)).active for c in r]
    assert "Kvinder i job" in cells


def test_a_recommended_year_without_a_pool_is_marked_as_not_grantable_now(
    staff_client, application
):
    """Fresh eyes round 31: 2028 money was recommended and shown like any other year,
    though the decision form refuses it until the scheme has a 2028 pool."""
    from grants.models import Pool

    recommend(staff_client, application, summary="God.", amount_2026="80.000", amount_2027="50.000")
    Pool.objects.filter(year=2027).delete()
    html = staff_client.get(reverse("sekretariat:application", args=[application.pk])).content
    section = html.decode().split('id="recommendation-heading"', 1)[1].split("</section>")[0]
    marks = re.findall(
        r'(\d{4}): <span class="money">[^<]*</span>( <span[^>]*no-pool-year)?', section
    )
    assert [(year, bool(mark)) for year, mark in marks] == [("2026", False), ("2027", True)]
