"""A success criterion's target and its reported result are numbers the unit allows: a share
in per cent lies between 0 and 100 (fresh eyes: a result of 1.000 % against a 40 % target
went to the committee unquestioned), and nothing is negative. The form says so at the field
and keeps what was typed."""

import pytest
from django.urls import reverse

from grants.models import Report, ReportKind, ReportStatus, SuccessCriterion
from grants.services.errors import DomainError
from grants.services.reports import ReportContent, do_save_report
from portal.models import User
from tests.test_caseworker_forms import edit_post, edit_url, report_post


@pytest.mark.parametrize(
    "value, unit, refused",
    [
        ("100", "%", False),
        ("100,5", "%", True),
        ("1.000", " Pct. ", True),
        ("1.000", "deltagere", False),
        ("-1", "deltagere", True),
    ],
)
def test_a_target_the_unit_does_not_allow_is_refused_at_the_field(
    client, caseworker, pool, value, unit, refused
):
    from grants.services.drafts import do_create_draft

    draft = do_create_draft(pool_id=pool.pk, actor=caseworker)
    client.force_login(caseworker)
    cw = client
    data = edit_post(
        draft, new_criteria=[{"text": "Andel i job", "target_value": value, "unit": unit}]
    )
    response = cw.post(edit_url(draft), data)
    if not refused:
        assert response.status_code == 302
        return
    assert response.status_code == 400
    html = response.content.decode()
    assert ("En procentdel kan højst være 100 %." in html) or ("kan ikke være negativt" in html)
    assert f'value="{value}"' in html  # what was typed is kept
    assert not SuccessCriterion.objects.filter(application=draft).exists()


@pytest.fixture
def report(demo):
    report = Report.objects.get(application__title="Kvinder i job", kind=ReportKind.FINAL)
    criterion = report.application.success_criteria.first()
    criterion.unit = "%"
    criterion.save()
    return report


def test_a_result_above_100_per_cent_is_refused_in_the_form_and_the_service(client, report):
    client.force_login(User.objects.get(username="frb-sagsbehandler"))
    criterion = report.application.success_criteria.first()
    page = reverse("mine:report", args=[report.pk])
    response = client.post(page, report_post(report, **{f"achieved_{criterion.pk}": "1.000"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "En procentdel kan højst være 100 %." in html
    assert 'value="1.000"' in html
    assert not report.results.exists()

    with pytest.raises(DomainError, match="højst være 100"):
        do_save_report(
            report_id=report.pk,
            actor=User.objects.get(username="frb-sagsbehandler"),
            expected_version=report.version,
            content=ReportContent(results={criterion.pk: (1000, "")}),
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.REQUESTED


def test_a_target_typed_with_a_per_cent_sign_gets_its_own_message(client, caseworker, pool):
    """Fresh eyes typed "40 %" and were told to put a comma before the decimals."""
    from grants.services.drafts import do_create_draft

    draft = do_create_draft(pool_id=pool.pk, actor=caseworker)
    client.force_login(caseworker)
    data = edit_post(
        draft, new_criteria=[{"text": "Andel i job", "target_value": "40 %", "unit": "%"}]
    )
    response = client.post(edit_url(draft), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Skriv kun tallet, uden %-tegn, fx 40." in html
    assert 'value="40 %"' in html  # what was typed is kept
