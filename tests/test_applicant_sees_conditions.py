"""The applicant sees what the decision asks of them: the condition, the decision's other
conditions ("Øvrige vilkår") and the success criteria's targets, on the page and in the PDF."""

import io
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from grants.models import SuccessCriterion

from .page_crawl import visible_text
from .staff_support import decide

CONDITIONS = "Projektet skal afholde et midtvejsmøde med sekretariatet i juni."


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_applicant_sees_other_conditions_and_targets_on_the_page_and_in_the_pdf(
    staff_client, owner, make_recommended, django_capture_on_commit_callbacks
):
    application = make_recommended({2026: "60000"})
    SuccessCriterion.objects.create(
        application=application,
        text="Deltagerne kommer i job",
        target_value=Decimal("25"),
        unit="deltagere",
    )
    SuccessCriterion.objects.create(
        application=application, text="Forløbet evalueres", target_value=Decimal("12.5"), unit="%"
    )
    decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="60.000",
        conditions_text=CONDITIONS,
    )

    applicant = Client()
    applicant.force_login(owner)
    page = visible_text(
        applicant.get(reverse("mine:detail", args=[application.pk])).content.decode()
    )
    assert "Øvrige vilkår" in page and CONDITIONS in page
    assert "Evaluering året efter" in page
    assert "Deltagerne kommer i job (mål: 25 deltagere)" in page
    assert "Forløbet evalueres (mål: 12,5 %)" in page

    response = applicant.get(reverse("mine:pdf", args=[application.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "Øvrige vilkår" in text and CONDITIONS in text
    assert "Evaluering året efter – senest 31. december 2027" in text
    assert "Deltagerne kommer i job (mål: 25 deltagere)" in text
    assert "Forløbet evalueres (mål: 12,5 %)" in text
    # The outcome once, its amounts before the rest, the whole way to complain (fresh eyes
    # round 24: "Afgørelse" twice, amounts after the guidance, no reconsideration).
    decision = text[text.index("Beslutning") :]  # a department's (fresh eyes round 25)
    assert "Beslutning Beslutning" not in decision
    assert decision.index("Beløb pr. år") < decision.index("Vilkår")
    assert "60.000 kr." in decision
    assert "Kan beslutningen påklages?" in decision or "genovervejes" in decision

    # Staff see what they recorded, too.
    staff_page = visible_text(
        staff_client.get(reverse("sekretariat:application", args=[application.pk])).content.decode()
    )
    assert "Øvrige vilkår" in staff_page and CONDITIONS in staff_page


def test_the_pdf_copy_has_the_contacts_reach_and_the_attachments(client, owner, make_application):
    """Fresh eyes: the PDF copy left out the contact's e-mail and phone, which the receipt
    shows, and neither listed the attached files."""
    from django.core.files.base import ContentFile

    from grants.models import Attachment, ContactPerson

    application = make_application()
    ContactPerson.objects.create(
        application=application, name="Aase Hansen", email="aase@kommune.dk", phone="12345678"
    )
    Attachment.objects.create(
        application=application,
        file=ContentFile(b"%PDF-1.4\n", name="budget.pdf"),
        original_name="budget-2027.pdf",
        content_type="application/pdf",
        size=9,
    )
    client.force_login(owner)
    text = " ".join(
        pdf_text(client.get(reverse("mine:pdf", args=[application.pk])).content).split()
    )
    assert "aase@kommune.dk" in text and "12345678" in text
    assert "Bilag" in text and "budget-2027.pdf" in text
    detail = client.get(reverse("mine:detail", args=[application.pk])).content.decode()
    assert visible_text(detail).count("budget-2027.pdf") == 1  # once, as a download link
