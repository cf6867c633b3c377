"""Attack round 6 (D): impossible dates were accepted: a cooperation agreement signed
0001-01-01 or 1900-01-01 (before the decision), a report due 9999-12-31, measurements for
2030 and 2031. Each is refused with a Danish message at its field; what was typed is kept."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.models import Report
from indicators.models import Indicator
from portal.models import User
from tests.staff_fixtures import owner, pools, staff_client  # noqa: F401 (fixtures)
from tests.test_staff_follow_up import fund  # noqa: F401 (fixture)


def field_error(html: str, field: str, text: str) -> bool:
    """`text` is shown as the error of `field` (in its error list, tied to the input)."""
    start = html.find(f'id="id_{field}"')
    if start < 0:
        return False
    errors = html.find(f'id="id_{field}_error', max(0, start - 2000))
    return errors >= 0 and text in html[errors : errors + 600]


@pytest.mark.django_db
@pytest.mark.parametrize("signed", ["0001-01-01", "1900-01-01", "2026-02-28"])
def test_an_agreement_cannot_be_signed_before_the_decision(staff_client, fund, signed):  # noqa: F811
    application = fund({2026: "150000"}, start=False)  # decided at the meeting 1 March 2026
    response = staff_client.post(
        reverse("sekretariat:agreement", args=[application.pk]), {"signed_on": signed}
    )
    assert response.status_code == 400
    html = response.content.decode()
    # A department's grant: its decision is a "beslutning" (grants.wording).
    assert "kan ikke være underskrevet før beslutningen (1. marts 2026)" in html
    assert field_error(html, "signed_on", "før beslutningen"), html
    assert f'value="{signed}"' in html
    application.decision.refresh_from_db()
    assert application.decision.agreement_signed_on is None

    response = staff_client.post(
        reverse("sekretariat:agreement", args=[application.pk]), {"signed_on": "2026-03-01"}
    )
    assert response.status_code == 302
    application.decision.refresh_from_db()
    assert application.decision.agreement_signed_on == datetime.date(2026, 3, 1)


@pytest.mark.django_db
def test_a_report_is_due_at_most_ten_years_ahead(staff_client, fund):  # noqa: F811
    application = fund({2026: "150000"})
    url = reverse("sekretariat:request-report", args=[application.pk])
    before = Report.objects.count()
    response = staff_client.post(url, {"kind": "status", "due_date": "9999-12-31"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Fristen kan højst ligge 10 år frem" in html
    assert field_error(html, "due_date", "10 år frem"), html
    assert 'value="9999-12-31"' in html
    assert Report.objects.count() == before

    in_ten_years = timezone.localdate().replace(year=timezone.localdate().year + 10, day=1)
    response = staff_client.post(url, {"kind": "status", "due_date": in_ten_years.isoformat()})
    assert response.status_code == 302
    assert Report.objects.count() == before + 1


@pytest.mark.django_db
@pytest.mark.parametrize("offset", [1, 2])
def test_a_measurement_cannot_be_for_a_year_not_yet_begun(client, demo, offset):
    client.force_login(User.objects.get(username="kbh-sekretariat"))
    indicator = Indicator.objects.get(municipality__slug="koebenhavn", order=1)
    year = timezone.localdate().year + offset
    url = reverse("indikatorer:measurement-add", args=[indicator.pk])
    response = client.post(url, {"year": str(year), "value": "50,1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "en måling kan ikke være for et år, der ikke er begyndt" in html
    assert field_error(html, "maaling_year", "ikke er begyndt"), html  # its own ids
    assert f'value="{year}"' in html
    assert not indicator.measurements.filter(year=year).exists()

    text = f"indikator_id;aar;vaerdi\n{indicator.pk};{year};12,0\n"
    from tests.test_barometer import upload

    response = client.post(reverse("indikatorer:import"), {"file": upload(text)})
    assert response.status_code == 400
    assert "ikke er begyndt" in response.content.decode()
    assert not indicator.measurements.filter(year=year).exists()
