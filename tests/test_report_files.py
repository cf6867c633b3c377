"""Files on a report, from the user's side (fresh eyes round 31: an association had nowhere to
put its accounts): the applicant attaches them on the report's page while the report is
theirs to edit, staff read them with the report, a refused file costs nothing typed, and a
sent report takes no more."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from grants.models import Report, ReportStatus
from portal.models import User

from .page_crawl import visible_text

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def report(demo):
    owner = User.objects.get(username="frb-sagsbehandler")
    return Report.objects.filter(
        application__department=owner.department, status=ReportStatus.REQUESTED
    ).first()


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def form_data(html: str) -> dict:
    """The report form's fields as the page rendered them (inputs and text areas)."""
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        if name != "csrfmiddlewaretoken":
            data[name] = value
    for name, text in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', html, re.S
    ):
        data[name] = text
    return data


def test_the_applicant_attaches_the_accounts_and_staff_read_them(report):
    applicant = signed_in("frb-sagsbehandler")
    url = reverse("mine:report", args=[report.pk])
    page = applicant.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="attachment"' in page and "Bilag til rapporten" in page

    data = form_data(page) | {"summary": "Vi nåede 30 deltagere.", "save": ""}
    response = applicant.post(
        url, data | {"attachment": SimpleUploadedFile("Regnskab 2021.pdf", PDF)}
    )
    assert response.status_code == 302
    page = applicant.get(url).content.decode()
    assert "Regnskab 2021.pdf er vedhæftet." in visible_text(page)
    [attachment] = report.attachments.all()
    assert attachment.original_name == "Regnskab 2021.pdf"
    assert attachment.history.get().history_user.username == "frb-sagsbehandler"
    download = applicant.get(reverse("mine:report-attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == PDF
    report.refresh_from_db()
    assert report.summary == "Vi nåede 30 deltagere."

    # Staff read it with the report; another municipality's staff do not reach it.
    staff = signed_in("frb-sekretariat")
    staff_page = staff.get(reverse("sekretariat:report", args=[report.pk])).content.decode()
    link = reverse("sekretariat:report-attachment", args=[attachment.pk])
    assert f'href="{link}"' in staff_page and "Regnskab 2021.pdf" in staff_page
    assert staff.get(link).status_code == 200
    assert signed_in("kbh-sekretariat").get(link).status_code == 404
    assert (
        signed_in("kbh-forening")
        .get(reverse("mine:report-attachment", args=[attachment.pk]))
        .status_code
        == 404
    )


def test_a_refused_file_keeps_what_was_typed_and_says_why(report):
    applicant = signed_in("frb-sagsbehandler")
    url = reverse("mine:report", args=[report.pk])
    data = form_data(applicant.get(url).content.decode())
    fake = SimpleUploadedFile("regnskab.pdf", b"MZ not a pdf at all")
    response = applicant.post(
        url, data | {"summary": "Teksten bliver.", "submit": "", "attachment": fake}
    )
    assert response.status_code == 302 and response["Location"].endswith("#bilag")
    text = visible_text(applicant.get(url).content.decode())
    assert "Rapporten er gemt, men filen er ikke vedhæftet" in text
    report.refresh_from_db()
    assert report.summary == "Teksten bliver."
    assert report.status == ReportStatus.REQUESTED  # not sent with the file refused
    assert not report.attachments.exists()


def test_a_file_is_removed_and_a_sent_report_takes_no_more(report):
    applicant = signed_in("frb-sagsbehandler")
    url = reverse("mine:report", args=[report.pk])
    data = form_data(applicant.get(url).content.decode()) | {"save": ""}
    applicant.post(url, data | {"attachment": SimpleUploadedFile("a.pdf", PDF)})
    data = form_data(applicant.get(url).content.decode()) | {"save": ""}
    applicant.post(url, data | {"attachment": SimpleUploadedFile("b.pdf", PDF)})
    first = report.attachments.get(original_name="a.pdf")
    page = applicant.get(url).content.decode()
    assert f'name="remove_attachment" value="{first.pk}"' in page
    applicant.post(url, form_data(page) | {"remove_attachment": str(first.pk)})
    assert list(report.attachments.values_list("original_name", flat=True)) == ["b.pdf"]
    assert "Bilaget er fjernet." in visible_text(applicant.get(url).content.decode())

    # Sent: the page lists the file without a way to add or remove one; a forged post
    # changes nothing.
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.SUBMITTED)
    page = applicant.get(url).content.decode()
    assert "b.pdf" in page and 'name="attachment"' not in page
    assert 'name="remove_attachment"' not in page
    applicant.post(url, data | {"attachment": SimpleUploadedFile("c.pdf", PDF)})
    applicant.post(url, data | {"remove_attachment": str(report.attachments.get().pk)})
    assert list(report.attachments.values_list("original_name", flat=True)) == ["b.pdf"]


def test_the_list_of_what_lacks_reads_the_unspent_amount_as_typed(report):
    """Recheck round 33: spent and unspent typed to add up to the grant, another field wrong:
    the list still asked to "skriv 50.000 kr. som ubrugte midler", the amount in the field."""
    from decimal import Decimal

    applicant = signed_in("frb-sagsbehandler")
    url = reverse("mine:report", args=[report.pk])
    data = form_data(applicant.get(url).content.decode())
    granted = sum(a.amount for a in report.application.allocations.all())
    years = report.application.grant_years
    data |= {f"spent_{y}": "0" for y in years}
    data[f"spent_{years[0]}"] = f"{granted - Decimal(50000):f}".split(".")[0]
    data["unspent_amount"] = "50.000"
    data[f"achieved_{report.application.success_criteria.first().pk}"] = "ikke et tal"
    page = visible_text(applicant.post(url, data | {"save": ""}).content.decode())
    assert "som ubrugte midler" not in page


def test_a_file_too_large_with_a_refused_report_is_said_at_once(report, settings):
    """The report's way of the class above (fresh eyes round 34)."""
    settings.ATTACHMENT_MAX_BYTES = 1_500_000
    applicant = signed_in("frb-sagsbehandler")
    url = reverse("mine:report", args=[report.pk])
    data = form_data(applicant.get(url).content.decode())
    big = SimpleUploadedFile("regnskab.pdf", PDF + b"0" * 2_500_000)
    mistake = {"unspent_amount": "mange penge", "save": "", "attachment": big}
    response = applicant.post(url, data | mistake)
    assert response.status_code == 400
    text = visible_text(response.content.decode())
    assert "Filen »regnskab.pdf« er ikke vedhæftet: Filen er for stor (2,5 MB)" in text
    assert "Vælg filen »regnskab.pdf« igen" not in text
