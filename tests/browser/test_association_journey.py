"""An association's journey in Chromium (issue 16, item 10): from the public call page of
Copenhagen's § 18 pool, its person signs in with an e-mail link, writes a draft (saved
twice), applies; staff ask for information and the person answers in the portal; staff grant
150.000 kr. over two years; the person sees the decision letter and the cooperation agreement
it requires, and reports."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grants.models import Application, ApplicationStatus, Pool, PoolStatus, Report, ReportKind
from grants.services.follow_up import do_request_report
from portal.models import User
from tests.browser.conftest import log_in
from worker.models import OutgoingMail

pytestmark = pytest.mark.django_db(transaction=True)
SCHEME = "Puljen til frivilligt socialt arbejde"
TITLE = "Lektiecafé for nye danskere"


@pytest.fixture
def section_18_round(live_server, demo, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    last = Pool.objects.filter(scheme__name=SCHEME).order_by("year").last()
    # This year's round: the report at the end states money spent, which can only be in a
    # year that has begun (grants.services.spending.check_no_future_spending).
    year = timezone.localdate().year
    common = {
        "municipality": last.municipality,
        "scheme": last.scheme,
        "policy": last.policy,
        "budget": Decimal("5000000"),
        "applicants": "organisations",
        "max_grant_years": 2,
    }
    this_round = Pool.objects.create(
        **common,
        year=year,
        title=f"{SCHEME} {year}",
        status=PoolStatus.OPEN,
        application_deadline=timezone.now() + datetime.timedelta(days=30),
    )
    # Next year's round: the demo's example round, when the demo has one.
    if not Pool.objects.filter(scheme=last.scheme, year=year + 1).exists():
        Pool.objects.create(
            **common, year=year + 1, title=f"{SCHEME} {year + 1}", status=PoolStatus.PLANNED
        )
    # A grant draws its second year only from a round of its own kind (example data only
    # with example data): the demo's example round stands in as a real one here.
    Pool.objects.filter(scheme=last.scheme, year=year + 1).update(is_example=False)
    return this_round


def sign_in_link(email: str) -> str:
    mail = OutgoingMail.objects.filter(kind="organisation-sign-in", to=[email]).latest("pk")
    return re.search(r"https?://\S+", mail.body).group(0)


def test_an_association_goes_from_the_call_page_to_a_granted_and_reported_project(
    section_18_round, live_server, page, browser, screenshot, axe_violations, tmp_path
):
    pool, year = section_18_round, section_18_round.year
    person = User.objects.get(username="kbh-forening")

    # The public call page, and the way in for an association.
    page.goto(f"{live_server.url}/puljer/soeg/{pool.pk}/")
    screenshot(page, "association-1-call-page")
    page.get_by_test_id("apply-organisation").click()
    page.get_by_role("link", name="Log ind med e-mail").click()
    page.get_by_label("Din e-mailadresse").fill(person.email)
    page.get_by_role("button", name="Send mig et link").click()
    # Waited for: a bare click returns before the next page has loaded (failed in CI).
    page.get_by_text(person.email).wait_for()
    expect(page.get_by_text("Hvis adressen kendes, har vi sendt et link til")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "association-2-link-sent")

    # The link from the mail: opening it signs nobody in; the button does.
    page.goto(sign_in_link(person.email))
    expect(page.get_by_text("Du logger ind som Demo Frivillig for FAKTI.")).to_be_visible()
    screenshot(page, "association-3-link-landing")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(f"{live_server.url}/mine/puljer/{pool.pk}/ny/")

    # The draft, in a volunteer's words, saved twice.
    page.get_by_label("Projektets navn").fill(TITLE)
    page.get_by_role("button", name="Gem kladde").click()
    assert page.get_by_label("Projektets navn").input_value() == TITLE
    application = Application.objects.get(title=TITLE)
    assert application.organisation == person.organisation
    page.get_by_label("Hvilket udvalg i kommunen hører projektet under?").select_option(
        label="Socialudvalget (SOU)"
    )
    page.get_by_label(f"Beløb {year}", exact=True).fill("75.000")
    page.get_by_label(f"Beløb {year + 1}", exact=True).fill("75.000")
    page.get_by_label("Navn", exact=True).first.fill("Demo Frivillig")
    page.get_by_label("E-mail", exact=True).first.fill(person.email)
    page.get_by_label("Rolle i foreningen").first.fill("Formand")
    page.locator("input[name=goals]").first.check()
    page.get_by_label("Hvem er projektet for?").fill("Børn og unge, der er nye i Danmark")
    page.get_by_label("Hvilket problem vil I hjælpe med?").fill("Mange mangler hjælp til lektier")
    page.get_by_label("Hvad vil I opnå?").fill("Bedre dansk og flere venner")
    page.get_by_label("Hvad skal der ske i projektet?").fill("Lektiecafé to gange om ugen")
    page.get_by_label("Succeskriterium").first.fill("30 børn kommer fast")
    page.get_by_label("Måltal (valgfrit)").first.fill("30")
    page.get_by_label("Enhed").first.fill("børn")
    page.get_by_label("Hvordan fortsætter arbejdet, når pengene er brugt?").fill(
        "Flere frivillige og en fond"
    )
    page.get_by_role("button", name="Gem kladde").click()
    assert page.get_by_label(f"Beløb {year + 1}", exact=True).input_value() == "75.000"
    screenshot(page, "association-4-draft")
    page.get_by_role("button", name="Gem og gå til indsendelse").click()
    page.get_by_role("button", name="Indsend ansøgningen").click()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    # Staff ask for information in the case.
    staff_context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    staff = staff_context.new_page()
    log_in(staff, live_server, "kbh-sekretariat", lands_on="/sekretariat/")
    staff.goto(f"{live_server.url}/sekretariat/ansoegninger/{application.pk}/beskeder/")
    staff.get_by_label("Hvad skal ansøgeren svare på?").fill("Hvor mange frivillige er I?")
    staff.get_by_role("button", name="Send anmodning").click()
    expect(staff.get_by_text("Hvor mange frivillige er I?").first).to_be_visible()

    # The person finds the question on the dashboard and answers.
    page.goto(f"{live_server.url}/mine/")
    expect(page.get_by_text("Kommunen beder om flere oplysninger:")).to_be_visible()
    screenshot(page, "association-5-dashboard-question")
    page.get_by_role("link", name=TITLE).first.click()
    page.get_by_label("Dit svar").fill("Vi er 12 frivillige.")
    page.get_by_role("button", name="Send svar").click()
    expect(page.get_by_text("Vi er 12 frivillige.").first).to_be_visible()

    # Staff read the answer and grant 150.000 kr. over two years.
    staff.goto(f"{live_server.url}/sekretariat/ansoegninger/{application.pk}/beskeder/")
    expect(staff.get_by_text("Vi er 12 frivillige.").first).to_be_visible()
    staff.goto(f"{live_server.url}/sekretariat/ansoegninger/{application.pk}/")
    staff.get_by_role("button", name="Start behandling").click()
    staff.get_by_role("link", name="Registrér afgørelse").click()
    staff.get_by_label("Bevilget", exact=True).check()
    staff.get_by_label("Mødedato").fill(timezone.localdate().isoformat())
    staff.get_by_label(f"Bevilget beløb {year}").fill("75.000")
    staff.get_by_label(f"Bevilget beløb {year + 1}").fill("75.000")
    staff.get_by_label("Begrundelse").fill("Projektet når børn, kommunen ellers ikke når.")
    staff.get_by_role("button", name="Registrér afgørelse").click()
    expect(staff.get_by_text("Afgørelsen er registreret")).to_be_visible()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert sorted(a.amount for a in application.allocations.all()) == [
        Decimal("75000"),
        Decimal("75000"),
    ]

    # The person sees the decision letter and the cooperation agreement it requires.
    page.goto(f"{live_server.url}/mine/ansoegninger/{application.pk}/")
    expect(page.get_by_role("link", name="Hent afgørelsesbrevet (PDF)")).to_be_visible()
    expect(page.get_by_role("link", name="Hent samarbejdsaftalen (PDF)")).to_be_visible()
    expect(
        page.get_by_text("så I skal indgå en samarbejdsaftale med forvaltningen")
    ).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "association-6-decision")

    # Staff ask for a status report; the person reports.
    do_request_report(
        application_id=application.pk,
        actor=User.objects.get(username="kbh-sekretariat"),
        kind=ReportKind.STATUS,
        due_date=timezone.localdate() + datetime.timedelta(days=60),
    )
    page.goto(f"{live_server.url}/mine/")
    page.get_by_role("listitem").filter(has_text="Statusrapport:").get_by_role(
        "link", name=TITLE
    ).click()
    page.get_by_label("Opnået værdi").first.fill("28")
    page.get_by_label(f"Brugt i {year}").fill("70.000")
    page.get_by_label("Hvad er der sket i projektet?").fill("28 børn kommer hver uge.")
    page.get_by_label("Fortsætter arbejdet?").fill("Ja, med flere frivillige.")
    # The accounts go with the report as a file (fresh eyes round 31).
    accounts = tmp_path / "Regnskab 2026.pdf"
    accounts.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n")
    page.get_by_label("Vedhæft fil, fx regnskab eller bilag for udgifterne").set_input_files(
        accounts
    )
    screenshot(page, "association-7-report")
    page.get_by_role("button", name="Gem og indsend").click()
    report = Report.objects.get(application=application, kind=ReportKind.STATUS)
    assert report.status == "submitted", page.content()[:2000]
    assert [a.original_name for a in report.attachments.all()] == ["Regnskab 2026.pdf"]
    staff_context.close()


def test_the_short_form_grows_as_the_amount_reaches_the_threshold(
    section_18_round, live_server, page, screenshot
):
    pool, year = section_18_round, section_18_round.year
    Pool.objects.filter(pk=pool.pk).update(short_form_below=Decimal("50000"))
    log_in(page, live_server, "kbh-forening")
    page.goto(f"{live_server.url}/mine/puljer/{pool.pk}/ny/")
    challenge = page.get_by_label("Hvilket problem vil I hjælpe med?")
    assert not challenge.is_visible()
    expect(page.get_by_text("5. Andre mål", exact=True)).to_be_visible()
    screenshot(page, "association-short-form")
    page.get_by_label(f"Beløb {year}", exact=True).fill("60.000")
    expect(challenge).to_be_visible()
    expect(page.get_by_text(re.compile(r"^5\. Kommunens mål"))).to_be_visible()
    page.get_by_label(f"Beløb {year}", exact=True).fill("10.000")
    assert not challenge.is_visible()
