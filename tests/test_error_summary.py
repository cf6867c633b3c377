"""Every form page answers invalid input with an error summary at the top (as the Danish
design system and gov.uk): a heading, one item per error in the order the fields appear on
the page, each a link to its field; focus moves there (static/js/error-summary.js)."""

import re

import pytest
from django.test import Client

from grants.models import ApplicationStatus, Report, ReportKind, SuccessCriterion
from grants.services.decisions import do_import_funded_application

from .form_pages import main_form_data

S = ApplicationStatus
BAD_NUMBER = "mange penge"


def break_fields(data: dict, *, numbers=(), blank=()) -> dict:
    """The form as shown, with words in number fields and required text removed."""
    broken = dict(data)
    for name in broken:
        if any(re.search(pattern, name) for pattern in numbers):
            broken[name] = BAD_NUMBER
        if any(re.search(pattern, name) for pattern in blank):
            broken[name] = ""
    return broken


def summary_of(html: str) -> tuple[int, list[str]]:
    """The summary's position and the ids its links point at."""
    start = html.index("data-error-summary")
    end = html.index("</div>", start)
    return start, re.findall(r'href="#([^"]+)"', html[start:end])


def assert_error_summary(html: str, *, at_least: int):
    assert "data-error-summary" in html, "no error summary"
    start, targets = summary_of(html)
    assert 'tabindex="-1"' in html[start - 200 : start + 200]
    assert "Der er et problem" in html[start : start + 400]
    assert "js/error-summary.js" in html  # moves focus to the summary
    # At the top: before the page's heading and its form.
    assert start < html.index("<h1")
    assert len(targets) >= at_least, targets
    positions = []
    for target in targets:
        field = re.search(rf'<(input|select|textarea)[^>]*\sid="{re.escape(target)}"', html)
        assert field, f"the summary links to #{target}, which is no field on the page"
        positions.append(field.start())
    assert positions == sorted(positions), f"not in the order of the page: {targets}"
    assert "<title>Fejl: " in html
    # Every item says which field it is about: two rows' "Opnået værdi: …" could not be told
    # apart (fresh eyes).
    summary = html[start : html.index("</div>", start)]
    items = [
        re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", summary)
    ]
    assert len(items) == len(set(items)), items


def post_shown_form(client, url, **breaking) -> str:
    page = client.get(url)
    assert page.status_code == 200, url
    response = client.post(url, break_fields(main_form_data(page.content.decode()), **breaking))
    assert response.status_code in (200, 400), (url, response.status_code)
    return response.content.decode()


@pytest.mark.django_db
def test_login_form(client):
    html = post_shown_form(client, "/login/", blank=["username", "password"])
    assert_error_summary(html, at_least=2)


@pytest.mark.django_db
def test_staff_pool_form(staff_client):
    html = post_shown_form(
        staff_client, "/sekretariat/puljer/ny/", numbers=["budget", "amount"], blank=["title"]
    )
    assert_error_summary(html, at_least=2)
    # Every formset's rows are named in the summary, not only the application's.
    summary = html[html.index("data-error-summary") : html.index("<h1")]
    assert "Reserveret beløb 1: Beløb" in summary


@pytest.mark.django_db
def test_staff_review_recommend_and_decision_forms(staff_client, make_application, pools):
    submitted = make_application(status=S.SUBMITTED, title="Til bedømmelse")
    html = post_shown_form(
        staff_client, f"/sekretariat/ansoegninger/{submitted.pk}/bedoemmelse/", numbers=["amount"]
    )
    assert_error_summary(html, at_least=1)

    in_review = make_application(status=S.IN_REVIEW, title="Til indstilling")
    html = post_shown_form(
        staff_client,
        f"/sekretariat/ansoegninger/{in_review.pk}/indstil/",
        numbers=["amount"],
        blank=["summary"],
    )
    assert_error_summary(html, at_least=2)

    html = post_shown_form(
        staff_client,
        f"/sekretariat/ansoegninger/{in_review.pk}/afgoerelse/",
        numbers=["amount", "meeting_date"],
        blank=["outcome"],
    )
    assert_error_summary(html, at_least=3)
    assert "---------" not in html  # the committee select's empty choice is plain Danish


@pytest.mark.django_db
def test_indicator_form(staff_client, policy):
    html = post_shown_form(staff_client, "/sekretariat/barometer/ny/", blank=["title"])
    assert_error_summary(html, at_least=1)


@pytest.mark.django_db
def test_caseworker_application_form(client, owner, make_application, pools):
    application = make_application(created_by=owner, status=S.DRAFT)
    client.force_login(owner)
    html = post_shown_form(
        client, f"/mine/ansoegninger/{application.pk}/rediger/", numbers=[r"^amount_\d+$"]
    )
    assert_error_summary(html, at_least=1)
    assert "id_continues" not in html[: html.index("<h1")]  # only the broken amounts


@pytest.fixture
def report(make_application, owner, pools, staff_user):
    application = make_application(created_by=owner, title="Kvinder i job")
    do_import_funded_application(
        application_id=application.pk, amounts={2026: 100000}, source="test"
    )
    SuccessCriterion.objects.create(application=application, text="Deltagerne kommer i job")
    SuccessCriterion.objects.create(application=application, text="Deltagerne taler dansk")
    return Report.objects.create(
        application=application, kind=ReportKind.EVALUATION, due_date="2027-12-31"
    )


@pytest.mark.django_db
def test_report_form_summary_and_current_missing_list(client, owner, report):
    client.force_login(owner)
    url = f"/mine/afrapportering/{report.pk}/"
    page = client.get(url).content.decode()
    assert "Skriv en kort sammenfatning" in page  # nothing written yet
    data = main_form_data(page)
    data.update(summary="Otte kvinder kom i job.", anchoring_status="Jobcentret fortsætter.")
    data = break_fields(data, numbers=["spent", "unspent"])
    html = client.post(url, data).content.decode()
    assert_error_summary(html, at_least=2)
    # Nothing is saved, and what was typed is still there …
    assert Report.objects.get(pk=report.pk).summary == ""
    assert "Otte kvinder kom i job." in html
    # … and the "mangler" list is about what the form holds now, not the saved report.
    missing = html[html.index("Før rapporten kan indsendes") :]
    assert "Skriv en kort sammenfatning" not in missing
    assert "Beskriv status for forankringen" not in missing
    assert "Angiv resultatet for succeskriteriet »Deltagerne kommer i job«" in missing


@pytest.mark.django_db
def test_each_criterions_result_is_named_in_the_summary(client, owner, report):
    """Two criteria's results mistyped: "Opnået værdi: …" twice could not be told apart."""
    client.force_login(owner)
    url = f"/mine/afrapportering/{report.pk}/"
    data = break_fields(main_form_data(client.get(url).content.decode()), numbers=["achieved"])
    html = client.post(url, data).content.decode()
    assert_error_summary(html, at_least=2)
    assert "Opnået værdi for »Deltagerne kommer i job«" in html
    assert "Opnået værdi for »Deltagerne taler dansk«" in html


@pytest.mark.django_db
def test_a_valid_page_has_no_summary(staff_client):
    html = staff_client.get("/sekretariat/puljer/ny/").content.decode()
    assert "data-error-summary" not in html and "error-summary.js" not in html


def test_anonymous_public_page_sets_no_cookie_for_the_summary(db, client):
    # The summary looks at the page's context without evaluating lazy values (csrf_token).
    response = Client().get("/projekter/")
    assert "csrftoken" not in response.cookies


@pytest.mark.django_db
def test_each_success_criterion_row_is_named_in_the_summary(client, owner, make_application, pools):
    """Fresh eyes round 10: with three criteria the summary said only "Måltal (valgfrit): …"."""
    from tests.form_pages import main_form_data

    application = make_application(created_by=owner, status=S.DRAFT)
    client.force_login(owner)
    url = f"/mine/ansoegninger/{application.pk}/rediger/"
    data = main_form_data(client.get(url).content.decode())
    data |= {"criteria-0-text": "Deltagerne kommer i job", "criteria-0-target_value": "tolv"}
    html = client.post(url, data | {"save": ""}).content.decode()
    summary = html[html.index("data-error-summary") : html.index("<h1")]
    assert "Succeskriterium 1: Måltal (valgfrit)" in summary
