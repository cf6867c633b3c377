"""The background worker: mail goes through the real database backend and worker loop, is
retried when the mail server fails and recorded either way; the schedule starts each job once
per slot; reminders go once, to those who want them, in their language; pools open and close
at their dates through the pool service, as the system."""

import datetime
import smtplib

import pytest
from django.core import mail as django_mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from grants.models import Application, ApplicationStatus, Pool, PoolStatus, Report, ReportKind
from grants.services.pools import do_set_pool_status
from tests.worker_support import run_worker
from worker import schedule
from worker import tasks as worker_tasks
from worker.mail import send_after_commit
from worker.models import MailStatus, OutgoingMail, ScheduledRun, SentReminder
from worker.services import do_update_preferences


@pytest.fixture
def outbox(settings):
    """Django's test outbox, read directly (not through the worker like `mailoutbox`)."""
    django_mail.outbox = []
    return django_mail.outbox


def queue_one(django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return send_after_commit(
            to=["tovholder@example.dk"], subject="Afgørelse", body="Bevilget.", kind="test", **extra
        )


def test_a_mail_is_recorded_with_the_change_and_sent_by_the_worker(
    db, outbox, django_capture_on_commit_callbacks
):
    mail = queue_one(django_capture_on_commit_callbacks)

    # Queued in the database backend, nothing sent yet: the request does not wait for SMTP.
    assert outbox == []
    task = DBTaskResult.objects.get()
    assert task.task_path == "worker.tasks.deliver_mail"
    assert task.status == "READY"

    run_worker()

    assert [m.subject for m in outbox] == ["Afgørelse"]
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.SENT, 1)
    assert mail.sent_at is not None
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_rolled_back_change_sends_nothing(db, outbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                send_after_commit(to=["a@example.dk"], subject="x", body="y", kind="test")
                raise RuntimeError
        except RuntimeError:
            pass

    run_worker()
    assert OutgoingMail.objects.count() == 0
    assert outbox == []


def test_a_mail_failure_is_retried_later_and_recorded(
    db, outbox, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    real_send = worker_tasks.send_mail
    failures = iter([smtplib.SMTPServerDisconnected("tovholder@example.dk refused")])

    def flaky_send(*args, **kwargs):
        error = next(failures, None)
        if error:
            raise error
        return real_send(*args, **kwargs)

    monkeypatch.setattr(worker_tasks, "send_mail", flaky_send)
    mail = queue_one(django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        run_worker()

    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.last_error) == (
        MailStatus.PENDING,
        1,
        "SMTPServerDisconnected",
    )
    assert outbox == []
    # The retry is a task of its own, waiting for its time; the address is not logged.
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after > timezone.now()
    assert "tovholder@example.dk" not in caplog.text
    run_worker()
    assert outbox == []  # not before its time

    # A minute later the worker tries again, and the mail goes out.
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now())
    run_worker()

    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.SENT, 2)
    assert len(outbox) == 1


def test_a_mail_that_keeps_failing_is_marked_failed_and_logged(
    db, outbox, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def down(*args, **kwargs):
        raise ConnectionRefusedError("mail.example.dk")

    monkeypatch.setattr(worker_tasks, "send_mail", down)
    mail = queue_one(django_capture_on_commit_callbacks)
    for _ in range(worker_tasks.MAX_ATTEMPTS):
        with django_capture_on_commit_callbacks(execute=True):
            run_worker()
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        OutgoingMail.objects.filter(pk=mail.pk).update(next_attempt_at=timezone.now())

    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.FAILED, worker_tasks.MAX_ATTEMPTS)
    assert "Could not send notification: Afgørelse (ConnectionRefusedError" in caplog.text
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_decision_is_kept_when_its_mail_cannot_be_sent(
    staff_client, make_recommended, owner, monkeypatch, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    def down(*args, **kwargs):
        raise smtplib.SMTPException("down")

    monkeypatch.setattr(worker_tasks, "send_mail", down)
    owner.email = "cw@example.dk"
    owner.save()
    application = make_recommended({2026: "50000"})
    form = staff_client.get(reverse("sekretariat:decide", args=[application.pk]))
    assert form.status_code == 200
    from tests.form_pages import main_form_data

    data = main_form_data(form.content.decode())
    data.update(outcome="approved", meeting_date="2026-03-01")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("sekretariat:decide", args=[application.pk]), data)
    run_worker()

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    mail = OutgoingMail.objects.get(kind="decision")
    assert (mail.status, mail.last_error) == (MailStatus.PENDING, "SMTPException")


def test_each_scheduled_slot_starts_once(db, monkeypatch):
    ran = []

    class FakeTask:
        def enqueue(self):
            ran.append(1)

    monkeypatch.setattr(schedule, "JOBS", {})
    schedule.register(schedule.Job("daily", FakeTask(), at=datetime.time(7, 0)))
    morning = timezone.make_aware(datetime.datetime(2027, 3, 1, 6, 59))

    assert schedule.enqueue_due(morning) == []  # not before seven
    assert schedule.enqueue_due(morning + datetime.timedelta(minutes=1)) == ["daily"]
    assert schedule.enqueue_due(morning + datetime.timedelta(hours=5)) == []  # same day
    assert schedule.enqueue_due(morning + datetime.timedelta(days=1, minutes=1)) == ["daily"]
    assert len(ran) == 2
    assert list(ScheduledRun.objects.values_list("slot", flat=True).order_by("slot")) == [
        "2027-03-01",
        "2027-03-02",
    ]


# --- Reminders ---------------------------------------------------------------------------


@pytest.fixture
def people(caseworker, staff_user):
    caseworker.email = "cw@example.dk"
    caseworker.save()
    staff_user.email = "staff@example.dk"
    staff_user.save()
    return caseworker, staff_user


def draft_in_pool(make_pool, department, committee, caseworker, days):
    pool = make_pool(application_deadline=timezone.now() + datetime.timedelta(days=days))
    return Application.objects.create(
        municipality=pool.municipality,
        pool=pool,
        department=department,
        committee=committee,
        created_by=caseworker,
        title="Lektiecafé",
    )


def run_reminders(django_capture_on_commit_callbacks):
    from grants.reminders import send_reminders

    with django_capture_on_commit_callbacks(execute=True):
        count = send_reminders()
    run_worker()
    return count


def test_an_unsent_draft_is_reminded_once_14_days_before_the_deadline(
    people, make_pool, department, committee, mailoutbox, django_capture_on_commit_callbacks
):
    caseworker, _ = people
    draft_in_pool(make_pool, department, committee, caseworker, days=10)

    assert run_reminders(django_capture_on_commit_callbacks) == 1
    assert run_reminders(django_capture_on_commit_callbacks) == 0

    [mail] = mailoutbox
    assert mail.to == ["cw@example.dk"]
    assert "ansøgningsfristen for Integrationspuljen 2026" in mail.subject
    assert "Lektiecafé" in mail.body
    assert SentReminder.objects.filter(user=caseworker).count() == 1
    # Why it came and where it is turned off (fresh eyes round 12).
    assert "fordi den er slået til i dine indstillinger" in mail.body
    assert (
        "http://testserver/konto/paamindelser/" in mail.body or "/konto/paamindelser/" in mail.body
    )


def test_three_days_before_comes_a_second_reminder_then_none(
    people, make_pool, department, committee, mailoutbox, django_capture_on_commit_callbacks
):
    caseworker, _ = people
    draft = draft_in_pool(make_pool, department, committee, caseworker, days=10)
    run_reminders(django_capture_on_commit_callbacks)
    Pool.objects.filter(pk=draft.pool_id).update(
        application_deadline=timezone.now() + datetime.timedelta(days=2, hours=1)
    )

    assert run_reminders(django_capture_on_commit_callbacks) == 1
    assert run_reminders(django_capture_on_commit_callbacks) == 0
    assert len(mailoutbox) == 2


def test_a_submitted_application_and_a_far_deadline_are_not_reminded(
    people, make_pool, department, committee, mailoutbox, django_capture_on_commit_callbacks
):
    caseworker, _ = people
    far = draft_in_pool(make_pool, department, committee, caseworker, days=20)
    Application.objects.filter(pk=far.pk).update(status=ApplicationStatus.DRAFT)
    assert run_reminders(django_capture_on_commit_callbacks) == 0
    Pool.objects.filter(pk=far.pool_id).update(
        application_deadline=timezone.now() + datetime.timedelta(days=5)
    )
    Application.objects.filter(pk=far.pk).update(status=ApplicationStatus.SUBMITTED)
    assert run_reminders(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_a_reminder_turned_off_is_not_sent_and_one_turned_on_comes_in_english(
    people, make_pool, department, committee, mailoutbox, django_capture_on_commit_callbacks
):
    caseworker, _ = people
    draft_in_pool(make_pool, department, committee, caseworker, days=10)
    do_update_preferences(actor=caseworker, values={"remind_draft_deadline": False})
    assert run_reminders(django_capture_on_commit_callbacks) == 0

    do_update_preferences(
        actor=caseworker, values={"remind_draft_deadline": True, "language": "en"}
    )
    assert run_reminders(django_capture_on_commit_callbacks) == 1
    [mail] = mailoutbox
    assert mail.subject == "Reminder: the application deadline for Integrationspuljen 2026 is near"
    assert "These applications have not been submitted yet" in mail.body
    assert "Hej" not in mail.body and "Kind regards" in mail.body  # all of it in English


def report_due_in(days, make_application, owner):
    application = make_application(status=ApplicationStatus.ACTIVE, created_by=owner)
    return Report.objects.create(
        application=application,
        kind=ReportKind.EVALUATION,
        due_date=timezone.localdate() + datetime.timedelta(days=days),
    )


def test_a_report_due_within_30_days_reminds_the_caseworker_and_staff_once(
    people, make_application, mailoutbox, django_capture_on_commit_callbacks
):
    caseworker, staff = people
    report_due_in(20, make_application, caseworker)
    report_due_in(45, make_application, caseworker)  # not yet

    assert run_reminders(django_capture_on_commit_callbacks) == 2
    assert run_reminders(django_capture_on_commit_callbacks) == 0

    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {"cw@example.dk", "staff@example.dk"}
    assert "inden for 30 dage" in by_address["staff@example.dk"].subject
    assert "/sekretariat/afrapportering/" in by_address["staff@example.dk"].body
    assert "/mine/" in by_address["cw@example.dk"].body


def test_an_overdue_report_reminds_again_as_overdue(
    people, make_application, mailoutbox, django_capture_on_commit_callbacks
):
    caseworker, staff = people
    report = report_due_in(5, make_application, caseworker)
    run_reminders(django_capture_on_commit_callbacks)
    Report.objects.filter(pk=report.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    do_update_preferences(actor=staff, values={"remind_report_overdue": False})

    assert run_reminders(django_capture_on_commit_callbacks) == 1
    overdue = [m for m in mailoutbox if "over fristen" in m.subject]
    assert [m.to for m in overdue] == [["cw@example.dk"]]


def test_a_report_of_a_project_nobody_wrote_here_reminds_the_departments_caseworkers(
    people, make_application, mailoutbox, django_capture_on_commit_callbacks
):
    """Fresh eyes round 22: the demo's overdue reports are of projects imported from action
    plans (no writer); "Venter på dig" lists them for the department's caseworkers, and no
    reminder reached any of them."""
    caseworker, staff = people
    report_due_in(-3, make_application, None)
    do_update_preferences(actor=staff, values={"remind_report_overdue": False})

    assert run_reminders(django_capture_on_commit_callbacks) == 1
    [mail] = mailoutbox
    assert mail.to == ["cw@example.dk"] and "over fristen" in mail.subject


def test_an_associations_report_reminds_its_people_who_have_signed_in(
    people, make_application, municipality, mailoutbox, django_capture_on_commit_callbacks
):
    from portal.models import Organisation, Role, User

    _caseworker, staff = people
    association = Organisation.objects.create(municipality=municipality, name="Foreningen")
    common = {"role": Role.ORGANISATION, "organisation": association, "municipality": municipality}
    signed_in = User.objects.create_user(
        "anna", email="anna@example.dk", last_login=timezone.now(), **common
    )
    User.objects.create_user("aldrig", email="aldrig@example.dk", **common)  # never signed in
    report = report_due_in(-3, make_application, signed_in)
    Application.objects.filter(pk=report.application_id).update(
        organisation=association, department=None
    )
    do_update_preferences(actor=staff, values={"remind_report_overdue": False})

    assert run_reminders(django_capture_on_commit_callbacks) == 1
    [mail] = mailoutbox
    assert mail.to == ["anna@example.dk"]
    assert "?som=forening" in mail.body


# --- Pools at their dates ------------------------------------------------------------------


def test_a_pool_opens_and_closes_itself_at_its_dates_as_the_system(
    make_pool, django_capture_on_commit_callbacks
):
    now = timezone.now()
    pool = make_pool(
        status=PoolStatus.PLANNED,
        opens_at=now - datetime.timedelta(minutes=1),
        application_deadline=now + datetime.timedelta(days=30),
    )
    from grants.pool_dates import open_and_close_pools

    assert open_and_close_pools() == 1
    pool.refresh_from_db()
    assert pool.status == PoolStatus.OPEN
    latest = pool.history.first()
    assert (latest.status, latest.history_user) == (PoolStatus.OPEN, None)

    later = now + datetime.timedelta(days=30, minutes=1)
    assert open_and_close_pools(later) == 1
    pool.refresh_from_db()
    assert pool.status == PoolStatus.CLOSED

    # Staff reopen it after the deadline: the date has acted once and leaves it open.
    do_set_pool_status(pool_id=pool.pk, actor=None, status=PoolStatus.OPEN)
    assert open_and_close_pools(later + datetime.timedelta(minutes=10)) == 0
    pool.refresh_from_db()
    assert pool.status == PoolStatus.OPEN


def test_a_pool_without_a_budget_stays_planned_at_its_date(make_pool, caplog):
    from grants.pool_dates import open_and_close_pools

    pool = make_pool(
        status=PoolStatus.PLANNED,
        budget=None,
        opens_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert open_and_close_pools() == 0
    pool.refresh_from_db()
    assert pool.status == PoolStatus.PLANNED
    assert "was not set to open" in caplog.text


def test_the_worker_loop_runs_the_schedule_itself(make_pool, django_capture_on_commit_callbacks):
    """`run_worker --once` as the process does it: start due jobs, run them."""
    pool = make_pool(
        status=PoolStatus.PLANNED, opens_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    run_worker(schedule=True)
    pool.refresh_from_db()
    assert pool.status == PoolStatus.OPEN
    assert ScheduledRun.objects.filter(job="pool-dates").count() == 1
    assert DBTaskResult.objects.get(task_path="grants.tasks.open_and_close_pools").status == (
        "SUCCESSFUL"
    )


def test_a_recused_staff_member_gets_no_reminder_about_that_case(
    people, make_application, mailoutbox, django_capture_on_commit_callbacks
):
    from grants.models import ConflictOfInterest

    caseworker, staff = people
    report = report_due_in(10, make_application, caseworker)
    ConflictOfInterest.objects.create(application=report.application, user=staff, reason="Nabo")

    assert run_reminders(django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mailoutbox] == [["cw@example.dk"]]


def test_a_long_danish_subject_keeps_its_spaces_on_the_wire(mailoutbox):
    """Fresh eyes rounds 11 and 12: "lektiehjælp på" arrived as "lektiehjælppå" (CPython
    folded the encoded subject into two encoded words at the space, which RFC 2047 drops)."""
    import email
    import email.policy

    from worker.tasks import PortalMail

    subject = "Afgørelse: Fællesspisning og lektiehjælp på Nørrebro – og så lidt længere endnu"
    raw = PortalMail(subject, "Brød", "a@example.dk", ["b@example.dk"]).message().as_bytes()
    assert email.message_from_bytes(raw, policy=email.policy.default)["subject"] == subject
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))


def test_the_admin_finds_the_mail_sent_to_a_person_and_names_each_kind(client, demo):
    """Fresh eyes round 22: searching "did she get the mail?" by her address found nothing,
    the list had no recipients, and the kind filter showed codes."""
    from portal.models import User

    admin_client = client
    admin_client.force_login(User.objects.get(username="admin"))
    OutgoingMail.objects.create(
        kind="reminder_report_overdue",
        to=["sofie@example.org"],
        subject="Påmindelse: afrapportering over fristen",
        body="…",
    )
    OutgoingMail.objects.create(
        kind="decision", to=["ole@example.org"], subject="Afgørelse", body="…"
    )
    page = admin_client.get("/admin/worker/outgoingmail/", {"q": "sofie@example"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "sofie@example.org" in html and "ole@example.org" not in html
    listing = admin_client.get("/admin/worker/outgoingmail/").content.decode()
    assert "Påmindelse: afrapportering over fristen" in listing
    assert "reminder_report_overdue</a>" not in listing  # the filter's choices are named
    assert ">Afgørelse</a>" in listing


def test_an_unanswered_question_is_reminded_before_its_reply_date_and_once_after(
    people, make_application, mailoutbox, django_capture_on_commit_callbacks
):
    """Fresh eyes round 22: a question with a reply date had no reminder, though the
    settings page promised mail "når en frist nærmer sig eller er overskredet"."""
    from grants.models import InformationRequest

    caseworker, staff = people
    application = make_application(status=ApplicationStatus.IN_REVIEW, created_by=caseworker)
    request = InformationRequest.objects.create(
        application=application,
        question="Hvor mange deltagere?",
        requested_by=staff,
        due_date=timezone.localdate() + datetime.timedelta(days=5),
    )
    assert run_reminders(django_capture_on_commit_callbacks) == 0  # not yet
    InformationRequest.objects.filter(pk=request.pk).update(
        due_date=timezone.localdate() + datetime.timedelta(days=2)
    )
    assert run_reminders(django_capture_on_commit_callbacks) == 1
    assert run_reminders(django_capture_on_commit_callbacks) == 0
    [soon] = mailoutbox
    assert soon.to == ["cw@example.dk"]
    assert soon.subject == "Påmindelse: kommunen venter på dit svar"
    assert f"/mine/ansoegninger/{application.pk}/beskeder/" in soon.body

    InformationRequest.objects.filter(pk=request.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert run_reminders(django_capture_on_commit_callbacks) == 1
    assert mailoutbox[-1].subject == "Påmindelse: kommunen venter stadig på dit svar"
    InformationRequest.objects.filter(pk=request.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2), answered_at=timezone.now()
    )
    do_update_preferences(actor=caseworker, values={"remind_information_due": True})
    assert run_reminders(django_capture_on_commit_callbacks) == 0  # answered: nothing more


def test_the_admin_shows_a_mails_kind_and_recipients_as_the_list_does(client, demo):
    from portal.models import User

    client.force_login(User.objects.get(username="admin"))
    mail = OutgoingMail.objects.create(
        kind="decision", to=["sofie@example.org"], subject="Afgørelse", body="…"
    )
    page = client.get(f"/admin/worker/outgoingmail/{mail.pk}/change/").content.decode()
    assert "sofie@example.org" in page and "[&quot;sofie" not in page
    assert "Afgørelse" in page and ">decision<" not in page
