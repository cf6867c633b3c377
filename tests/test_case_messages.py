"""Messages in the case (issue 16, item 6), from the user's side: the applicant and staff write
to each other on the application with files, staff ask for specific information, the
applicant answers in the portal, and each side gets an e-mail from the worker. A recused
staff member cannot write; a draft's case is not open."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from grants.models import (
    ApplicationStatus,
    CaseMessage,
    ConflictOfInterest,
    InformationRequest,
    MessageAttachment,
)
from grants.services.errors import DomainError
from grants.services.messages import do_send_message

from .page_crawl import visible_text

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    default = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")},
    }
    with override_settings(STORAGES={**settings.STORAGES, "default": default}):
        yield


@pytest.fixture
def case(make_application, owner, staff_user):
    staff_user.email = "sekretariat@testrup.dk"
    staff_user.first_name, staff_user.last_name = "Sara", "Sekretær"
    staff_user.save()
    return make_application(
        status=ApplicationStatus.IN_REVIEW, created_by=owner, submitted_at=timezone.now()
    )


@pytest.fixture
def applicant(owner):
    client = Client()
    client.force_login(owner)
    return client


def page(client, name, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, name
    return visible_text(response.content.decode())


def test_applicant_writes_with_a_file_and_staff_read_it_and_get_mail(
    case, applicant, staff_client, owner, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("mine:messages", args=[case.pk])
    assert "Skriv til sekretariatet" in page(applicant, "mine:messages", case.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant.post(
            url,
            {
                "text": "Må vi bruge 5.000 kr. på tolk?",
                "files": [SimpleUploadedFile("Tolk budget.pdf", PDF)],
            },
        )
    assert response.status_code == 302
    message = CaseMessage.objects.get(application=case)
    assert (message.side, message.author) == ("applicant", owner)
    assert message.history.get().history_user == owner  # the audit row has the actor

    # Staff read it on the case's messages page and download the file.
    text = page(staff_client, "sekretariat:messages", case.pk)
    assert "Må vi bruge 5.000 kr. på tolk?" in text and "Tolk budget.pdf" in text
    attachment = MessageAttachment.objects.get(message=message)
    download = staff_client.get(reverse("sekretariat:message-attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == PDF
    # ... and the case's history on the application page shows it.
    assert "besked: Må vi bruge" in page(staff_client, "sekretariat:application", case.pk)

    # The other side (staff) got an e-mail from the worker, with the link but not the text:
    # a department's message may name a citizen, and staff read it in the case (attack
    # round 21), and the sentence before the link does not dangle.
    assert [m.to for m in mailoutbox] == [["sekretariat@testrup.dk"]]
    assert "tolk" not in mailoutbox[0].body
    assert "har skrevet en ny besked om »" in mailoutbox[0].body
    assert "«:" not in mailoutbox[0].body and "Læs beskeden i portalen." in mailoutbox[0].body
    assert f"/sekretariat/ansoegninger/{case.pk}/beskeder/" in mailoutbox[0].body
    assert mailoutbox[0].attachments == []

    # Staff answer; the applicant is told by e-mail and reads it in the portal.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("sekretariat:messages", args=[case.pk]), {"text": "Ja, det er fint."}
        )
    assert [m.to for m in mailoutbox] == [[owner.email]]
    assert f"/mine/ansoegninger/{case.pk}/beskeder/" in mailoutbox[0].body
    assert "Ja, det er fint." in page(applicant, "mine:messages", case.pk)
    assert "Beskeder (2)" in page(applicant, "mine:detail", case.pk)


def test_staff_request_information_and_the_answer_closes_it(
    case, applicant, staff_client, owner, mailoutbox, django_capture_on_commit_callbacks
):
    due = (timezone.localdate() + timezone.timedelta(days=14)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("sekretariat:request-information", args=[case.pk]),
            {"question": "Hvor mange deltagere forventer I?", "due_date": due},
        )
    assert response.status_code == 302
    request = InformationRequest.objects.get(application=case)
    assert request.is_open
    assert [m.to for m in mailoutbox] == [[owner.email]]
    assert "Hvor mange deltagere forventer I?" in mailoutbox[0].body

    # Open on both sides: the applicant's dashboard and application page, staff's case page.
    dashboard = page(applicant, "mine:dashboard")
    assert "Sekretariatet beder om oplysninger:" in dashboard and case.title in dashboard
    # Once, as the request: not again as a new message (fresh eyes round 16).
    assert "Ny besked fra sekretariatet" not in dashboard
    assert "Sekretariatet venter på dit svar" in page(applicant, "mine:detail", case.pk)
    assert "Åbne anmodninger om oplysninger" in page(
        staff_client, "sekretariat:application", case.pk
    )

    # A message in the box below the question does not answer it: said before and after
    # (fresh eyes round 34: "Beskeden er sendt.", and the question still open in silence).
    assert "brug »Svar« ved spørgsmålet ovenfor" in page(applicant, "mine:messages", case.pk)
    sent = applicant.post(
        reverse("mine:messages", args=[case.pk]), {"text": "Vi er 25."}, follow=True
    )
    assert "Sekretariatets spørgsmål står stadig som ubesvaret" in visible_text(
        sent.content.decode()
    )
    assert request.is_open

    # The applicant follows the link and answers with a file.
    answer_page = applicant.get(reverse("mine:dashboard")).content.decode()
    answer_url = reverse("mine:answer", args=[request.pk])
    assert f'href="{answer_url}"' in answer_page
    assert "Hvor mange deltagere forventer I?" in page(applicant, "mine:answer", request.pk)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant.post(
            answer_url,
            {"text": "Vi forventer 25 deltagere.", "files": [SimpleUploadedFile("liste.pdf", PDF)]},
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert not request.is_open and request.answered_by == owner
    # The answer is new to staff, and said to be an answer.
    home = page(staff_client, "sekretariat:home")
    assert f"Nye beskeder fra ansøgere {case.title} (svar på anmodning)" in home
    answer = request.messages.get(side="applicant")
    assert answer.attachments.count() == 1
    # The question is the municipality's own words; the answer is read in the case.
    assert "Hvor mange deltagere forventer I?" in mailoutbox[0].body
    assert "25 deltagere" not in mailoutbox[0].body
    assert "Læs svaret i portalen." in mailoutbox[0].body
    assert mailoutbox[0].to == ["sekretariat@testrup.dk"]

    # Closed: gone from the dashboard and the staff page; a second answer is refused.
    assert "Sekretariatet beder om oplysninger:" not in page(applicant, "mine:dashboard")
    assert "Åbne anmodninger" not in page(staff_client, "sekretariat:application", case.pk)
    assert "Besvaret" in page(staff_client, "sekretariat:messages", case.pk)
    response = applicant.post(answer_url, {"text": "Igen"})
    assert response.status_code == 400
    assert "Anmodningen er allerede besvaret." in visible_text(response.content.decode())
    assert request.messages.count() == 2
    # With nothing open, no hint and no such word after a message.
    assert "brug »Svar«" not in page(applicant, "mine:messages", case.pk)
    sent = applicant.post(reverse("mine:messages", args=[case.pk]), {"text": "Tak."}, follow=True)
    assert "ubesvaret" not in visible_text(sent.content.decode())


def test_a_recused_staff_member_cannot_write_but_a_colleague_can(
    case, staff_client, staff_user, municipality, django_capture_on_commit_callbacks
):
    ConflictOfInterest.objects.create(application=case, user=staff_user, reason="Min bror")
    url = reverse("sekretariat:messages", args=[case.pk])
    html = staff_client.get(url).content.decode()
    assert "Send besked" not in html and "Send anmodning" not in html
    response = staff_client.post(url, {"text": "Hej"})
    assert response.status_code == 400 and "inhabil" in response.content.decode()
    response = staff_client.post(
        reverse("sekretariat:request-information", args=[case.pk]), {"question": "Hvorfor?"}
    )
    assert response.status_code == 400
    assert not CaseMessage.objects.exists() and not InformationRequest.objects.exists()

    colleague = type(staff_user).objects.create_user(
        username="kollega", password="x", role=staff_user.role, municipality=municipality
    )
    other = Client()
    other.force_login(colleague)
    with django_capture_on_commit_callbacks(execute=True):
        assert other.post(url, {"text": "Hej"}).status_code == 302
    # The recused member is not written to about the case either.
    from grants.case_notifications import staff_recipients

    assert staff_user.email not in [address for address, _lang in staff_recipients(case)]


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_saved(case, applicant):
    response = applicant.post(
        reverse("mine:messages", args=[case.pk]),
        {"text": "Se filen", "files": [SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")]},
    )
    assert response.status_code == 400
    assert "Filen »virus.pdf« er ikke en gyldig PDF-fil." in visible_text(response.content.decode())
    assert not CaseMessage.objects.exists()


def test_an_empty_message_is_refused(case, applicant):
    response = applicant.post(reverse("mine:messages", args=[case.pk]), {"text": "  "})
    assert response.status_code == 400
    assert not CaseMessage.objects.exists()
    # Said plainly (fresh eyes round 34: "Dette felt er påkrævet.").
    assert "Skriv en besked." in visible_text(response.content.decode())


def test_a_draft_has_no_case_to_write_in(make_application, owner, applicant):
    draft = make_application(created_by=owner)
    assert "Der kan ikke skrives i sagen" in page(applicant, "mine:messages", draft.pk)
    with pytest.raises(DomainError):
        do_send_message(application_id=draft.pk, actor=owner, text="Hej")
    assert not CaseMessage.objects.exists()


def test_another_department_cannot_write_in_the_case(case, municipality, owner):
    from portal.models import Department, Role, User

    other = User.objects.create_user(
        username="anden",
        password="x",
        role=Role.CASEWORKER,
        municipality=municipality,
        department=Department.objects.create(municipality=municipality, name="Biblioteket"),
    )
    client = Client()
    client.force_login(other)
    assert client.get(reverse("mine:messages", args=[case.pk])).status_code == 404
    assert client.post(reverse("mine:messages", args=[case.pk]), {"text": "x"}).status_code == 404
    with pytest.raises(DomainError):
        do_send_message(application_id=case.pk, actor=other, text="Hej")
    assert not CaseMessage.objects.exists()


def test_the_pages_work_without_javascript_forms_post_to_real_addresses(case, applicant):
    html = applicant.get(reverse("mine:messages", args=[case.pk])).content.decode()
    form = re.search(r'<form method="post" enctype="multipart/form-data" action="([^"]+)"', html)
    assert form and form.group(1) == reverse("mine:messages", args=[case.pk])


def test_a_good_file_beside_a_refused_one_is_asked_for_again(case, applicant, settings):
    """Fresh eyes round 13: a message with a good file and a too-large one kept the text but
    dropped both files, saying nothing of the good one."""
    settings.ATTACHMENT_MAX_BYTES = 1_500_000
    response = applicant.post(
        reverse("mine:messages", args=[case.pk]),
        {
            "text": "Her er vedtægter og regnskab.",
            "files": [
                SimpleUploadedFile("vedtaegter.pdf", PDF),
                SimpleUploadedFile("regnskab.pdf", PDF + b" " * 2_000_000),
            ],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Filen er for stor" in html and "Her er vedtægter og regnskab." in html
    assert "Vælg filen »vedtaegter.pdf« igen" in html
    assert "Vælg filen »regnskab.pdf« igen" not in html
    assert "op til 5 filer på højst 1,5 MB hver" in html
    assert not CaseMessage.objects.exists()


def test_files_that_can_never_be_taken_are_said_at_once_beside_another_mistake(
    case, applicant, settings
):
    """Attack round 34: an empty message with a too-large file and a program asked for both
    files again ("de er ikke gemt, fordi noget andet … skulle rettes"), as if they were fine;
    each is now refused with why at once, and a good one is still asked for again."""
    settings.ATTACHMENT_MAX_BYTES = 1_500_000
    response = applicant.post(
        reverse("mine:messages", args=[case.pk]),
        {
            "text": "",
            "files": [
                SimpleUploadedFile("stor.pdf", PDF + b" " * 2_000_000),
                SimpleUploadedFile("program.exe", b"MZ\x90\x00"),
                SimpleUploadedFile("god.pdf", PDF),
            ],
        },
    )
    assert response.status_code == 400
    text = visible_text(response.content.decode())
    assert "Filen »stor.pdf« er ikke vedhæftet: Filen er for stor" in text
    assert "Filen »program.exe« er ikke vedhæftet: Kun PDF-" in text
    assert "Vælg filen »god.pdf« igen" in text
    assert "stor.pdf« igen" not in text and "program.exe« igen" not in text
    assert not CaseMessage.objects.exists()


def test_a_new_message_is_flagged_until_the_other_side_opens_it(
    case, applicant, staff_client, django_capture_on_commit_callbacks
):
    """Fresh eyes round 15: a reply was flagged nowhere; staff and the caseworker had to open
    every case to find it. A message from the other side is flagged on the front page, on
    the case's page and in the thread until that side has opened the thread."""
    with django_capture_on_commit_callbacks(execute=True):
        applicant.post(reverse("mine:messages", args=[case.pk]), {"text": "Et spørgsmål om tolk"})
    # Nothing of one's own message is new to oneself.
    assert "Ny besked" not in page(applicant, "mine:dashboard")
    assert "Ny besked" not in page(applicant, "mine:detail", case.pk)

    home = page(staff_client, "sekretariat:home")
    assert f"Nye beskeder fra ansøgere {case.title}" in home
    assert "Ny besked" in page(staff_client, "sekretariat:application", case.pk)
    thread = page(staff_client, "sekretariat:messages", case.pk)
    assert re.search(r"Ny Et spørgsmål om tolk", thread), thread
    # Opened: no longer new anywhere.
    assert " Ny " not in page(staff_client, "sekretariat:messages", case.pk)
    assert "Nye beskeder fra ansøgere" not in page(staff_client, "sekretariat:home")
    assert "Ny besked" not in page(staff_client, "sekretariat:application", case.pk)

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("sekretariat:messages", args=[case.pk]), {"text": "Ja, gerne."})
    assert "Nye beskeder fra ansøgere" not in page(staff_client, "sekretariat:home")
    dashboard = page(applicant, "mine:dashboard")
    assert f"Ny besked fra sekretariatet: {case.title}" in dashboard
    assert "Ny besked" in page(applicant, "mine:detail", case.pk)
    assert "Ny Ja, gerne." in page(applicant, "mine:messages", case.pk)
    assert "Ny besked" not in page(applicant, "mine:dashboard")
    # A second applicant message is new again to staff, the read one is not.
    with django_capture_on_commit_callbacks(execute=True):
        applicant.post(reverse("mine:messages", args=[case.pk]), {"text": "Tak for svaret"})
    thread = page(staff_client, "sekretariat:messages", case.pk)
    assert "Ny Tak for svaret" in thread and "Ny Et spørgsmål" not in thread


def test_an_imported_decision_names_its_source_not_as_a_message(
    make_pool, make_application, owner, applicant, staff_client
):
    """Fresh eyes round 15: a grant brought in from before the portal showed its source
    ("Handleplan 2021-2022") under "Meddelelse", as if the committee had written it to the
    applicant."""
    from decimal import Decimal

    from grants.services.decisions import do_import_funded_application

    pool = make_pool(year=2026)
    application = make_application(
        target_pool=pool, amounts={2026: "40000"}, title="Lektiecafé", created_by=owner
    )
    do_import_funded_application(
        application_id=application.pk,
        amounts={2026: Decimal("40000")},
        source="Integrationspolitikkens handleplan 2021-2022",
    )
    for client, name in ((applicant, "mine:detail"), (staff_client, "sekretariat:application")):
        text = page(client, name, application.pk)
        assert (
            "Afgjort, før portalen blev taget i brug. Kilde: Integrationspolitikkens handleplan"
            in text
        )
        assert "Meddelelse" not in text


def test_a_staff_member_without_a_name_is_the_secretariat_to_the_applicant_never_a_login(
    case, applicant, staff_client, staff_user, owner, mailoutbox, django_capture_on_commit_callbacks
):
    """Fresh eyes round 31: an association read "a31-staff har skrevet om …" in its mail,
    the case's messages and its history: a login name, where a person or "Sekretariatet"
    belongs (portal.models.User.shown_name)."""
    staff_user.first_name = staff_user.last_name = ""
    staff_user.username = "sek-login-42"
    staff_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("sekretariat:messages", args=[case.pk]), {"text": "Vi har et spørgsmål."}
        )
        staff_client.post(
            reverse("sekretariat:request-information", args=[case.pk]),
            {"question": "Hvor mange deltagere?", "due_date": "2099-01-01"},
        )
    said = [m.body for m in mailoutbox] + [
        page(applicant, "mine:messages", case.pk),
        page(applicant, "mine:answer", InformationRequest.objects.get(application=case).pk),
    ]
    assert "Sekretariatet har skrevet om" in mailoutbox[0].body
    for text in said:
        assert staff_user.username not in text, text


def test_the_applicant_reads_a_question_not_an_anmodning(
    case, applicant, staff_client, staff_user, django_capture_on_commit_callbacks, mailoutbox
):
    """Plain words on the applicant's side (issue 16: written for a volunteer): the
    secretariat asks a question; "anmodning om oplysninger" is staff's word for it."""
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("sekretariat:request-information", args=[case.pk]),
            {"question": "Hvor mange deltagere forventer I?"},
        )
    request = InformationRequest.objects.get(application=case)
    pages = {
        name: page(applicant, name, *args)
        for name, args in (
            ("mine:detail", [case.pk]),
            ("mine:messages", [case.pk]),
            ("mine:answer", [request.pk]),
            ("mine:dashboard", []),
        )
    }
    for name, text in pages.items():
        assert "nmodning" not in text, name
        assert name == "mine:dashboard" or "Hvor mange deltagere" in text, name
    assert "Spørgsmål fra sekretariatet" in pages["mine:messages"]
    assert "Sekretariatet har et spørgsmål" in pages["mine:answer"]
    [mail] = [m for m in mailoutbox if m.to == [case.created_by.email]]
    assert mail.subject == f"Spørgsmål fra sekretariatet: {case.title}"
    assert "nmodning" not in mail.body
    # Staff keep their own word for it.
    assert "Anmodning om oplysninger" in page(staff_client, "sekretariat:messages", case.pk)


def test_each_waiting_line_on_the_dashboard_leads_to_its_page(
    case, make_application, owner, applicant, staff_client, django_capture_on_commit_callbacks
):
    """The dashboard's lines of "Venter på dig" carry addresses made once for the list
    (grants.case_selectors.applicant_tasks): each must open the page where the task is done,
    for this request or this case, not another one's."""
    other = make_application(
        status=ApplicationStatus.IN_REVIEW, created_by=owner, submitted_at=timezone.now()
    )
    due = (timezone.localdate() + timezone.timedelta(days=14)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("sekretariat:request-information", args=[other.pk]),
            {"question": "Hvor mange deltagere?", "due_date": due},
        )
        staff_client.post(reverse("sekretariat:messages", args=[case.pk]), {"text": "Hej."})
    request = InformationRequest.objects.get(application=other)
    html = applicant.get(reverse("mine:dashboard")).content.decode()
    waiting = html[html.index('id="waiting"') : html.index('id="pools"')]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', waiting)
    assert links == [
        (reverse("mine:answer", args=[request.pk]), other.title),
        (reverse("mine:messages", args=[case.pk]) + "#seneste", case.title),
    ]
    for address, title in links:
        response = applicant.get(address.partition("#")[0])
        assert response.status_code == 200, address
        assert title in response.content.decode()
