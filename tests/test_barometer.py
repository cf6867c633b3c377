"""The public barometer (an index of the policies, a page per policy, a page per indicator),
staff indicator management and the CSV import."""

import csv
import io
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.scale import generate
from indicators.imports import do_import_measurements
from indicators.models import Indicator, Measurement
from indicators.status import Status
from indicators.stored_status import refresh_statuses
from policies.models import Policy
from portal.models import User
from tests.sitemap_files import sitemap_text


@pytest.fixture
def kbh_goal_1(demo):
    return Indicator.objects.get(municipality__slug="koebenhavn", order=1)


@pytest.fixture
def staff_client(client, demo):
    client.force_login(User.objects.get(username="kbh-sekretariat"))
    return client


def upload(text: str, name="maalinger.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def text(html: str) -> str:
    """What a reader sees: tags removed, entities decoded, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def rows(html: str) -> list[str]:
    """The table's rows as a wide screen shows them (without the phones' summary lines)."""
    html = re.sub(r'<div class="d-md-none[^"]*">.*?</div>', "", html, flags=re.S)
    return [text(row) for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S)]


def policy_url(slug: str) -> str:
    return reverse("barometer:policy", args=[slug, "integrationspolitik-2019-2022"])


def test_index_lists_each_policy_with_its_status_counts(client, demo):
    html = page(client, reverse("barometer:index"))
    table = rows(html)
    assert table[0] == "Kommune Politik Indikatorer Mål nået På rette vej Bagud Ikke nok data endnu"
    # indicators, then reached, on track, behind, not enough data
    assert table[1:] == [
        "Frederiksberg Kommune Integrationspolitik 2019-2022 Eksempeldata 11 0 3 0 8",
        "Københavns Kommune Integrationspolitik 2019-2022 Eksempeldata 21 0 2 3 16",
    ]
    assert Indicator.objects.filter(municipality__slug="koebenhavn").count() == 21
    phones = "Indikatorer: 21 Mål nået: 0 På rette vej: 2 Bagud: 3 Ikke nok data endnu: 16"
    assert phones in text(html)
    for slug in ("frederiksberg", "koebenhavn"):
        assert f'<a href="{policy_url(slug)}">Integrationspolitik 2019-2022</a>' in html
    assert "politikker mærket »Eksempeldata« har målinger, der er opdigtede" in html
    assert "Sådan beregnes status" in html
    # The details are on the policies' own pages, not on the index.
    assert "15,3\xa0% (3. kvartal 2018)" not in html
    assert "/barometer/indikator/" not in html


def test_index_marks_example_data_only_where_there_is_some(client, demo):
    Measurement.objects.filter(indicator__municipality__slug="frederiksberg").update(
        is_example=False
    )
    refresh_statuses()  # a bulk update sends no signal (indicators.stored_status)
    table = rows(page(client, reverse("barometer:index")))
    assert table[1].startswith("Frederiksberg Kommune Integrationspolitik 2019-2022 11 ")
    assert table[2].startswith("Københavns Kommune Integrationspolitik 2019-2022 Eksempeldata ")


def test_policy_page_shows_its_goals_indicator_tables_and_counts(client, demo):
    html = page(client, policy_url("koebenhavn"))
    assert "<h1>Københavns Kommune: Integrationspolitik 2019-2022</h1>" in html
    assert "15,3\xa0% (3. kvartal 2018)" in html
    assert "12,24\xa0% (2022)" in html  # 20 pct. fewer than 15,3
    shown = text(html)
    for badge in ("Mål nået: 0", "På rette vej: 2", "Bagud: 3", "Ikke nok data endnu: 16"):
        assert badge in shown
    assert "Eksempeldata: nogle af målingerne her er opdigtede" in html
    assert "Sådan beregnes status" in html
    indicator = Indicator.objects.get(municipality__slug="koebenhavn", order=1)
    assert reverse("barometer:indicator", args=[indicator.pk]) in html
    goal = indicator.resolved_goal
    assert f'id="maal-{goal.pk}"' in html
    assert reverse("politikker:goal", args=[goal.pk]) in html
    assert (
        reverse("politikker:policy", args=["koebenhavn", "integrationspolitik-2019-2022"]) in html
    )
    # Only this policy's indicators.
    frederiksberg = Indicator.objects.filter(municipality__slug="frederiksberg").first()
    assert reverse("barometer:indicator", args=[frederiksberg.pk]) not in html
    assert "Frederiksberg Kommune" not in html.split('<main id="main"', 1)[1]


def test_unknown_policies_are_404(client, demo):
    for url in (
        reverse("barometer:policy", args=["koebenhavn", "findes-ikke"]),
        reverse("barometer:policy", args=["findes-ikke", "integrationspolitik-2019-2022"]),
    ):
        assert client.get(url).status_code == 404


def test_a_policy_without_indicators_is_not_listed_but_its_page_says_so(client, demo, policy):
    assert "Testrup Kommune" not in page(client, reverse("barometer:index"))
    html = page(client, reverse("barometer:policy", args=["testrup", policy.slug]))
    assert "Ingen indikatorer for politikken endnu." in html
    assert "/barometer/testrup/" not in page(client, "/politikker/testrup/" + policy.slug + "/")
    sitemap = sitemap_text(client)
    assert f"/barometer/testrup/{policy.slug}/" not in sitemap


def test_index_and_policy_pages_agree_on_every_status(client, demo):
    """The index computes the statuses from bare rows; the policy page from full objects."""
    generate(municipalities=2, years=4, per_year=1, first_year=2016)
    reached = Indicator.objects.get(municipality__slug="koebenhavn", order=1)
    reached.measurements.update(value=Decimal("10"))  # lower is better; the target is 12,24
    refresh_statuses()  # a bulk update sends no signal (indicators.stored_status)
    table = rows(page(client, reverse("barometer:index")))[1:]
    assert len(table) == 4
    statuses = set()
    for policy in Policy.objects.select_related("municipality"):
        html = page(
            client, reverse("barometer:policy", args=[policy.municipality.slug, policy.slug])
        )
        counts = [
            int(n) for n in re.findall(r'<span class="badge [^"]*">[^<:]+: (\d+)</span>', html)
        ]
        assert len(counts) == 4
        statuses |= {status for status, n in zip(Status, counts, strict=True) if n}
        example = " Eksempeldata" if "Eksempeldata: nogle af målingerne" in html else ""
        row = f"{policy.municipality.name} {policy.title}{example} {sum(counts)} "
        assert row + " ".join(map(str, counts)) in table
    assert statuses == set(Status)


def test_other_pages_link_to_the_policys_barometer(client, demo):
    indicator = Indicator.objects.get(municipality__slug="koebenhavn", order=1)
    goal = indicator.resolved_goal
    policy_page = page(client, "/politikker/koebenhavn/integrationspolitik-2019-2022/")
    assert f'href="{policy_url("koebenhavn")}"' in policy_page
    goal_page = page(client, reverse("politikker:goal", args=[goal.pk]))
    assert f'href="{policy_url("koebenhavn")}#maal-{goal.pk}"' in goal_page
    assert reverse("barometer:indicator", args=[indicator.pk]) in goal_page
    indicator_page = page(client, reverse("barometer:indicator", args=[indicator.pk]))
    assert f'<a href="{policy_url("koebenhavn")}">Københavns Kommune: ' in indicator_page
    sitemap = sitemap_text(client)
    assert "/barometer/</loc>" in sitemap
    for slug in ("frederiksberg", "koebenhavn"):
        assert f"{policy_url(slug)}</loc>" in sitemap


def test_indicator_page_has_chart_data_table_and_csv(client, kbh_goal_1):
    response = client.get(reverse("barometer:indicator", args=[kbh_goal_1.pk]))
    html = response.content.decode()
    assert 'id="chart-data"' in html and "chart.umd.min.js" in html
    assert "<caption>Målinger</caption>" in html
    assert "13,1\xa0%" in html and "Status: Bagud" in html
    csv_text = client.get(reverse("barometer:indicator-csv", args=[kbh_goal_1.pk])).content
    rows = list(csv.reader(io.StringIO(csv_text.decode())))
    assert rows[0] == [
        "type", "aar", "periode", "vaerdi", "sammenligning", "kilde", "eksempeldata", "tekst",
        "indikator", "enhed",
    ]  # fmt: skip
    assert {row[9] for row in rows[1:]} == {"procent"}  # what "13.1" is, on every row
    assert {row[8] for row in rows[1:]} == {kbh_goal_1.title}
    # The baseline first and the target last, as numbers and in the source's own words.
    baseline, *measurements, target = rows[1:]
    assert baseline[:4] == ["baseline", "2018", "3. kvartal 2018", "15.3"]
    assert baseline[7].startswith("15,3 pct. af de ikke-vestlige københavnere")
    assert measurements[-1][:7] == [
        "maaling",
        "2021",
        "",
        "13.1",
        "",
        "Opdigtet til demonstration af barometeret",
        "ja",
    ]
    assert target[:4] == ["maal", "2022", "", "12.24"]  # 20 pct. fewer than 15.3
    assert target[7].startswith("I 2022 skal 20 pct. færre")


def queries(client, url: str) -> int:
    cache.clear()  # the page's own queries, not a cached copy
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_barometer_query_counts_do_not_grow_with_the_data(
    client, demo, django_assert_max_num_queries
):
    urls = [reverse("barometer:index"), policy_url("koebenhavn")]
    before = [queries(client, url) for url in urls]
    with django_assert_max_num_queries(6):
        client.get(reverse("barometer:index"))
    # More measurements, more indicators on the same policy, more municipalities.
    indicator = Indicator.objects.get(municipality__slug="koebenhavn", order=2)
    Measurement.objects.bulk_create(
        Measurement(indicator=indicator, year=2000, period=f"uge {n}", value=n) for n in range(60)
    )
    for n in range(5):
        indicator.pk, indicator.order = None, 100 + n
        indicator.save()
        Measurement.objects.create(indicator=indicator, year=2020, value=n, is_example=True)
    generate(municipalities=2, years=3, per_year=1, first_year=2016)
    assert [queries(client, url) for url in urls] == before
    cache.clear()
    with django_assert_max_num_queries(6):
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
    assert "Linje 3: »aar«: skriv et årstal, fx 2024." in html
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
    assert "Indikatoren er gemt et andet sted" in response.content.decode()
    kbh_goal_1.refresh_from_db()
    assert kbh_goal_1.title.startswith("I 2022 skal 20 pct.")


def test_staff_of_another_municipality_get_404(client, kbh_goal_1):
    client.force_login(User.objects.get(username="frb-sekretariat"))
    assert client.get(reverse("indikatorer:edit", args=[kbh_goal_1.pk])).status_code == 404
    response = client.post(
        reverse("indikatorer:measurement-add", args=[kbh_goal_1.pk]), {"year": 2022, "value": 1}
    )
    assert response.status_code == 404


def test_the_distance_to_the_comparison_is_in_the_indicators_unit(client, demo):
    """Fresh eyes round 9: a gap between two percentages read "-16,2 point"."""
    from indicators.models import Indicator

    found = 0
    for indicator in Indicator.objects.filter(unit="percent"):
        html = client.get(reverse("barometer:indicator", args=[indicator.pk])).content.decode()
        if "Afstand til" in html:
            found += 1
            assert re.search(r"Afstand til [^:<]+: -?[\d.,]+ procentpoint\.", html)
            assert " point." not in html
    assert found


@pytest.mark.parametrize(
    "typed", ["1.000", "1.234,5", "12,9", "-3", "57000", "1e3", "-1e3", "１２", "1_0", "80.5.1"]
)
def test_the_import_reads_a_number_as_the_form_does(typed):
    """Attack round 13: the import read "1.000" as 1 where the form reads 1000, and took
    "1e3", "1_0" and full-width digits the form refuses. The one difference: a spreadsheet's
    plain decimal point ("15.3") is read by the import."""
    from indicators.imports import parse_number
    from portal.forms import DanishDecimalField

    try:
        by_form = DanishDecimalField().clean(typed)
    except Exception:  # noqa: BLE001 - any refusal
        by_form = None
    try:
        by_import = parse_number(typed)
    except ValueError:
        by_import = None
    assert by_import == by_form, typed


def test_the_import_takes_a_spreadsheets_decimal_point():
    from indicators.imports import parse_number

    assert parse_number("15.3") == Decimal("15.3")


@pytest.mark.django_db
def test_a_share_outside_0_to_100_percent_is_refused_by_the_form_and_the_import(client, demo):
    """Fresh eyes round 21: 150 % and -5 % were saved, published and charted."""
    indicator = Indicator.objects.filter(municipality__slug="frederiksberg", unit="percent").first()
    client.force_login(User.objects.get(username="frb-sekretariat"))
    add = reverse("indikatorer:measurement-add", args=[indicator.pk])
    for typed in ("150", "-5"):
        response = client.post(add, {"year": "1997", "period": "", "value": typed})
        assert response.status_code == 400
        assert "En procentdel ligger mellem 0 og 100." in response.content.decode()
    assert not Measurement.objects.filter(indicator=indicator, year=1997).exists()
    assert client.post(add, {"year": "1997", "period": "", "value": "55,5"}).status_code == 302
    result = do_import_measurements(
        data=f"indikator_id;aar;vaerdi\n{indicator.pk};1998;150\n".encode(),
        municipality_id=indicator.municipality_id,
    )
    assert any("En procentdel ligger mellem 0 og 100" in e for e in result.errors), result.errors


@pytest.mark.django_db
def test_a_sub_goal_must_belong_to_the_chosen_goal(client, demo):
    """Fresh eyes round 21: "Mål 4" was saved and published with a sub-goal of "Mål 1"."""
    from policies.models import Goal
    from tests.test_edit_conflicts import form_data

    indicator = Indicator.objects.filter(
        municipality__slug="frederiksberg", target__isnull=False
    ).first()
    other_goal = (
        Goal.objects.filter(policy=indicator.target.goal.policy)
        .exclude(pk=indicator.target.goal_id)
        .first()
    )
    client.force_login(User.objects.get(username="frb-sekretariat"))
    url = reverse("indikatorer:edit", args=[indicator.pk])
    data = form_data(client.get(url), "indikatorer:edit", goal=str(other_goal.pk))

    response = client.post(url, data)

    assert response.status_code == 400
    assert "Sigtepunktet hører til" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.goal_id != other_goal.pk


def test_the_chart_gives_each_year_its_place_and_a_missing_one_a_gap():
    """Fresh eyes rounds 21-22: 2019, 2021 and 2024 were drawn evenly spaced."""
    from types import SimpleNamespace as Row

    from indicators.views.public import chart_points

    indicator = Row(baseline_year=2018, target_year=2025)
    measured = [Row(year=y, period="", value=v) for y, v in ((2019, 1), (2021, 2), (2024, 3))]
    points = chart_points(indicator, measured)
    assert [label for label, _m in points] == [str(y) for y in range(2018, 2026)]
    assert [m.value if m else None for _l, m in points] == [None, 1, None, 2, None, None, 3, None]
    quarters = [Row(year=2019, period=f"{q}. kvartal 2019", value=q) for q in (1, 2)]
    assert [label for label, _m in chart_points(indicator, quarters)] == [
        "1. kvartal 2019",
        "2. kvartal 2019",
    ]


def test_an_indicator_judged_by_the_gap_shows_the_gap_it_is_judged_against(client, demo):
    """Fresh eyes round 31: "Status: På rette vej · Afstand til Frederiksberg generelt: -16,2
    procentpoint", with the rule only on the barometer's pages and "Udgangspunkt: Ikke
    opgjort" beside a table that starts in 2019."""
    from .page_crawl import visible_text

    judged = [
        indicator
        for indicator in Indicator.objects.filter(measurements__comparison_value__isnull=False)
        .distinct()
        .order_by("pk")
        if indicator.absolute_target is None
    ]
    assert judged
    indicator = judged[0]
    first = indicator.measurements.filter(comparison_value__isnull=False).order_by("year")[0]
    page = visible_text(
        client.get(reverse("barometer:indicator", args=[indicator.pk])).content.decode()
    )
    assert f"I {first.year} var afstanden" in page
    assert "Sådan beregnes status" in page
    if indicator.baseline_value is None:
        assert "Ikke opgjort" not in page and "statussen regnes fra den første måling" in page


def test_an_indicators_goal_given_by_its_sub_goal_is_said_on_its_form(staff_client, kbh_goal_1):
    """Fresh eyes round 37: the list said "Mål 1", the edit form's goal "- Vælg en
    valgmulighed -", as if the goal were lost; the form says the goal follows from the
    sub-goal, and names it."""
    assert kbh_goal_1.target_id and not kbh_goal_1.goal_id
    page = staff_client.get(reverse("indikatorer:edit", args=[kbh_goal_1.pk])).content.decode()
    assert f"Målet følger af sigtepunktet: {kbh_goal_1.target.goal.name}." in page


def _cell_text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_every_indicators_target_is_said_alike_on_its_three_pages(client, demo):
    """Fresh eyes rounds 41 and 42: the goal's page showed the policy's sentence (often the
    indicator's own title again), the barometer "Som Frederiksberg generelt" and the
    indicator's page the title once more or "Kun retning". Every page now begins with the
    same target (the barometer's `target_shown`), and none repeats the title as it."""
    from indicators.templatetags.barometer import target_shown

    checked = 0
    pages: dict[str, str] = {}

    def html_of(url: str) -> str:
        if url not in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            pages[url] = response.content.decode()
        return pages[url]

    for indicator in Indicator.objects.select_related("goal__policy__municipality", "target"):
        goal = indicator.resolved_goal
        expected = _cell_text(target_shown(indicator))
        title = " ".join(indicator.title.split())
        link = f'href="/barometer/indikator/{indicator.pk}/"'
        policy = goal.policy
        for url in (
            f"/barometer/{policy.municipality.slug}/{policy.slug}/",
            f"/politikker/maal/{goal.pk}/",
        ):
            row = html_of(url).split(link, 1)[1].split("</tr>", 1)[0]
            cell = re.search(r'data-label="(?:Mål|Target)">(.*?)</td>', row, re.S)
            shown = _cell_text(cell.group(1))
            assert shown.startswith(expected), (url, indicator.pk, shown, expected)
            assert shown != title and not shown.startswith(title), (url, indicator.pk)
        page = html_of(f"/barometer/indikator/{indicator.pk}/")
        target = _cell_text(re.search(r"Mål</dt><dd[^>]*>(.*?)</dd>", page, re.S).group(1))
        assert target.startswith(expected), (indicator.pk, target, expected)
        assert not target.startswith(title), indicator.pk
        checked += 1
    assert checked >= 20
