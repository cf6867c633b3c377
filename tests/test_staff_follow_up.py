"""After the decision: staff ask for reports, accept or return them, move unspent money to
the next year ("restmidler") and close the project."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from grants.models import (
    Application,
    ApplicationStatus,
    CarryOver,
    GrantCondition,
    Report,
    ReportKind,
    ReportStatus,
    SpentAmount,
)
from grants.services.decisions import do_record_decision
from grants.services.follow_up import do_activate, do_record_agreement_signed
from tests.page_crawl import visible_text
from tests.staff_support import messages_of, status_of

TODAY = timezone.localdate()


def section(html: str, heading_id: str) -> list[str]:
    """The project titles listed in one section of the reports overview."""
    part = html[html.index(f'id="{heading_id}"') :]
    part = part[: part.index("</section>")]
    return re.findall(r'<a href="/sekretariat/afrapportering/\d+/">(.*?)</a>', part)


def balance_of(client, pool) -> dict[str, str]:
    html = client.get(reverse("sekretariat:pool", args=[pool.pk])).content.decode()
    table = html[html.index('id="balance-heading"') :]
    table = table[: table.index("</table>")]
    return dict(
        re.findall(r'<th scope="row">(.*?)</th><td class="money[^"]*"[^>]*>(.*?)</td>', table)
    )


@pytest.fixture
def fund(pools, make_application, owner, staff_user):
    """An application approved with the amounts it asked for, and (by default) started."""

    def make(amounts, *, title="Kvinder i job", start=True):
        application = make_application(
            title=title, status=ApplicationStatus.RECOMMENDED, amounts=amounts, created_by=owner
        )
        do_record_decision(
            application_id=application.pk,
            outcome="approved",
            actor=staff_user,
            amounts={year: Decimal(amount) for year, amount in amounts.items()},
            committee=application.committee,
            meeting_date=datetime.date(2026, 3, 1),
        )
        if start:
            if application.decision.condition == GrantCondition.COOPERATION_AGREEMENT:
                do_record_agreement_signed(
                    application_id=application.pk, actor=staff_user, signed_on=TODAY
                )
            do_activate(application_id=application.pk, actor=staff_user)
        return Application.objects.get(pk=application.pk)

    return make


def submitted_report(application, *, spent=None, due=TODAY, kind=ReportKind.STATUS) -> Report:
    report = Report.objects.create(
        application=application,
        kind=kind,
        status=ReportStatus.SUBMITTED,
        due_date=due,
        summary="Tolv kvinder er kommet i job.",
        anchoring_status="Videreføres i jobcentret.",
        submitted_at=timezone.now(),
    )
    for year, amount in (spent or {}).items():
        SpentAmount.objects.create(report=report, year=year, amount=Decimal(amount))
    return report


def test_requested_report_waits_on_the_caseworkers_dashboard(
    client, staff_user, owner, fund, mailoutbox, django_capture_on_commit_callbacks
):
    application = fund({2026: "150000"})  # over the threshold: only the final report exists
    due = TODAY + datetime.timedelta(days=30)
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sekretariat:request-report", args=[application.pk]),
            {"kind": "status", "due_date": due.isoformat()},
            follow=True,
        )

    assert "Der er bedt om afrapportering. Ansøgeren har fået besked på e-mail." in messages_of(
        response
    )
    report = Report.objects.get(application=application, kind=ReportKind.STATUS)
    assert (report.status, report.due_date) == (ReportStatus.REQUESTED, due)
    [mail] = mailoutbox
    with translation.override("da"):
        shown = date_format(due, "DATE_FORMAT")
    assert f"statusrapport for »Kvinder i job« senest {shown}." in mail.body
    overview = client.get(reverse("sekretariat:reports")).content.decode()
    assert "Kvinder i job" in section(overview, "due-heading")
    assert "Statusrapport" in overview

    client.force_login(owner)
    dashboard = client.get(reverse("mine:dashboard")).content.decode()
    waiting = dashboard[dashboard.index('id="waiting"') : dashboard.index("</section>")]
    assert "Statusrapport:" in waiting
    assert reverse("mine:report", args=[report.pk]) in waiting


def test_a_report_is_not_due_before_it_can_be_sent(staff_client, fund):
    """Fresh eyes round 13: a final report for a 2027 grant was asked for by 15 December
    2026; the association could not send it before 2027 and it went overdue."""
    year = TODAY.year + 1
    application = fund({year: "150000"})
    response = staff_client.post(
        reverse("sekretariat:request-report", args=[application.pk]),
        {"kind": "status", "due_date": (TODAY + datetime.timedelta(days=1)).isoformat()},
        follow=True,
    )
    assert f"Statusrapport kan først sendes fra 1. januar {year}" in response.content.decode()
    assert not Report.objects.filter(application=application, kind=ReportKind.STATUS).exists()


def test_reports_cannot_be_requested_before_the_grant(staff_client, make_application, pools):
    application = make_application(status=ApplicationStatus.IN_REVIEW)

    response = staff_client.post(
        reverse("sekretariat:request-report", args=[application.pk]),
        {"kind": "status", "due_date": TODAY.isoformat()},
        follow=True,
    )

    assert messages_of(response) == ["Der kan kun bedes om afrapportering fra en bevilget indsats."]
    assert not Report.objects.exists()


def test_overview_separates_submitted_overdue_and_upcoming(staff_client, fund):
    week = datetime.timedelta(days=7)
    submitted_report(fund({2026: "100000"}, title="Indsendt projekt"), due=TODAY - week)
    late = fund({2026: "100000"}, title="Forsinket projekt")
    Report.objects.create(application=late, kind=ReportKind.STATUS, due_date=TODAY - week)
    returned = fund({2026: "100000"}, title="Sendt retur projekt")
    Report.objects.create(
        application=returned,
        kind=ReportKind.STATUS,
        due_date=TODAY - week,
        status=ReportStatus.RETURNED,
    )
    soon = fund({2026: "100000"}, title="Kommende projekt")
    Report.objects.create(application=soon, kind=ReportKind.STATUS, due_date=TODAY + week)
    done = fund({2026: "100000"}, title="Godkendt projekt")
    Report.objects.create(
        application=done,
        kind=ReportKind.STATUS,
        due_date=TODAY - week,
        status=ReportStatus.ACCEPTED,
    )
    Report.objects.filter(kind=ReportKind.FINAL).delete()  # keep only the reports above

    html = staff_client.get(reverse("sekretariat:reports")).content.decode()

    assert section(html, "submitted-heading") == ["Indsendt projekt"]
    assert section(html, "overdue-heading") == ["Forsinket projekt", "Sendt retur projekt"]
    assert section(html, "due-heading") == ["Kommende projekt"]
    assert "Godkendt projekt" not in html
    home = staff_client.get(reverse("sekretariat:home")).content.decode()
    assert "1 til godkendelse, 2 overskredet" in home


def test_staff_accept_a_submitted_report(staff_client, staff_user, fund):
    report = submitted_report(fund({2026: "150000"}), spent={2026: "150000"})
    url = reverse("sekretariat:report", args=[report.pk])
    assert "Godkend rapporten" in staff_client.get(url).content.decode()

    response = staff_client.post(url, {"accept": "", "comment": "Flot resultat."}, follow=True)

    assert messages_of(response) == ["Rapporten er godkendt. Ansøgeren har fået besked på e-mail."]
    report.refresh_from_db()
    assert (report.status, report.accepted_by) == (ReportStatus.ACCEPTED, staff_user)
    html = response.content.decode()
    assert "Status: <strong>Godkendt</strong>" in html
    assert "Flot resultat." in html
    assert "Godkend rapporten" not in html  # nothing more to do


def test_only_a_submitted_report_can_be_accepted(staff_client, fund):
    report = Report.objects.get(application=fund({2026: "150000"}))  # the final report, requested

    response = staff_client.post(
        reverse("sekretariat:report", args=[report.pk]), {"accept": ""}, follow=True
    )

    assert messages_of(response) == ["Kun en indsendt rapport kan godkendes eller sendes retur."]
    report.refresh_from_db()
    assert report.status == ReportStatus.REQUESTED
    # What staff can read of it is marked as the applicant's unsent draft (fresh eyes 13).
    assert "Rapporten er ikke indsendt endnu" in response.content.decode()


def test_returning_a_report_needs_a_comment_and_mails_it(
    client, staff_user, owner, fund, mailoutbox, django_capture_on_commit_callbacks
):
    report = submitted_report(fund({2026: "150000"}))
    url = reverse("sekretariat:report", args=[report.pk])
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"return": "", "comment": ""})
    assert response.status_code == 400
    assert "Skriv, hvad der skal rettes i rapporten." in messages_of(response)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert mailoutbox == []

    comment = "Forbruget for 2026 mangler."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"return": "", "comment": comment}, follow=True)

    assert messages_of(response) == [
        "Rapporten er sendt retur. Ansøgeren har fået besked på e-mail."
    ]
    report.refresh_from_db()
    assert (report.status, report.staff_comment) == (ReportStatus.RETURNED, comment)
    [mail] = mailoutbox
    assert mail.subject == "Afrapportering sendt retur: Kvinder i job"
    assert comment in mail.body
    client.force_login(owner)
    dashboard = client.get(reverse("mine:dashboard")).content.decode()
    assert reverse("mine:report", args=[report.pk]) in dashboard
    assert "Sendt retur" in dashboard


def carry_over(client, application, amount, from_year=2026):
    return client.post(
        reverse("sekretariat:carry-over", args=[application.pk]),
        {"from_year": from_year, "amount": amount, "note": "Opstart forsinket."},
        follow=True,
    )


def test_unspent_money_moves_to_next_years_pool_as_carry_over(staff_client, pools, fund):
    _pool_2026, pool_2027 = pools
    application = fund({2026: "100000"})
    report = submitted_report(application, spent={2026: "70000"})

    response = carry_over(staff_client, application, "20.000")
    assert messages_of(response) == [
        "Restmidler kan først overføres, når en godkendt rapport viser forbruget for 2026."
    ]
    staff_client.post(reverse("sekretariat:report", args=[report.pk]), {"accept": ""}, follow=True)

    response = carry_over(staff_client, application, "40.000")
    assert messages_of(response) == ["Der er kun 30.000 kr. ubrugt fra 2026."]
    assert not CarryOver.objects.exists()

    response = carry_over(staff_client, application, "20.000")
    assert messages_of(response) == ["Restmidlerne er overført til næste år."]
    assert "Restmidler 2026 → 2027: 20.000 kr." in response.content.decode()

    balance = balance_of(staff_client, pool_2027)
    assert balance["Overført som restmidler (oven i budgettet)"] == "20.000 kr."
    assert balance["Til rådighed"] == "500.000 kr."  # carry-over does not eat the budget
    html = staff_client.get(reverse("sekretariat:pool", args=[pool_2027.pk])).content.decode()
    assert "restmidler fra 2026" in html

    response = carry_over(staff_client, application, "15.000")
    assert messages_of(response) == ["Der er kun 10.000 kr. ubrugt fra 2026."]
    response = carry_over(staff_client, application, "10.000")
    assert messages_of(response) == ["Restmidlerne er overført til næste år."]
    assert CarryOver.objects.get().amount == Decimal("30000")


def test_money_carried_on_cannot_be_reported_spent_or_carried_on_again(staff_client, pools, fund):
    """Attack round 6: 40.000 kr. carried on from a 100.000 kr. grant, then a new final report
    said the whole 100.000 kr. was spent in the first year (unflagged), and a status report
    accepted after it lowered the spending so that more could be carried on."""
    _pool_2026, pool_2027 = pools
    application = fund({2026: "100000"})
    accept = {"accept": ""}
    first = submitted_report(application, spent={2026: "60000"}, kind=ReportKind.FINAL)
    staff_client.post(reverse("sekretariat:report", args=[first.pk]), accept, follow=True)
    assert messages_of(carry_over(staff_client, application, "40.000")) == [
        "Restmidlerne er overført til næste år."
    ]

    # The whole grant reported spent in 2026 after 40.000 kr. moved on: that is overspending.
    second = submitted_report(application, spent={2026: "100000"}, kind=ReportKind.FINAL)
    page = staff_client.post(reverse("sekretariat:report", args=[second.pk]), accept, follow=True)
    assert "brugt 100.000 kr. af 60.000 kr." in page.content.decode()
    second.refresh_from_db()
    assert second.status == ReportStatus.SUBMITTED  # not accepted without acknowledging it
    staff_client.post(
        reverse("sekretariat:report", args=[second.pk]),
        {**accept, "acknowledge_overspend": "on"},
        follow=True,
    )
    second.refresh_from_db()
    assert second.status == ReportStatus.ACCEPTED
    balance = balance_of(staff_client, _pool_2026)
    assert balance["Brugt ud over bevillingerne (ikke af puljen)"] == "40.000 kr."

    # A status or evaluation report accepted later does not reopen the year's accounts.
    for kind in (ReportKind.STATUS, ReportKind.EVALUATION):
        later = submitted_report(application, spent={2026: "1"}, kind=kind)
        staff_client.post(reverse("sekretariat:report", args=[later.pk]), accept, follow=True)
        response = carry_over(staff_client, application, "10.000")
        assert messages_of(response) == ["Der er kun -40.000 kr. ubrugt fra 2026."], kind
    assert CarryOver.objects.get().amount == Decimal("40000")


def test_closing_needs_every_report_accepted(staff_client, fund):
    application = fund({2026: "60000"})  # under the threshold: an evaluation is due
    evaluation = Report.objects.get(application=application)
    assert evaluation.kind == ReportKind.EVALUATION
    url = reverse("sekretariat:close", args=[application.pk])

    response = staff_client.post(url, {"comment": "Indsatsen er slut."}, follow=True)
    assert messages_of(response) == [
        "Indsatsen kan først afsluttes, når alle afrapporteringer er godkendt."
    ]
    assert status_of(application) == ApplicationStatus.ACTIVE

    Report.objects.filter(pk=evaluation.pk).update(
        status=ReportStatus.SUBMITTED, submitted_at=timezone.now()
    )
    accepted = staff_client.post(
        reverse("sekretariat:report", args=[evaluation.pk]),
        {"accept": "", "amount_2026": "60.000"},
        follow=True,
    )
    # The next step is said where staff are (fresh eyes round 13).
    assert "Alle afrapporteringer for indsatsen er godkendt." in accepted.content.decode()
    assert f"{reverse('sekretariat:application', args=[application.pk])}#afslut" in (
        accepted.content.decode()
    )
    response = staff_client.post(url, {"comment": "Indsatsen er slut."}, follow=True)

    assert messages_of(response) == ["Indsatsen er afsluttet."]
    assert status_of(application) == ApplicationStatus.CLOSED
    assert "Igangværende → Afsluttet" in response.content.decode()


@pytest.mark.django_db
def test_a_refused_carry_over_keeps_what_was_typed(demo):
    """Attack finding: the small action forms redirected on a refusal and the typed text was
    gone. Now the application page comes back with the form open and filled in."""
    from django.test import Client

    from grants.models import Application, ApplicationStatus
    from portal.models import User

    application = Application.objects.filter(
        municipality__slug="frederiksberg", status=ApplicationStatus.ACTIVE
    ).first()
    client = Client()
    client.force_login(User.objects.get(username="frb-sekretariat"))
    year = application.allocations.first().pool.year
    note = "Ubrugt løn fra efteråret – skrevet af sekretariatet"
    response = client.post(
        reverse("sekretariat:carry-over", args=[application.pk]),
        {"from_year": year, "amount": "99.999.999", "note": note},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert note in html  # the note is still in the form
    assert "99.999.999" in html
    assert not application.carry_overs.filter(note=note).exists()


@pytest.mark.django_db
def test_a_report_cannot_be_due_in_the_past(demo):
    """Attack finding: a report could be requested with the due date 1900-01-01."""
    from django.test import Client

    from grants.models import Application, ApplicationStatus
    from portal.models import User

    application = Application.objects.filter(
        municipality__slug="frederiksberg", status=ApplicationStatus.ACTIVE
    ).first()
    before = application.reports.count()
    client = Client()
    client.force_login(User.objects.get(username="frb-sekretariat"))
    response = client.post(
        reverse("sekretariat:request-report", args=[application.pk]),
        {"kind": "status", "due_date": "1900-01-01"},
    )
    assert response.status_code == 400
    assert "Fristen kan ikke ligge før i dag." in response.content.decode()
    assert application.reports.count() == before


@pytest.mark.django_db
def test_more_success_criteria_than_the_form_allows_are_refused(
    client, caseworker, make_application
):
    """Attack finding: posting MAX_NUM_FORMS=1000 with 40 rows stored all 40 (max is 30)."""
    from grants.models import SuccessCriterion
    from tests.form_pages import main_form_data

    application = make_application(status="draft")
    client.force_login(caseworker)
    url = reverse("mine:edit", args=[application.pk])
    data = main_form_data(client.get(url).content.decode())
    rows = 40
    data.update({"criteria-TOTAL_FORMS": str(rows), "criteria-MAX_NUM_FORMS": "1000"})
    for i in range(rows):
        data[f"criteria-{i}-text"] = f"Kriterium {i}"
    response = client.post(url, {**data, "save": ""})
    assert response.status_code == 400
    assert "Der kan højst være 30 succeskriterier." in response.content.decode()
    assert SuccessCriterion.objects.filter(application=application).count() == 0


@pytest.mark.django_db
def test_the_same_report_is_not_requested_twice_while_one_is_open(demo):
    """Round three: a final report could be requested again and again."""
    from django.test import Client

    from grants.models import Application, ApplicationStatus
    from portal.models import User

    application = Application.objects.filter(
        municipality__slug="frederiksberg", status=ApplicationStatus.ACTIVE
    ).first()
    client = Client()
    client.force_login(User.objects.get(username="frb-sekretariat"))
    url = reverse("sekretariat:request-report", args=[application.pk])
    due = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    first = client.post(url, {"kind": "status", "due_date": due})
    second = client.post(url, {"kind": "status", "due_date": due})
    assert first.status_code == 302
    assert second.status_code == 400
    assert "allerede bedt om" in second.content.decode()
    assert application.reports.filter(kind="status").exclude(status="accepted").count() == 1


def test_a_criterion_is_at_most_1000_characters():
    from grants.forms.application import CriterionForm

    form = CriterionForm(data={"text": "x" * 1001, "unit": ""})
    assert not form.is_valid() and "text" in form.errors


def test_a_report_without_spending_for_a_begun_year_is_not_accepted(staff_client, fund):
    """Fresh eyes round 12: a report with no money spent was accepted, and the pool's "spent
    according to accepted reports" stayed 0 kr. The page asks for the figure and keeps what
    was typed."""
    report = submitted_report(fund({2026: "150000"}))
    url = reverse("sekretariat:report", args=[report.pk])
    response = staff_client.post(url, {"accept": "", "comment": "Fint."})
    assert response.status_code == 400
    assert "Angiv forbruget for 2026, før rapporten godkendes" in response.content.decode()
    assert 'value="Fint."' in response.content.decode() or "Fint." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    accepted = staff_client.post(url, {"accept": "", "amount_2026": "0"}, follow=True)
    assert messages_of(accepted) == ["Rapporten er godkendt. Ansøgeren har fået besked på e-mail."]


@pytest.mark.parametrize("kind", [ReportKind.EVALUATION, ReportKind.STATUS, ReportKind.FINAL])
def test_no_report_is_sent_before_the_grant_has_begun(client, owner, pools, make_pool, fund, kind):
    """Fresh eyes round 12: an evaluation of a grant for next year was sent (and accepted)
    before the project's first year. Every kind of report waits; the page says until when."""
    from grants.models import Pool
    from tests.form_pages import main_form_data

    next_year = TODAY.year + 1
    if not Pool.objects.filter(municipality=pools[0].municipality, year=next_year).exists():
        make_pool(year=next_year, budget="500000")
    application = fund({next_year: "60000"})
    Report.objects.filter(application=application).delete()
    report = Report.objects.create(
        application=application,
        kind=kind,
        status=ReportStatus.REQUESTED,
        due_date=TODAY,
        summary="Vi er i gang.",
        anchoring_status="Fortsætter.",
    )
    client.force_login(owner)
    url = reverse("mine:report", args=[report.pk])
    data = main_form_data(client.get(url).content.decode())
    response = client.post(url, {**data, "submit": ""}, follow=True)
    html = response.content.decode()
    assert f"år, {next_year}, er begyndt." in html
    report.refresh_from_db()
    assert report.status == ReportStatus.REQUESTED
    # Nothing spent yet, so no unspent money can be typed either (fresh eyes round 13).
    assert re.search(r'<input[^>]*name="unspent_amount"[^>]*disabled', html)
    client.post(url, {**data, "unspent_amount": "10.000"})
    report.refresh_from_db()
    assert not report.unspent_amount


def test_the_colleague_who_sent_the_report_hears_it_was_accepted_or_returned(
    client, staff_user, department, fund, mailoutbox, django_capture_on_commit_callbacks
):
    """Fresh eyes round 20: a report sent by a caseworker who had not written the application
    (one from before the portal has no writer) was accepted, and staff were told "Ansøgeren
    har ingen e-mailadresse" while its sender had one; nobody was told."""
    from portal.models import Role, User

    application = fund({2026: "150000"})
    Application.objects.filter(pk=application.pk).update(created_by=None)
    colleague = User.objects.create_user(
        username="kollega",
        email="kollega@testrup.dk",
        role=Role.CASEWORKER,
        municipality=department.municipality,
        department=department,
    )
    report = submitted_report(application, spent={2026: "150000"})
    Report.objects.filter(pk=report.pk).update(submitted_by=colleague)
    client.force_login(staff_user)
    url = reverse("sekretariat:report", args=[report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"return": "", "comment": "Uddyb resultaterne."}, follow=True)
    assert messages_of(response) == [
        "Rapporten er sendt retur. Ansøgeren har fået besked på e-mail."
    ]
    assert [mail.to for mail in mailoutbox] == [["kollega@testrup.dk"]]
    # To the report to put right, not the application (fresh eyes round 34).
    report_url = reverse("mine:report", args=[report.pk])
    assert f"Skriv rapporten i portalen: http://testserver{report_url}" in mailoutbox[0].body or (
        f"{report_url}\n" in mailoutbox[0].body
    )
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"accept": "", "comment": ""}, follow=True)
    assert messages_of(response) == ["Rapporten er godkendt. Ansøgeren har fået besked på e-mail."]
    assert [mail.to for mail in mailoutbox] == [["kollega@testrup.dk"]]


def test_staff_correcting_spending_keeps_the_settled_grant_accounted_for_and_say_so(
    staff_client, fund, mailoutbox, django_capture_on_commit_callbacks
):
    """Fresh eyes round 33: spending corrected from 195.000,50 to 100.000 kr. left the report's
    4.999,50 kr. unspent, so 95.000,50 kr. were nowhere; the mail asked back the old figure
    and the caseworker's own figure changed unsaid."""
    application = fund({2026: "200000"})
    report = submitted_report(application, spent={2026: "195000.50"}, kind=ReportKind.FINAL)
    Report.objects.filter(pk=report.pk).update(unspent_amount=Decimal("4999.50"))
    url = reverse("sekretariat:report", args=[report.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, {"accept": "", "amount_2026": "100.000", "comment": "Tak."}, follow=True
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    # Granted = spent + unspent, and the money to ask back is that one figure everywhere.
    assert report.unspent_amount == Decimal("100000")
    assert report.spent_amounts.get().amount == Decimal("100000")
    note = (
        "Rettet af sekretariatet: brugt i 2026: 195.000,50 kr. → 100.000 kr.; "
        "ubrugte midler: 4.999,50 kr. → 100.000 kr."
    )
    assert report.staff_comment == f"Tak.\n\n{note}"
    page = visible_text(response.content.decode())
    assert note in page and "100.000 kr. af bevillingen er ikke brugt" in page
    [mail] = [m for m in mailoutbox if "godkendt" in m.subject]
    assert note in mail.body and "Rapporten oplyser 100.000 kr. som ubrugte midler" in mail.body
    assert "Sekretariatet har godkendt slutrapporten for »Kvinder i job«." in mail.body
    assert "4.999,50" not in mail.body.replace(note, "")
