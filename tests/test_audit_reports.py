"""Attack round 6 (A): the change log ("Ændringslog") on the staff application page shows the
money a report states, staff's corrections of it (before → after), the results achieved on the
success criteria and declared conflicts of interest, each with who did it."""

from django.urls import reverse

from grants.models import Report, ReportKind, ReportStatus
from portal.models import User
from tests.test_overspending import complete, login
from tests.test_staff_audit import audit_rows


def test_report_money_results_and_recusals_are_in_the_change_log(client, demo):
    report = Report.objects.get(application__title="Kvinder i job", kind=ReportKind.FINAL)
    application = report.application
    criterion = application.success_criteria.first()
    caseworker = User.objects.get(username="frb-sagsbehandler")
    staff = User.objects.get(username="frb-sekretariat")

    login(client, caseworker.username)
    response = client.post(
        reverse("mine:report", args=[report.pk]),
        complete(report, spent_2021="77.777", unspent_amount="72.223", submit=""),  # results: 75
    )
    assert response.status_code == 302
    login(client, staff.username)
    response = client.post(
        reverse("sekretariat:report", args=[report.pk]),
        {"accept": "", "comment": "", "amount_2021": "33.333"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED

    colleague = User.objects.create_user(
        "frb-kollega",
        first_name="Karl",
        last_name="Kollega",
        role=staff.role,
        municipality=staff.municipality,
    )
    login(client, colleague.username)
    response = client.post(
        reverse("sekretariat:conflict", args=[application.pk]),
        {"reason": "Min søster leder projektet."},
    )
    assert response.status_code == 302

    login(client, staff.username)
    rows = audit_rows(client.get(reverse("sekretariat:application", args=[application.pk])))

    def rows_with(text):
        return [row for row in rows if text in row["changes"] or text in row["what"]]

    reported = rows_with("77.777 kr.")
    assert reported, rows
    assert reported[-1]["by"] == caseworker.get_full_name()
    assert "forbrug: 2021" in reported[-1]["what"]
    corrected = rows_with("33.333 kr.")
    assert corrected and "77.777 kr." in corrected[0]["changes"], corrected
    assert corrected[0]["by"] == staff.get_full_name()
    assert corrected[0]["changes"].index("77.777") < corrected[0]["changes"].index("33.333")
    result = [row for row in rows if "75" in row["changes"]]
    assert any(criterion.text[:40] in row["what"] for row in result), result
    assert any(row["by"] == caseworker.get_full_name() for row in result)
    recusal = rows_with("Min søster leder projektet.")
    assert recusal and recusal[0]["by"] == "Karl Kollega"
    assert "inhabilitetserklæring" in recusal[0]["what"]
