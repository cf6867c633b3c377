"""Staff in a real browser: overspending flagged, a missing following-year pool offered, the
action plan form."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from grants.models import Application, Pool, Report, ReportKind, RequestedAmount
from grants.services.reports import ReportContent, do_save_report, do_submit_report
from portal.models import User

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def situation(live_server, demo):
    caseworker = User.objects.get(username="frb-sagsbehandler")
    report = Report.objects.get(application__title="Kvinder i job", kind=ReportKind.FINAL)
    results = {c.pk: (Decimal("75"), "") for c in report.application.success_criteria.all()}
    do_save_report(
        report_id=report.pk,
        actor=caseworker,
        expected_version=report.version,
        content=ReportContent(
            summary="Halvdelen er i job.",
            anchoring_status="Fortsætter i centret.",
            spent={2021: Decimal("999999")},
            results=results,
            overspend_explanation="Kommunen lagde 849.999 kr. til fra egen drift.",
        ),
    )
    do_submit_report(report_id=report.pk, actor=caseworker)
    application = (
        Application.objects.filter(municipality__slug="frederiksberg")
        .exclude(status__in=["draft", "withdrawn", "rejected"])
        .select_related("pool")
        .first()
    )
    pool = application.pool
    years = set(Pool.objects.filter(municipality=pool.municipality).values_list("year", flat=True))
    missing = next(year for year in range(pool.year + 1, pool.year + 10) if year not in years)
    RequestedAmount.objects.create(application=application, year=missing, amount=1000)
    return live_server, report, pool, missing


def test_staff_see_overspending_and_missing_pools(situation, page, screenshot, axe_violations):
    server, report, pool, missing = situation
    page.goto(server.url + "/login/")
    page.get_by_label("Brugernavn").fill("frb-sekretariat")
    page.get_by_label("Adgangskode").fill("demo")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(server.url + "/sekretariat/")

    page.goto(server.url + "/sekretariat/afrapportering/")
    expect(page.get_by_text("Forbrug over bevillingen").first).to_be_visible()
    screenshot(page, "money-1-reports")
    page.get_by_role("link", name="Kvinder i job").first.click()
    expect(page.get_by_test_id("overspend")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "money-2-report-overspent")

    page.goto(server.url + f"/sekretariat/puljer/{pool.pk}/")
    link = page.get_by_role("link", name=f"Opret pulje for {missing}")
    expect(link).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "money-3-pool-missing-year")
    link.click()
    assert page.get_by_label(re.compile(r"^\s*År\*?\s*$")).input_value() == str(missing)
    screenshot(page, "money-4-pool-create-prefilled")

    page.goto(server.url + "/sekretariat/handleplaner/")
    page.get_by_role("link", name="Opret handleplan").click()
    assert axe_violations(page) == []
    screenshot(page, "money-5-action-plan-form")
