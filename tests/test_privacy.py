"""GDPR: contact data of old projects is anonymised; staff see what is held; no personal data
in logs or public output."""

import datetime
import logging

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from grants.models import Application, ApplicationStatus, ContactPerson, StatusChange
from grants.privacy import ANONYMISED_NAME
from grants.services.workflow import do_return_for_changes
from portal.models import User
from tests.worker_support import run_worker


def end(application, status, years_ago):
    Application.objects.filter(pk=application.pk).update(status=status)
    change = StatusChange.objects.create(application=application, to_status=status)
    StatusChange.objects.filter(pk=change.pk).update(
        at=timezone.now() - datetime.timedelta(days=365 * years_ago + 1)
    )


@pytest.fixture
def old_and_new(make_application):
    old = make_application(title="Gammel")
    old.contacts.create(name="Anne Hansen", email="anne@example.org", phone="12345678")
    end(old, ApplicationStatus.CLOSED, years_ago=6)
    new = make_application(title="Ny")
    new.contacts.create(name="Bo Jensen", email="bo@example.org")
    end(new, ApplicationStatus.CLOSED, years_ago=1)
    running = make_application(title="Kører")
    running.contacts.create(name="Cia Holm", email="cia@example.org")
    return old, new, running


@override_settings(PERSONAL_DATA_RETENTION_YEARS=5)
def test_contacts_of_projects_ended_over_5_years_ago_are_anonymised(old_and_new, capsys):
    old, new, running = old_and_new
    call_command("anonymise_contacts", "--dry-run")
    assert "1 contact persons would be anonymised" in capsys.readouterr().out
    assert ContactPerson.objects.get(application=old).name == "Anne Hansen"

    call_command("anonymise_contacts")
    contact = ContactPerson.objects.get(application=old)
    assert (contact.name, contact.email, contact.phone) == (ANONYMISED_NAME, "", "")
    history = ContactPerson.history.filter(id=contact.pk)
    assert history.exists() and not history.exclude(name=ANONYMISED_NAME).exists()
    assert not history.exclude(email="").exists()
    assert ContactPerson.objects.get(application=new).email == "bo@example.org"
    assert ContactPerson.objects.get(application=running).email == "cia@example.org"
    call_command("anonymise_contacts")
    assert "Anonymised 0 contact persons" in capsys.readouterr().out.splitlines()[-1]


def test_staff_page_lists_the_personal_data_held(client, demo):
    client.force_login(User.objects.get(username="frb-sekretariat"))
    html = client.get(reverse("sekretariat:personal-data")).content.decode()
    for category in (
        "Brugere",
        "Kontaktpersoner på ansøgninger",
        "Ændringslog",
        "Bilag",
        "Beskeder og",
    ):
        assert category in html
    assert "Anonymiseres 5 år efter" in html


def test_the_files_are_counted_not_the_applications_that_have_them(client, demo):
    """Fresh eyes round 21: "Bilag: 1" for one application with three files."""
    from django.core.files.base import ContentFile

    from grants.models import Application, Attachment
    from grants.privacy import personal_data_overview

    application = Application.objects.filter(municipality__slug="frederiksberg").first()
    before = {c.title: c.count for c in personal_data_overview(application.municipality)}
    for n in range(3):
        Attachment.objects.create(
            application=application,
            file=ContentFile(b"%PDF-1.4", name=f"bilag{n}.pdf"),
            original_name=f"bilag{n}.pdf",
            content_type="application/pdf",
            size=8,
        )
    after = {c.title: c.count for c in personal_data_overview(application.municipality)}
    assert after["Bilag"] == before["Bilag"] + 3


def test_failed_mail_logs_no_addresses(
    make_application, staff_user, caseworker, caplog, django_capture_on_commit_callbacks
):
    application = make_application(status=ApplicationStatus.SUBMITTED, created_by=caseworker)
    caseworker.email = "sagsbehandler@example.org"
    caseworker.save()
    application.contacts.create(name="Anne", email="anne@example.org")
    unreachable = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    with override_settings(MAILERS=unreachable), caplog.at_level(logging.INFO):
        with django_capture_on_commit_callbacks(execute=True):
            do_return_for_changes(application_id=application.pk, actor=staff_user, comment="Ret")
        run_worker()  # the background worker tries to send it
    assert "Could not send notification" in caplog.text
    assert "example.org" not in caplog.text
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RETURNED  # a mail failure undoes nothing


@override_settings(PERSONAL_DATA_RETENTION_YEARS=5)
def test_messages_their_files_and_information_requests_of_old_cases_are_anonymised(
    make_application, caseworker, staff_user, capsys, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grants.models import CaseMessage, InformationRequest, MessageAttachment
    from grants.privacy import ANONYMISED_TEXT
    from grants.services.messages import (
        do_answer_request,
        do_request_information,
        do_send_message,
    )

    pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    staff_user.municipality = caseworker.municipality
    staff_user.save()
    cases = {}
    for title, years_ago in (("Gammel", 6), ("Ny", 1)):
        case = make_application(
            title=title, status=ApplicationStatus.IN_REVIEW, created_by=caseworker
        )
        with django_capture_on_commit_callbacks(execute=True):
            do_send_message(
                application_id=case.pk,
                actor=caseworker,
                text=f"Anne Hansen, tlf. 12345678 ({title})",
                uploads=[SimpleUploadedFile("Anne Hansen CV.pdf", pdf)],
            )
            request = do_request_information(
                application_id=case.pk, actor=staff_user, question="Hvem er Annes leder?"
            )
            do_answer_request(
                request_id=request.pk,
                actor=caseworker,
                text="Bo Jensen",
                uploads=[SimpleUploadedFile("Bo.pdf", pdf)],
            )
        end(case, ApplicationStatus.CLOSED, years_ago=years_ago)
        cases[title] = case
    old_files = [
        a.file for a in MessageAttachment.objects.filter(message__application=cases["Gammel"])
    ]
    assert len(old_files) == 2 and all(f.storage.exists(f.name) for f in old_files)

    call_command("anonymise_contacts", "--dry-run")
    assert "3 case messages would be anonymised" in capsys.readouterr().out
    with django_capture_on_commit_callbacks(execute=True):
        call_command("anonymise_contacts")
    assert "Anonymised 4 case messages and information requests" in capsys.readouterr().out

    old_messages = CaseMessage.objects.filter(application=cases["Gammel"])
    assert {m.text for m in old_messages} == {ANONYMISED_TEXT}
    assert old_messages.count() == 3  # who wrote and when stay in the case's history
    assert (
        not CaseMessage.history.filter(id__in=old_messages.values("pk"))
        .exclude(text=ANONYMISED_TEXT)
        .exists()
    )
    old_request = InformationRequest.objects.get(application=cases["Gammel"])
    assert old_request.question == ANONYMISED_TEXT
    assert not old_request.history.exclude(question=ANONYMISED_TEXT).exists()
    assert not MessageAttachment.objects.filter(message__application=cases["Gammel"]).exists()
    assert not any(f.storage.exists(f.name) for f in old_files)

    # The newer case keeps everything.
    assert (
        "Anne Hansen"
        in CaseMessage.objects.filter(application=cases["Ny"]).order_by("pk").first().text
    )
    assert InformationRequest.objects.get(application=cases["Ny"]).question.startswith("Hvem")
    assert MessageAttachment.objects.filter(message__application=cases["Ny"]).count() == 2

    # The daily task does the same (nothing left to do now).
    from grants.tasks import anonymise_personal_data

    assert anonymise_personal_data.call() == 0
