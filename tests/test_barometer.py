"""The public barometer, staff indicator management and the CSV import."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.imports import do_import_measurements
from indicators.models import Indicator, Measurement
from portal.models import User


@pytest.fixture
def kbh_goal_1(demo):
    return Indicator.objects.get(municipality__slug="koebenhavn", order=1)


@pytest.fixture
def staff_client(client, demo):
    client.force_login(User.objects.get(username="kbh-sekretariat"))
    return client


def upload(text: str, name="maalinger.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_barometer_shows_both_municipalities_with_status_in_words(client, demo):
    html = client.get(reverse("barometer:index")).content.decode()
    assert "Frederiksberg Kommune: Integrationspolitik 2019-2022" in html
    assert "Københavns Kommune: Integrationspolitik 2019-2022" in html
    assert "15,3 % (3. kvartal 2018)" in html
    assert "12,24 % (2022)" in html  # 20 pct. fewer than 15,3
    for word in ("På rette vej", "Bagud", "Ikke nok data endnu"):
        assert word in html
    assert "Eksempeldata" in html


def test_indicator_page_has_chart_data_table_and_csv(client, kbh_goal_1):
    response = client.get(reverse("barometer:indicator", args=[kbh_goal_1.pk]))
    html = response.content.decode()
    assert 'id="chart-data"' in html and "chart.umd.min.js" in html
    assert "<caption>Målinger</caption>" in html
    assert "13,1 %" in html and "Status: Bagud" in html
    csv_text = client.get(reverse("barometer:indicator-csv", args=[kbh_goal_1.pk])).content
    lines = csv_text.decode().splitlines()
    assert lines[0] == "aar,periode,vaerdi,sammenligning,kilde,eksempeldata"
    assert lines[-1] == "2021,,13.1,,Eksempeldata,ja"


def test_barometer_query_count_does_not_grow_with_measurements(
    client, demo, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        client.get(reverse("barometer:index"))
    indicator = Indicator.objects.get(municipality__slug="koebenhavn", order=2)
    Measurement.objects.bulk_create(
        Measurement(indicator=indicator, year=2000, period=f"uge {n}", value=n) for n in range(60)
    )
    with django_assert_max_num_queries(12):
        client.get(reverse("barometer:index"))


def test_a_good_file_imports_and_reports_counts(staff_client, kbh_goal_1):
    text = (
        "indikator_id;aar;periode;vaerdi;sammenligning;kilde;note\n"
        f"{kbh_goal_1.pk};2022;;12,9;;Danmarks Statistik;\n"
        f"{kbh_goal_1.pk};2021;;13,0;;Danmarks Statistik;rettet\n"
    )
    response = staff_client.post(reverse("indikatorer:import"), {"file": upload(text)}, follow=True)
    assert "1 nye og 1 opdaterede målinger er importeret." in response.content.decode()
    values = dict(kbh_goal_1.measurements.values_list("year", "value"))
    assert values[2022] == Decimal("12.9") and values[2021] == Decimal("13.0")
    assert not kbh_goal_1.measurements.get(year=2021).is_example


def test_one_bad_row_imports_nothing_and_names_every_bad_row(staff_client, kbh_goal_1):
    before = list(Measurement.objects.values_list("pk", "value"))
    text = (
        "indikator_id;aar;vaerdi\n"
        f"{kbh_goal_1.pk};2022;12,9\n"
        f"{kbh_goal_1.pk};tyve;12,0\n"
        f"{kbh_goal_1.pk};2023;ukendt\n"
        "999999;2023;1\n"
    )
    response = staff_client.post(reverse("indikatorer:import"), {"file": upload(text)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "intet er importeret" in html
    assert "Linje 3: »aar« skal være et årstal mellem 1990 og 2100." in html
    assert "Linje 4: »vaerdi« skal være et tal, fx 15,3." in html
    assert "Linje 5: »indikator_id« 999999 er ikke en af kommunens indikatorer." in html
    assert list(Measurement.objects.values_list("pk", "value")) == before


def test_another_municipalitys_indicator_cannot_be_imported_into(demo):
    frb = Indicator.objects.filter(municipality__slug="frederiksberg").first()
    kbh = frb.municipality.__class__.objects.get(slug="koebenhavn")
    result = do_import_measurements(
        data=f"indikator_id,aar,vaerdi\n{frb.pk},2022,1\n".encode(), municipality_id=kbh.pk
    )
    assert not result.ok and not Measurement.objects.filter(indicator=frb, year=2022).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"aar;vaerdi\n2022;1\n", "kolonnerne indikator_id mangler"),
        (b"indikator_id;aar;vaerdi\n", "Filen indeholder ingen målinger."),
        (b"\xff\xfe\x00garbage", "kolonnerne"),
    ],
)
def test_malformed_files_are_refused_in_danish(demo, data, message):
    kbh = Indicator.objects.get(municipality__slug="koebenhavn", order=1).municipality
    result = do_import_measurements(data=data, municipality_id=kbh.pk)
    assert any(message in error for error in result.errors)


def test_staff_create_an_indicator_and_add_a_measurement(staff_client, kbh_goal_1):
    target = kbh_goal_1.target
    response = staff_client.post(
        reverse("indikatorer:create"),
        {
            "target": target.pk,
            "title": "Andel i ordinær beskæftigelse",
            "unit": "percent",
            "direction": "higher",
            "baseline_value": "48,5",
            "baseline_year": "2020",
            "target_kind": "absolute",
            "target_value": "55",
            "target_year": "2024",
        },
        follow=True,
    )
    assert "Indikatoren er gemt." in response.content.decode()
    created = Indicator.objects.get(title="Andel i ordinær beskæftigelse")
    assert created.baseline_value == Decimal("48.5") and created.municipality.slug == "koebenhavn"
    staff_client.post(
        reverse("indikatorer:measurement-add", args=[created.pk]),
        {"year": "2022", "value": "50,1"},
    )
    assert created.measurements.get().value == Decimal("50.1")


def test_a_percentage_target_needs_a_baseline(staff_client, kbh_goal_1):
    response = staff_client.post(
        reverse("indikatorer:create"),
        {
            "target": kbh_goal_1.target.pk,
            "title": "x",
            "unit": "percent",
            "direction": "lower",
            "target_kind": "relative_percent",
            "target_value": "20",
        },
    )
    assert response.status_code == 400
    assert "Et procentvist mål kræver en baseline" in response.content.decode()


def test_stale_edit_of_an_indicator_is_refused(staff_client, kbh_goal_1):
    data = {
        "target": kbh_goal_1.target.pk,
        "title": "Ny titel",
        "unit": "percent",
        "direction": "lower",
        "target_kind": "direction_only",
        "version": "0",
    }
    response = staff_client.post(
        reverse("indikatorer:edit", args=[kbh_goal_1.pk]), data, follow=True
    )
    assert "En kollega har ændret indikatoren" in response.content.decode()
    kbh_goal_1.refresh_from_db()
    assert kbh_goal_1.title.startswith("I 2022 skal 20 pct.")


def test_staff_of_another_municipality_get_404(client, kbh_goal_1):
    client.force_login(User.objects.get(username="frb-sekretariat"))
    assert client.get(reverse("indikatorer:edit", args=[kbh_goal_1.pk])).status_code == 404
    response = client.post(
        reverse("indikatorer:measurement-add", args=[kbh_goal_1.pk]), {"year": 2022, "value": 1}
    )
    assert response.status_code == 404
