"""The mail asking for a report leads to the report and says when it can be sent (fresh eyes
round 22: it led to the application page, and a volunteer found out at "Send" that the
report could not be sent before the project's year had begun)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from grants.models import ReportKind
from grants.services.decisions import do_import_funded_application
from grants.services.follow_up import do_request_report
from tests.worker_support import run_worker


def test_the_request_links_to_the_report_and_says_from_when_it_can_be_sent(
    make_pool, make_application, owner, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    next_year = timezone.localdate().year + 1
    owner.email = "cw@example.dk"
    owner.save()
    pool = make_pool(year=next_year, budget="500000")
    application = make_application(
        target_pool=pool, amounts={next_year: "100000"}, created_by=owner
    )
    do_import_funded_application(
        application_id=application.pk, amounts={next_year: Decimal(100000)}, source="test"
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = do_request_report(
            application_id=application.pk,
            actor=staff_user,
            kind=ReportKind.STATUS,
            due_date=datetime.date(next_year, 1, 31),
        )
    run_worker()
    [mail] = mailoutbox
    body = " ".join(mail.body.split())
    assert f"/mine/afrapportering/{report.pk}/" in body
    assert "Skriv rapporten i portalen" in body
    assert f"den kan først sendes fra 1. januar {next_year}" in body


def test_a_volunteers_status_report_asks_about_the_middle_not_the_end(
    make_application, municipality
):
    """Fresh eyes round 22: the status report a year into the project asked "når pengene er
    brugt" and "Penge, I ikke har brugt" as the final report does."""
    from grants.forms.reports import ReportForm
    from grants.models import Application, Report
    from portal.models import Organisation

    association = Organisation.objects.create(municipality=municipality, name="Foreningen")
    application = make_application()
    Application.objects.filter(pk=application.pk).update(organisation=association, department=None)
    application.refresh_from_db()
    today = datetime.date.today()
    status = Report.objects.create(application=application, kind=ReportKind.STATUS, due_date=today)
    final = Report.objects.create(application=application, kind=ReportKind.FINAL, due_date=today)
    mid = ReportForm(report=status)
    assert mid.fields["unspent_amount"].label == "Penge, I ikke har brugt indtil nu"
    assert "Skriv det, I ved nu" in mid.fields["anchoring_status"].help_text
    end = ReportForm(report=final)
    assert end.fields["unspent_amount"].label == "Penge, I ikke har brugt"
