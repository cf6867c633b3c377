"""The case in a real browser, on a phone and without JavaScript: staff ask for information,
the applicant finds the request on the dashboard and answers it with a file, staff read the
answer; after the decision the applicant downloads the decision letter (a PDF)."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from grants.models import Application, ApplicationStatus, InformationRequest, Pool, RequestedAmount
from grants.services.decisions import do_record_decision
from grants.services.drafts import do_create_draft
from grants.services.messages import do_request_information
from portal.models import User
from tests.browser.conftest import log_in, watched_page

pytestmark = pytest.mark.django_db(transaction=True)
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def case(live_server, demo, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    owner = User.objects.get(username="frb-sagsbehandler")
    staff = User.objects.get(username="frb-sekretariat")
    pool = Pool.objects.get(is_example=True, municipality=owner.municipality)
    draft = do_create_draft(pool_id=pool.pk, actor=owner)
    Application.objects.filter(pk=draft.pk).update(
        title="Mentorforløb for nyankomne kvinder",
        committee=owner.municipality.committees.first(),
        status=ApplicationStatus.IN_REVIEW,
        submitted_at=timezone.now(),
    )
    RequestedAmount.objects.create(application=draft, year=pool.year, amount=Decimal("60000"))
    do_request_information(
        application_id=draft.pk, actor=staff, question="Hvor mange deltagere forventer I?"
    )
    return Application.objects.get(pk=draft.pk)


@pytest.fixture
def phone_without_javascript(browser):
    context = browser.new_context(
        locale="da-DK",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        java_script_enabled=False,
        accept_downloads=True,
    )
    page = watched_page(context)
    yield page
    context.close()


def test_applicant_answers_on_a_phone_without_javascript_and_gets_the_letter(
    case, live_server, phone_without_javascript, page, screenshot, axe_violations, tmp_path
):
    phone = phone_without_javascript
    log_in(phone, live_server, "frb-sagsbehandler")
    expect(phone.get_by_text("Sekretariatet beder om oplysninger:")).to_be_visible()
    phone.get_by_role("link", name="Mentorforløb for nyankomne kvinder").first.click()
    expect(phone.get_by_text("Hvor mange deltagere forventer I?")).to_be_visible()
    phone.get_by_label("Dit svar").fill("Vi forventer 25 deltagere på første hold.")
    upload = tmp_path / "tidsplan.pdf"
    upload.write_bytes(PDF)
    phone.get_by_label("Vedhæft filer").set_input_files(str(upload))
    phone.get_by_role("button", name="Send svar").click()
    expect(phone.get_by_text("Dit svar er sendt til sekretariatet.")).to_be_visible()
    expect(phone.get_by_text("tidsplan.pdf")).to_be_visible()
    screenshot(phone, "case-1-applicant-answered-phone")
    assert not InformationRequest.objects.get(application=case).is_open

    # Staff read the answer (desktop, with JavaScript) and the page passes axe.
    log_in(page, live_server, "frb-sekretariat", lands_on="/sekretariat/")
    page.goto(f"{live_server.url}/sekretariat/ansoegninger/{case.pk}/beskeder/")
    expect(page.get_by_text("Vi forventer 25 deltagere på første hold.")).to_be_visible()
    expect(page.get_by_text("Besvaret").first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "case-2-staff-messages")

    # After the decision the applicant downloads the letter from the application's page.
    do_record_decision(
        application_id=case.pk,
        outcome="approved",
        actor=User.objects.get(username="frb-sekretariat"),
        amounts={case.pool.year: Decimal("60000")},
        committee=case.committee,
        meeting_date=timezone.localdate(),
    )
    phone.goto(f"{live_server.url}/mine/ansoegninger/{case.pk}/")
    with phone.expect_download() as info:
        phone.get_by_role("link", name="Hent brevet med beslutningen (PDF)").click()
    content = Path(info.value.path()).read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "60.000 kr." in " ".join(text.split())
    screenshot(phone, "case-3-applicant-decision-phone")
