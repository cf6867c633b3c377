"""Every mail about a case greets its reader by name and ends with who writes and where to
write back (fresh eyes round 31: case mails began with the news and ended with a link, with
no word of who sent them, and a volunteer answered the mail instead of writing in the case).

The class: every `notify_*` function of grants.notifications and grants.case_notifications is
called here with a case; a new one fails the test until it is added to CALLS."""

import datetime
import inspect
from decimal import Decimal

import pytest
from django.utils import timezone

from grants import case_notifications, notifications
from grants.models import (
    Allocation,
    ApplicationStatus,
    CaseMessage,
    ContactPerson,
    Decision,
    DecisionOutcome,
    InformationRequest,
    Report,
    ReportKind,
)
from worker.models import OutgoingMail

CALLS = {
    "notify_submitted": lambda case: notifications.notify_submitted(case.application),
    "notify_returned": lambda case: notifications.notify_returned(case.application, "Ret budget"),
    "notify_withdrawn": lambda case: notifications.notify_withdrawn(case.application, case.owner),
    "notify_decision": lambda case: notifications.notify_decision(case.application),
    "notify_report_requested": lambda case: notifications.notify_report_requested(case.report),
    "notify_report_returned": lambda case: notifications.notify_report_returned(case.report),
    "notify_report_accepted": lambda case: notifications.notify_report_accepted(case.report),
    "notify_report_submitted": lambda case: notifications.notify_report_submitted(case.report),
    "notify_pool_closed_early": lambda case: notifications.notify_pool_closed_early(
        case.draft.pool, timezone.now(), timezone.now()
    ),
    "notify_pool_reopened": lambda case: notifications.notify_pool_reopened(case.draft.pool),
    "notify_deadline_moved_earlier": lambda case: notifications.notify_deadline_moved_earlier(
        case.draft.pool, timezone.now()
    ),
    "notify_message": lambda case: case_notifications.notify_message(case.message_from_staff),
    "notify_request": lambda case: case_notifications.notify_request(case.request),
    "notify_answer": lambda case: case_notifications.notify_answer(case.request, case.answer),
}


class Case:
    pass


@pytest.fixture
def case(make_application, make_pool, owner, staff_user, committee):
    owner.first_name, owner.last_name = "Olga", "Ottesen"
    owner.save()
    staff_user.email = "sekretariat@testrup.dk"
    staff_user.first_name, staff_user.last_name = "Sara", "Sekretær"
    staff_user.save()
    pool = make_pool(year=2026, contact="Puljesekretariatet, tlf. 33 33 33 33")
    application = make_application(
        target_pool=pool,
        status=ApplicationStatus.ACTIVE,
        created_by=owner,
        submitted_at=timezone.now(),
    )
    ContactPerson.objects.create(application=application, name="Kim Kontakt", email="kim@x.dk")
    decision = Decision.objects.create(
        application=application,
        outcome=DecisionOutcome.APPROVED,
        committee=committee,
        decided_by=staff_user,
        reasons="Projektet passer til puljen.",
    )
    Allocation.objects.create(
        decision=decision, pool=pool, application=application, amount=Decimal("100000")
    )
    report = Report.objects.create(
        application=application,
        kind=ReportKind.FINAL,
        due_date=datetime.date(2027, 3, 31),
        staff_comment="Tak.",
        submitted_by=owner,
    )
    c = Case()
    c.owner, c.staff, c.application, c.report = owner, staff_user, application, report
    c.draft = make_application(target_pool=pool, created_by=owner, title="Kladde")
    c.message_from_staff = CaseMessage.objects.create(
        application=application, author=staff_user, side="staff", text="Hvor mange?"
    )
    c.request = InformationRequest.objects.create(
        application=application, requested_by=staff_user, question="Hvor mange deltagere?"
    )
    c.answer = CaseMessage.objects.create(
        application=application, author=owner, side="applicant", text="Tyve."
    )
    return c


def test_every_case_mail_greets_its_reader_by_name_and_says_who_writes(case):
    notifiers = {
        name
        for module in (notifications, case_notifications)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if name.startswith("notify_") and function.__module__ == module.__name__
    }
    assert notifiers == set(CALLS), "a new notify_* function: add it to CALLS"

    applicant_side = {
        "sagsbehandler@testrup.dk": "Hej Olga Ottesen\n\n",
        "kim@x.dk": "Hej Kim Kontakt\n\n",
    }
    sign_off = (
        "Har du spørgsmål, så skriv til sekretariatet under »Beskeder« på ansøgningen i "
        "portalen; så kommer det med i sagen.\n\nVenlig hilsen\nSekretariatet for "
        f"{case.application.pool.scheme.name}\nTestrup Kommune\n"
        "Puljesekretariatet, tlf. 33 33 33 33\n"
    )
    for name in sorted(CALLS):
        OutgoingMail.objects.all().delete()
        CALLS[name](case)
        mails = list(OutgoingMail.objects.all())
        assert mails, f"{name} sent nothing"
        for mail in mails:
            [address] = mail.to
            if address in applicant_side:
                assert mail.body.startswith(applicant_side[address]), (name, mail.body)
                assert mail.body.endswith(sign_off), (name, mail.body)
            else:
                assert address == "sekretariat@testrup.dk", (name, address)
                assert mail.body.startswith("Hej Sara Sekretær\n\n"), (name, mail.body)
                assert mail.body.endswith("\n\nVenlig hilsen\nIntegrationsportalen\n"), name


def test_a_reader_without_a_name_is_greeted_plainly(case):
    case.owner.first_name = case.owner.last_name = ""
    case.owner.save()
    notifications.notify_returned(case.application, "Ret budget")
    mail = OutgoingMail.objects.get(to=["sagsbehandler@testrup.dk"])
    assert mail.body.startswith("Hej\n\nSekretariatet har sendt ansøgningen")
