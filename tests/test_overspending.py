"""Reported spending above a year's grant needs the caseworker's explanation, is flagged to
staff, is accepted only deliberately and is shown apart in the pool's totals."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Pool, Report, ReportKind, ReportStatus
from grants.selectors import pool_spending
from portal.models import User
from tests.form_pages import parse_forms
from tests.test_caseworker_forms import report_post

EXPLAIN = "Forklaring på merforbrug"


@pytest.fixture
def final_report(demo):
    """'Kvinder i job' got 150.000 kr. from Frederiksberg's 2021 pool (budget 722.000 kr.)."""
    return Report.objects.get(application__title="Kvinder i job", kind=ReportKind.FINAL)


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def complete(report, **changes):
    results = {f"achieved_{c.pk}": "75" for c in report.application.success_criteria.all()}
    return report_post(
        report,
        **results,
        summary="Halvdelen af deltagerne er i job.",
        anchoring_status="Fortsætter i Center for Integration.",
        **changes,
    )


def balance_rows(html: str) -> dict[str, str]:
    table = html[html.index('id="balance-heading"') :]
    table = table[: table.index("</table>")]
    return dict(
        re.findall(r'<th scope="row">(.*?)</th><td class="money[^"]*"[^>]*>(.*?)</td>', table)
    )


def test_spending_above_the_grant_needs_an_explanation(client, final_report):
    login(client, "frb-sagsbehandler")
    page = reverse("mine:report", args=[final_report.pk])
    assert EXPLAIN in client.get(page).content.decode()

    response = client.post(
        page, complete(final_report, spent_2021="999.999", submit=""), follow=True
    )

    html = response.content.decode()
    assert "Rapporten er gemt, men ikke sendt" in html
    assert "Forbruget er større end bevillingen" in html
    assert "brugt 999.999 kr. af 150.000 kr., 849.999 kr. for meget" in html
    # Marked at the field to fill in, and linked from the summary (fresh eyes round 28).
    import re

    field = re.search(r"<textarea[^>]*id=\"id_overspend_explanation\"[^>]*>", html)[0]
    assert "is-invalid" in field
    assert 'href="#id_overspend_explanation"' in html
    # Saved as typed, not sent (fresh eyes round 24: a reload lost the whole report).
    reloaded = client.get(page).content.decode()
    assert 'value="999.999"' in reloaded
    assert "Halvdelen af deltagerne er i job." in reloaded
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.REQUESTED

    explained = complete(
        final_report,
        spent_2021="999.999",
        overspend_explanation="Kommunen lagde 849.999 kr. til fra egen drift.",
        submit="",
    )
    response = client.post(page, explained)
    assert response.status_code == 302
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.SUBMITTED
    assert final_report.overspend_explanation.startswith("Kommunen lagde")


def test_spending_within_the_grant_needs_no_explanation(client, final_report):
    login(client, "frb-sagsbehandler")
    page = reverse("mine:report", args=[final_report.pk])
    response = client.post(page, complete(final_report, spent_2021="150.000", submit=""))
    assert response.status_code == 302
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.SUBMITTED


def submit_overspent(client, report):
    login(client, "frb-sagsbehandler")
    client.post(
        reverse("mine:report", args=[report.pk]),
        complete(
            report,
            spent_2021="999.999",
            overspend_explanation="Kommunen lagde 849.999 kr. til fra egen drift.",
            submit="",
        ),
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_staff_see_the_flag_and_accept_only_deliberately(client, final_report):
    submit_overspent(client, final_report)
    pool = Pool.objects.get(municipality__slug="frederiksberg", year=2021)
    before = pool_spending(pool)
    login(client, "frb-sekretariat")

    overview = client.get(reverse("sekretariat:reports")).content.decode()
    submitted = overview[overview.index('id="submitted-heading"') :]
    submitted = submitted[: submitted.index("</section>")]
    assert "Kvinder i job" in submitted
    assert "Forbrug over bevillingen" in submitted

    page = reverse("sekretariat:report", args=[final_report.pk])
    html = client.get(page).content.decode()
    assert 'data-testid="overspend"' in html
    assert "brugt 999.999 kr. af 150.000 kr., 849.999 kr. for meget" in html
    assert "Kommunen lagde 849.999 kr. til fra egen drift." in html
    assert "Jeg har set merforbruget og godkender det" in html

    refused = client.post(page, {"accept": "", "comment": "OK", "amount_2021": "999.999"})
    assert refused.status_code == 400
    assert "sæt kryds i »Jeg har set merforbruget" in refused.content.decode()
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.SUBMITTED

    accepted = client.post(
        page,
        {"accept": "", "comment": "OK", "amount_2021": "999.999", "acknowledge_overspend": "on"},
    )
    assert accepted.status_code == 302
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.ACCEPTED

    # The pool's totals: 150.000 kr. spent from the grant, 849.999 kr. shown apart.
    after = pool_spending(pool)
    assert after.above - before.above == Decimal("849999")
    assert after.within - before.within <= Decimal("150000")
    rows = balance_rows(client.get(reverse("sekretariat:pool", args=[pool.pk])).content.decode())
    assert rows["Brugt ud over bevillingerne (ikke af puljen)"] == "849.999 kr."
    within = rows["Brugt af bevillingerne ifølge godkendte rapporter"]
    within = Decimal(within.removesuffix(" kr.").replace(".", ""))
    assert within <= pool.budget


def test_staff_cannot_raise_spending_past_the_grant_unnoticed(client, final_report):
    login(client, "frb-sagsbehandler")
    client.post(
        reverse("mine:report", args=[final_report.pk]),
        complete(final_report, spent_2021="100.000", unspent_amount="50.000", submit=""),
    )
    login(client, "frb-sekretariat")
    page = reverse("sekretariat:report", args=[final_report.pk])
    assert 'data-testid="overspend"' not in client.get(page).content.decode()

    response = client.post(page, {"accept": "", "comment": "", "amount_2021": "999.999"})

    assert response.status_code == 400
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.SUBMITTED
    assert final_report.spent_amounts.get().amount == Decimal("100000")  # rolled back


def test_unspent_money_cannot_exceed_what_was_not_spent(demo):
    """Attack finding: 999.999 kr. unspent of a 150.000 kr. grant was accepted as fact."""
    from decimal import Decimal

    from grants.models import Report
    from grants.services.errors import DomainError
    from grants.services.spending import check_unspent

    report = Report.objects.filter(application__title="Kvinder i job").first()
    year = report.application.allocations.first().pool.year
    with pytest.raises(DomainError) as refused:
        check_unspent(
            application_id=report.application_id,
            spent={year: Decimal("150000")},
            unspent=Decimal("999999"),
        )
    assert refused.value.field == "unspent_amount"
    assert refused.value.message == (
        "I har brugt 150.000 kr. af bevillingen på 150.000 kr., så højst 0 kr. kan være ubrugt."
    )
    # Nothing reported spent: the message does not say the rest was spent (fresh eyes).
    with pytest.raises(DomainError) as refused:
        check_unspent(application_id=report.application_id, spent={}, unspent=Decimal("999999"))
    assert (
        refused.value.message == "Der kan højst være 150.000 kr. ubrugt: det er hele bevillingen."
    )
    check_unspent(
        application_id=report.application_id,
        spent={year: Decimal("100000")},
        unspent=Decimal("50000"),
    )


def test_staff_cannot_raise_spending_above_what_was_reported_and_granted(client, final_report):
    """Attack round 4: an acceptance with the acknowledgement box ticked raised the reported
    figure to 99.999.999.999 kr. Staff correct downwards; more spending is the caseworker's to
    report and explain."""
    submit_overspent(client, final_report)  # 999.999 kr. reported, with an explanation
    login(client, "frb-sekretariat")
    page = reverse("sekretariat:report", args=[final_report.pk])

    response = client.post(
        page,
        {
            "accept": "",
            "comment": "",
            "amount_2021": "99.999.999.999",
            "acknowledge_overspend": "on",
        },
    )

    assert response.status_code == 400
    assert "kan højst rettes til 999.999 kr." in response.content.decode()
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.SUBMITTED
    assert final_report.spent_amounts.get(year=2021).amount == Decimal("999999")
    lowered = client.post(
        page, {"accept": "", "comment": "", "amount_2021": "140.000", "acknowledge_overspend": ""}
    )
    assert lowered.status_code == 302
    assert final_report.spent_amounts.get(year=2021).amount == Decimal("140000")


def test_staff_cannot_raise_spending_past_what_was_left_unspent(client, final_report):
    """Fresh eyes (round 5): 140.000 kr. spent and 10.000 kr. unspent of 150.000 kr.; staff
    raised spending to 150.000 kr. and the report said 160.000 kr. of a 150.000 kr. grant."""
    login(client, "frb-sagsbehandler")
    client.post(
        reverse("mine:report", args=[final_report.pk]),
        complete(final_report, spent_2021="140.000", unspent_amount="10.000", submit=""),
    )
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.SUBMITTED
    login(client, "frb-sekretariat")
    page = reverse("sekretariat:report", args=[final_report.pk])

    response = client.post(page, {"accept": "", "comment": "", "amount_2021": "150.000"})

    assert response.status_code == 400
    assert "bliver det mere end bevillingen" in response.content.decode()
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.SUBMITTED
    assert final_report.spent_amounts.get(year=2021).amount == Decimal("140000")
    assert (
        client.post(page, {"accept": "", "comment": "", "amount_2021": "135.000"}).status_code
        == 302
    )


@pytest.fixture
def grant_into_next_year(final_report):
    """'Kvinder i job' also granted 50.000 kr. in a year that has not begun."""
    from django.utils import timezone

    from grants.models import Allocation

    application = final_report.application
    first = application.allocations.select_related("pool", "decision").first()
    next_year = timezone.localdate().year + 1
    pool = Pool.objects.filter(scheme=first.pool.scheme, year=next_year).first()
    if pool is None:
        pool = Pool.objects.create(
            municipality=first.pool.municipality,
            scheme=first.pool.scheme,
            policy=first.pool.policy,
            year=next_year,
            title=f"Integrationspuljen {next_year}",
            budget=Decimal("500000"),
        )
    Allocation.objects.create(
        application=application,
        pool=pool,
        decision=first.decision,
        amount=Decimal("50000"),
        created_by=first.created_by,
    )
    return next_year


def test_no_money_is_spent_in_a_year_that_has_not_begun(client, final_report, grant_into_next_year):
    """Fresh eyes: the whole of next year's grant could be reported spent in December, and
    the final report then settled next year too."""
    year = grant_into_next_year
    login(client, "frb-sagsbehandler")
    page = reverse("mine:report", args=[final_report.pk])
    form = client.get(page).content.decode()
    assert f"Brugt i {year}" in form
    # No "Gem og indsend" that can only be refused (fresh eyes round 16); "Gem" stays.
    assert 'name="submit"' not in form and 'name="save"' in form
    # Said before, not refused after (fresh eyes round 11): the year's field is closed.
    field = re.search(rf'<input[^>]*name="spent_{year}"[^>]*>', form).group(0)
    assert "disabled" in field and f"Kan udfyldes fra 1. januar {year}." in form

    client.post(page, complete(final_report, **{f"spent_{year}": "50.000"}))
    assert not final_report.spent_amounts.filter(year=year).exists()  # a forged value: ignored
    # The service refuses it too, whatever door it comes through.
    from grants.services.errors import DomainError
    from grants.services.spending import check_no_future_spending

    with pytest.raises(DomainError, match="er ikke begyndt endnu"):
        check_no_future_spending(spent={year: Decimal("50000")})
    assert not final_report.spent_amounts.exists()

    # Nothing spent yet in next year is fine to save, but the final report waits for it.
    response = client.post(
        page,
        complete(final_report, spent_2021="150.000", **{f"spent_{year}": "0"}, submit=""),
        follow=True,
    )
    html = response.content.decode()
    assert f"En slutrapport kan først sendes, når projektets sidste år, {year}, er begyndt." in html
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.REQUESTED


def test_the_service_refuses_spending_in_a_year_that_has_not_begun(
    final_report, grant_into_next_year
):
    from grants.services.errors import DomainError
    from grants.services.reports import ReportContent, do_save_report

    with pytest.raises(DomainError) as refused:
        do_save_report(
            report_id=final_report.pk,
            actor=User.objects.get(username="frb-sagsbehandler"),
            expected_version=final_report.version,
            content=ReportContent(spent={grant_into_next_year: Decimal("1")}),
        )
    assert refused.value.field == f"spent_{grant_into_next_year}"


def test_a_final_report_accounts_for_the_whole_grant(client, final_report):
    """Attack round 12: 100.000 kr. spent and 0 kr. unspent of a 150.000 kr. grant was sent
    and accepted; 50.000 kr. was neither spent nor left over."""
    login(client, "frb-sagsbehandler")
    page = reverse("mine:report", args=[final_report.pk])
    response = client.post(
        page,
        complete(final_report, spent_2021="100.000", unspent_amount="0", submit=""),
        follow=True,
    )
    assert "Brugt og ubrugt skal tilsammen give hele bevillingen (150.000 kr.)." in (
        response.content.decode()
    )
    assert "så skriv 50.000 kr. som ubrugte midler" in response.content.decode()
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.REQUESTED
    client.post(
        page, complete(final_report, spent_2021="100.000", unspent_amount="50.000", submit="")
    )
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.SUBMITTED


def test_money_left_of_a_settled_grant_is_asked_back_and_the_applicant_hears_it(
    client, final_report, mailoutbox, django_capture_on_commit_callbacks
):
    """Fresh eyes round 13: a final report promised a carry-over that cannot happen, staff
    saw nothing to follow up, and the applicant heard nothing when the report was accepted."""
    caseworker = User.objects.get(username="frb-sagsbehandler")
    # The demo's case came from the archive without a writer; here the caseworker wrote it.
    type(final_report.application).objects.filter(pk=final_report.application_id).update(
        created_by=caseworker
    )
    login(client, "frb-sagsbehandler")
    page = reverse("mine:report", args=[final_report.pk])
    form_page = client.get(page).content.decode()
    assert "så beløbet skal som regel betales tilbage" in form_page
    assert "overføre det til næste år" not in form_page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            page, complete(final_report, spent_2021="100.000", unspent_amount="50.000", submit="")
        )
    final_report.refresh_from_db()
    assert final_report.status == ReportStatus.SUBMITTED
    # A receipt to the applicant, a notice to staff (fresh eyes round 14).
    subjects = {m.subject: m.to for m in mailoutbox}
    assert subjects["Afrapportering modtaget: Kvinder i job"] == [caseworker.email]
    assert "Afrapportering indsendt: Kvinder i job" in subjects
    mailoutbox.clear()

    login(client, "frb-sekretariat")
    staff_page = reverse("sekretariat:report", args=[final_report.pk])
    shown = client.get(staff_page).content.decode()
    assert "50.000 kr. af bevillingen er ikke brugt" in shown
    [form] = [f for f in parse_forms(shown) if f.action in ("", staff_page)]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(staff_page, form.data(("accept", "", "")), follow=True)
    assert (
        "Rapporten er godkendt. Ansøgeren har fået besked på e-mail." in response.content.decode()
    )
    [mail] = [m for m in mailoutbox if m.subject.startswith("Afrapportering godkendt")]
    assert "Rapporten oplyser 50.000 kr. som ubrugte midler" in mail.body
    assert mail.to == [caseworker.email]
    # The applicant still reads everything it reported (fresh eyes round 14).
    login(client, "frb-sagsbehandler")
    sent = client.get(page).content.decode()
    assert "Ubrugte midler: 50.000 kr." in sent
    assert "Fortsætter i Center for Integration." in sent
