"""The read API, /api/v1/, as a program uses it: what it returns and what it never returns,
its filters and keyset pages, its rate limit and cache, and its OpenAPI document, checked
against the answers by schemathesis (tests/test_api_contract.py)."""

import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework import serializers as drf_serializers

from demo.section18 import GRANTS
from grants.models import Application, ApplicationStatus
from grants.public import funded_projects, open_data_projects, with_totals
from indicators.models import Indicator
from policies.models import Policy


def get(client, url: str, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def every_page(client, url: str) -> list[dict]:
    rows, seen = [], set()
    while url:
        page = get(client, url)
        assert "count" not in page  # keyset pages: no count of the country
        rows += page["results"]
        url = page["next"]
        assert url not in seen
        seen.add(url)
    return rows


def test_root_names_every_list_and_the_docs(client, db):
    root = get(client, "/api/v1/")
    assert root["projekter"] == "http://testserver/api/v1/projekter/"
    assert root["openapi"] == "http://testserver/api/v1/openapi.json"
    assert root["dokumentation"] == "http://testserver/api/v1/docs/"


def test_projects_are_the_funded_ones_in_keyset_pages(client, demo, make_application):
    hidden = [make_application(title=f"Skjult {s}", status=s) for s in ("draft", "submitted")]
    rows = every_page(client, "/api/v1/projekter/?antal=3")
    assert [row["id"] for row in rows] == sorted(funded_projects().values_list("pk", flat=True))
    assert not {a.pk for a in hidden} & {row["id"] for row in rows}
    assert get(client, "/api/v1/projekter/?antal=3")["next"].startswith(
        "http://testserver/api/v1/projekter/?antal=3&efter="
    )


def test_a_project_has_what_its_page_shows_and_nothing_private(client, demo):
    project = Application.objects.get(title="Åben Rådgivning")
    row = get(client, f"/api/v1/projekter/{project.pk}/")
    assert row["titel"] == "Åben Rådgivning"
    assert row["kommune"] == {
        "slug": "frederiksberg",
        "navn": "Frederiksberg Kommune",
        "kode": "147",
        "org_id": "360G-integrationsportalen-kommune-147",
        "region": "DK-84",
    }
    assert row["udvalg"] == ["SU", "KFU"]
    assert [(b["aar"], b["beloeb_kr"]) for b in row["bevillinger"]] == [
        (2021, "75000.00"),
        (2022, "75000.00"),
    ]
    assert row["restmidler"] == [{"fra_aar": 2020, "til_aar": 2021, "beloeb_kr": None}]
    assert row["bevilget_i_alt_kr"] == "150000.00"
    assert row["url"] == f"http://testserver/projekter/{project.pk}/"
    text = json.dumps(row, ensure_ascii=False)
    contacts = list(project.contacts.all())
    assert contacts
    for contact in contacts:  # the contact persons are not on the public page either
        assert contact.name not in text
        assert not contact.email or contact.email not in text
    assert "@" not in text


def test_every_projects_total_is_the_sum_of_its_grants_as_the_database_counts_it(client, demo):
    # The list and a single project sum the grants they read; the amount filters count the
    # total in the query (grants.public.with_totals): both must say the same of every
    # project, on both kinds of answer.
    counted = dict(with_totals(open_data_projects()).values_list("pk", "granted_total"))
    rows = every_page(client, "/api/v1/projekter/?antal=7")
    assert len(rows) == len(counted) > 10
    for row in rows:
        summed = sum((Decimal(b["beloeb_kr"]) for b in row["bevillinger"]), Decimal(0))
        assert Decimal(row["bevilget_i_alt_kr"]) == summed == counted[row["id"]], row["id"]
        single = get(client, f"/api/v1/projekter/{row['id']}/")
        assert single["bevilget_i_alt_kr"] == row["bevilget_i_alt_kr"]
    richest = max(counted.values())
    found = every_page(client, f"/api/v1/projekter/?beloeb_min={richest}&antal=7")
    assert {row["id"] for row in found} == {pk for pk, n in counted.items() if n >= richest}


@pytest.mark.parametrize(
    "status", [s for s in ApplicationStatus if s not in ("approved", "active", "closed")]
)
def test_an_unfunded_application_is_404(client, make_application, status):
    application = make_application(title="Ikke offentlig", status=status)
    assert client.get(f"/api/v1/projekter/{application.pk}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/api/v1/projekter/999999/", "/api/v1/puljer/999999/", "/api/v1/politikker/999999/"]
    + ["/api/v1/projekter/999999/?format=api", "/api/v1/findes-ikke/"],
)
def test_every_api_404_says_the_same_without_internal_words(client, db, path):
    """Attack round 8: "Ingen Application matcher den givne forespørgsel." named the model."""
    response = client.get(path)
    assert (response.status_code, response.json()) == (404, {"detail": "Findes ikke."})


def test_the_catalogues_filters_work_on_the_api(client, demo):
    def titles(query):
        return {row["titel"] for row in every_page(client, f"/api/v1/projekter/?{query}")}

    everything = titles("")
    section_18 = {f"{name}: frivilligt socialt arbejde" for name in GRANTS}  # demo/section18.py
    assert titles("kommune=koebenhavn") == section_18
    assert titles("kommune=frederiksberg") == everything - section_18
    assert titles("aar=2022") < everything
    assert "Kvinder i job" not in titles("aar=2022")  # 2021 only
    assert {t[:32] for t in titles("kommune=frederiksberg&beloeb_min=300000")} == {
        "Farvel til farvede forventninger"
    }
    assert titles("q=cricket") == {"Cricket for piger og kvinder"}
    response = client.get("/api/v1/projekter/?kommune=ingen")
    assert response.status_code == 400  # an unknown choice is said, not ignored
    assert "kommune" in json.loads(response.content)


def test_pools_policies_and_indicators(client, demo):
    pools = every_page(client, "/api/v1/puljer/?kommune=frederiksberg")
    pool_2021 = next(p for p in pools if p["aar"] == 2021)
    assert (pool_2021["budget_kr"], pool_2021["bevilget_kr"], pool_2021["reserveret_kr"]) == (
        "722000.00",
        "682000.00",
        "40000.00",
    )
    policies = every_page(client, "/api/v1/politikker/")
    assert len(policies) == Policy.objects.count()
    frb = next(p for p in policies if p["kommune"]["slug"] == "frederiksberg")
    assert [g["navn"] for g in frb["maal"]][:2] == ["Mål 1", "Mål 2"]
    indicators = every_page(client, "/api/v1/indikatorer/?kommune=koebenhavn")
    assert len(indicators) == Indicator.objects.filter(municipality__slug="koebenhavn").count()
    first = next(i for i in indicators if i["baseline_aar"] == 2018)
    assert first["baseline"] is not None and first["maalinger"]
    assert {m["eksempeldata"] for m in first["maalinger"]} == {True}


def test_the_api_is_danish_whatever_the_visitors_language(client, demo):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    project = get(client, "/api/v1/projekter/")["results"][0]
    assert project["status_tekst"] == "Igangværende"
    assert project["maal"][0]["navn"].startswith("Mål")


def test_read_only(client, demo):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(
            "/api/v1/projekter/", data="{}", content_type="application/json"
        )
        assert response.status_code == 405, method


@override_settings(API_RATE="3/min")
def test_rate_limited_per_client_address_across_the_cache(client, db):
    cache.clear()
    for _ in range(3):
        assert client.get("/api/v1/").status_code == 200  # the 2nd and 3rd from the cache
    refused = client.get("/api/v1/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "For mange forespørgsler" in json.loads(refused.content)["detail"]
    assert "forespørgsler".encode() in refused.content  # readable, not \u00f8
    other = client.get("/api/v1/", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200
    # A person reading the documentation is not refused for a program's quota.
    for url in ("/api/v1/docs/", "/api/v1/openapi.json"):
        assert client.get(url).status_code == 200, url


@override_settings(API_RATE="1/min")
def test_the_refusal_is_danish_like_the_api_whatever_the_visitors_language(client, db):
    # Attack round: with the English cookie every API answer (and its errors) stayed Danish,
    # but the 429 said "Too many requests" in English.
    cache.clear()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get("/api/v1/").status_code == 200
    refused = client.get("/api/v1/")
    assert refused.status_code == 429
    detail = json.loads(refused.content)["detail"]
    assert detail == "For mange forespørgsler. Vent lidt, og prøv igen."
    assert refused["Content-Language"] == "da"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/",
        "/api/v1/projekter/",
        "/api/v1/projekter/?aar=abc",  # a refused filter: DRF's error text, in Danish
        "/api/v1/puljer/",
        "/api/v1/politikker/",
        "/api/v1/indikatorer/",
        "/api/v1/openapi.json",
        "/api/v1/docs/",
        "/api/v1/findes-ikke/",
    ],
)
def test_every_answer_says_it_is_danish_whatever_the_visitors_language(client, db, url):
    # Attack round of session 25: the body was Danish, but a visitor with the English cookie
    # was told `Content-Language: en`, on the first answer and on the cached ones.
    cache.clear()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for answer in ("rendered", "from the cache"):
        response = client.get(url)
        assert response["Content-Language"] == "da", (url, answer, response.status_code)


def test_cached_like_the_public_pages_and_fresh_after_a_change(
    client, demo, django_assert_num_queries
):
    cache.clear()
    url = "/api/v1/projekter/"
    first = get(client, url)
    with django_assert_num_queries(0):
        assert get(client, url) == first
    project = Application.objects.get(pk=first["results"][0]["id"])
    project.title = "Nyt navn"
    project.save()
    assert get(client, url)["results"][0]["titel"] == "Nyt navn"
    answer = client.get(
        url
    )  # as the public pages: HTTP caching by the version (portal.public_cache)
    assert answer["Cache-Control"] == "public, max-age=60"
    assert client.get(url, headers={"If-None-Match": answer["ETag"]}).status_code == 304
    # With a session, nothing is kept by a proxy or the browser (as on every page).
    client.cookies["sessionid"] = "any"
    assert client.get(url)["Cache-Control"] == "private, no-store"


def test_openapi_document_and_docs_page(client, db):
    document = get(client, "/api/v1/openapi.json", HTTP_ACCEPT="application/json")
    assert document["openapi"].startswith("3.")
    assert "/api/v1/projekter/" in document["paths"]
    parameters = {p["name"] for p in document["paths"]["/api/v1/projekter/"]["get"]["parameters"]}
    assert {"kommune", "aar", "maal", "udvalg", "q", "beloeb_min", "efter", "antal"} <= parameters
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "<script>" not in html and "<style>" not in html  # the CSP allows neither
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert 'href="/data/"' in html  # the way back to the portal (fresh eyes round 22)


def test_every_operation_is_under_a_described_heading(client, db):
    """Swagger UI heads the operations by tag; an untagged one sat under "default"."""
    document = get(client, "/api/v1/openapi.json", HTTP_ACCEPT="application/json")
    described = {tag["name"] for tag in document["tags"] if tag.get("description")}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert set(operation.get("tags", [])) & described, (method, path)


def test_errors_are_json_under_the_api(client, db):
    for url in ("/api/v1/findes-ikke/", "/api/v1/projekter/x/", "/api/v1/?q=a%00b"):
        response = client.get(url)
        assert response.status_code in (400, 404), url
        assert response["Content-Type"] == "application/json", url
    assert client.get("/projekter/?q=a%00b")["Content-Type"].startswith("text/html")


def test_a_project_says_who_applied_and_what_kind_each_goal_is(client, demo):
    """Fresh eyes round 40: "afdeling" named a department and an association alike, and a
    project's "Ressource 1" could only be told from "Mål 1" by its name."""
    from policies.models import Goal

    rows = every_page(client, "/api/v1/projekter/?antal=7")
    projects = Application.objects.in_bulk([row["id"] for row in rows])
    kinds = dict(Goal.objects.values_list("pk", "kind"))
    for row in rows:
        project = projects[row["id"]]
        expected = "forening" if project.organisation_id else "afdeling"
        assert row["ansoeger_type"] == expected, row["id"]
        assert all(goal["type"] == kinds[goal["id"]] for goal in row["maal"]), row["id"]
    assert {row["ansoeger_type"] for row in rows} == {"afdeling", "forening"}
    assert {goal["type"] for row in rows for goal in row["maal"]} == {"objective", "resource"}


def test_every_refused_parameter_is_a_list_of_reasons(client, demo):
    """A 400 says each refused parameter's reasons as a list, whichever part of the API
    refused it: a filter, the page size or the cursor (fresh eyes round 40: »antal« and
    »efter« were a bare string beside the filters' lists)."""
    refused = {
        "/api/v1/projekter/?aar=abc": "aar",
        "/api/v1/projekter/?kommune=findes-ikke": "kommune",
        "/api/v1/projekter/?antal=0": "antal",
        "/api/v1/puljer/?antal=abc": "antal",
        "/api/v1/indikatorer/?efter=!!!": "efter",
    }
    for url, parameter in refused.items():
        response = client.get(url)
        assert response.status_code == 400, url
        body = json.loads(response.content)
        assert list(body) == [parameter], url
        assert isinstance(body[parameter], list) and body[parameter], url
        assert all(isinstance(reason, str) and reason for reason in body[parameter]), url


def test_an_empty_year_is_a_bad_request(client, demo):
    """schemathesis (ST201): `aar=` was read as "no filter" though the OpenAPI document says
    the year is an integer."""
    assert client.get("/api/v1/puljer/?aar=").status_code == 400
    assert client.get("/api/v1/puljer/?aar=2021").status_code == 200
    assert client.get("/api/v1/puljer/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["projekter/abc/", "projekter/V%0A%F0%B1%AC%9B/", "x%0Ay"])
def test_an_unknown_api_address_answers_json_also_with_a_line_break_in_it(client, path):
    """schemathesis found an HTML 404 (an undocumented content type) for a path with a line
    break: the API's catch-all did not match it."""
    response = client.get(f"/api/v1/{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_example_projects_are_in_no_open_data_the_api_included(client, make_pool, make_application):
    """Attack round 12: the API listed the example pool's grants as ordinary projects, while
    the CSV and the 360Giving file left them out."""
    from grants.services.decisions import do_import_funded_application

    example = make_pool(year=2030, is_example=True)
    application = make_application(target_pool=example, amounts={2030: "1000"}, title="Eksempel")
    do_import_funded_application(
        application_id=application.pk, amounts={2030: Decimal("1000")}, source="test"
    )
    rows = every_page(client, "/api/v1/projekter/")
    assert application.pk not in {row["id"] for row in rows}
    assert client.get(f"/api/v1/projekter/{application.pk}/").status_code == 404
    # Nor the example pool's made-up budget (attack round 28).
    assert example.pk not in {row["id"] for row in every_page(client, "/api/v1/puljer/")}
    assert client.get(f"/api/v1/puljer/{example.pk}/").status_code == 404


@pytest.mark.parametrize(
    "value",
    [
        Decimal("0"),
        Decimal("-12.5"),
        Decimal("1.00005"),
        Decimal("1.00015"),
        Decimal("2.5E+3"),
        Decimal("123456.78901"),
        7,
        "3.14159",
        2.675,
        Decimal("1E+20"),
        Decimal("12345678901.5"),
    ],
)
def test_a_listed_decimal_or_boolean_is_written_as_drf_writes_it(value):
    """The listed rows' own writer of a decimal or a boolean (web.api.serializers._writer)
    against DRF's for every such field of every listed serializer: rounding half to even,
    the field's places, an int, a string, a float, and a number too long for the field
    (which must fail the same way)."""
    from web.api import serializers

    fields = [
        field
        for cls in serializers.ListedRowSerializer.__subclasses__()
        for field in cls().fields.values()
        if isinstance(field, drf_serializers.DecimalField | drf_serializers.BooleanField)
    ]
    assert any(isinstance(f, drf_serializers.DecimalField) for f in fields)
    for field in fields:
        if isinstance(field, drf_serializers.BooleanField):
            for flag in (True, False, 1, 0, "true"):
                assert serializers._writer(field)(flag) == field.to_representation(flag)
            continue
        try:
            expected = field.to_representation(value)
        except Exception as error:  # noqa: BLE001 - the same failure is what is asked
            with pytest.raises(type(error)):
                serializers._writer(field)(value)
        else:
            assert serializers._writer(field)(value) == expected


def test_listed_rows_are_what_drf_would_write(client, demo):
    """web.api.serializers.ListedRowSerializer writes the API's many rows without DRF's
    machinery per field: every list and row the API has (every page of it), with every
    demo row, is byte for byte what DRF's own `to_representation` writes."""
    from unittest import mock

    from rest_framework import serializers as drf

    from web.api import serializers

    listed = {cls.__name__ for cls in serializers.ListedRowSerializer.__subclasses__()}
    assert {
        "ProjectSerializer",
        "PoolSerializer",
        "GoalSerializer",
        "MeasurementSerializer",
    } <= listed
    project = funded_projects().first()
    project.sdgs.set([10, 4])  # the demo's projects name none
    funded_projects().last().sdgs.set([5])
    lists = ["/api/v1/projekter/", "/api/v1/projekter/?q=sprog", "/api/v1/politikker/"]
    lists += ["/api/v1/indikatorer/", "/api/v1/puljer/"]

    def answers() -> list:
        cache.clear()  # the API's answers are cached like the public pages
        found = [every_page(client, url) for url in lists]
        return found + [get(client, f"/api/v1/projekter/{project.pk}/")]

    ours = answers()
    with mock.patch.object(
        serializers.ListedRowSerializer, "to_representation", drf.ModelSerializer.to_representation
    ):
        theirs = answers()
    assert ours == theirs
    assert len(ours[0]) > 10 and len(ours[2]) > 1 and len(ours[3]) > 5 and len(ours[4]) > 5
    # The SDGs come from a plain query for the page, not the relation's manager.
    sdgs = {row["id"]: row["verdensmaal"] for row in ours[0]}
    assert sdgs == {
        project.pk: [sdg.number for sdg in project.sdgs.all()]
        for project in Application.objects.filter(pk__in=sdgs)
    }
    assert any(sdgs.values())
    # And a policy's goals and an indicator's measurements from plain queries for the page,
    # as their models have them.
    assert [[(g["id"], g["navn"], g["beskrivelse"]) for g in row["maal"]] for row in ours[2]] == [
        [
            (goal.pk, goal.label, goal.description)
            for goal in Policy.objects.get(pk=row["id"]).goals.order_by("kind", "number")
        ]
        for row in ours[2]
    ]
    assert [
        [(m["aar"], m["periode"], m["vaerdi"]) for m in row["maalinger"]] for row in ours[3]
    ] == [
        [
            (m.year, m.period, f"{m.value:.4f}")
            for m in Indicator.objects.get(pk=row["id"]).measurements.order_by("year", "period")
        ]
        for row in ours[3]
    ]
    assert any(row["maalinger"] for row in ours[3])


def test_a_search_with_few_matches_is_read_by_their_ids_with_the_same_answer(
    client, demo, monkeypatch, settings
):
    """Session 28: asked for a page in id order, PostgreSQL tested a rare word (or a typo
    matching nothing) against every funded project (75 ms of 100). A search with few matches
    is now read by their ids: every page of every search is what it was, and on PostgreSQL
    the page is read by the ids."""
    from django.db import connection

    from web.api import views

    settings.PUBLIC_CACHE_SECONDS = 0  # every answer made, none from the cache
    searches = ["sprog", "job", "kvinder", "integrasion", "xyzzy"]
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    def answers() -> dict:
        return {q: every_page(client, f"/api/v1/projekter/?q={q}&antal=2") for q in searches}

    with connection.execute_wrapper(record):
        narrowed = answers()
    monkeypatch.setattr(views, "FEW_MATCHES", 0)  # every search read as before
    assert narrowed == answers()
    assert any(len(rows) > 2 for rows in narrowed.values())  # more than one page
    assert narrowed["xyzzy"] == []
    if connection.vendor == "postgresql":
        assert any('"grants_application"."id" = ANY(' in sql for sql in sent)
