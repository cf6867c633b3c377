"""The DCAT-AP catalogue record at /data/katalog.jsonld, as a data portal harvests it:
valid against DCAT-AP 2.1.1's SHACL shapes (grants/schemas/dcat-ap/, pyshacl), with every
open download and the API in it, and coverage worked out from the data."""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

SHAPES = Path(settings.BASE_DIR) / "grants" / "schemas" / "dcat-ap"


@pytest.fixture(scope="module")
def shapes():
    graph = Graph()
    for name in ("dcat-ap_2.1.1_shacl_shapes.ttl", "dcat-ap_2.1.1_shacl_range.ttl"):
        graph.parse(SHAPES / name, format="turtle")
    return graph


def record(client) -> tuple[dict, Graph]:
    response = client.get("/data/katalog.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    data = json.loads(response.content)
    return data, Graph().parse(data=response.content, format="json-ld")


def violations(data_graph: Graph, shapes: Graph) -> str:
    conforms, _graph, text = validate(
        data_graph, shacl_graph=shapes, inference="none", allow_warnings=True
    )
    return "" if conforms else text


def test_the_record_conforms_to_dcat_ap(client, demo, shapes):
    _data, graph = record(client)
    assert violations(graph, shapes) == ""


def test_the_shapes_catch_a_broken_record(client, demo, shapes):
    """Not a validation that passes anything: without the catalogue's title, and with a
    licence that is no licence document, the shapes fail."""
    _data, graph = record(client)
    catalogue = next(graph.subjects(RDF.type, DCAT.Catalog))
    graph.remove((catalogue, DCTERMS.title, None))
    assert "title" in violations(graph, shapes)
    _data, graph = record(client)
    graph.remove((None, RDF.type, DCTERMS.LicenseDocument))
    assert "LicenseDocument" in violations(graph, shapes)


def test_every_download_and_the_api_are_in_it(client, demo):
    _data, graph = record(client)
    urls = {str(url) for url in graph.objects(None, DCAT.downloadURL)}
    assert urls == {
        "http://testserver/data/projekter.csv",
        "http://testserver/data/projekter.xlsx",
        "http://testserver/data/360giving.json",
        # Each municipality's own files, for harvesting one funder at a time.
        "http://testserver/data/frederiksberg/360giving.json",
        "http://testserver/data/frederiksberg/projekter.csv",
        "http://testserver/data/koebenhavn/360giving.json",
        "http://testserver/data/koebenhavn/projekter.csv",
    }
    assert {str(u) for u in graph.objects(None, DCAT.endpointURL)} == {"http://testserver/api/v1/"}
    assert {str(u) for u in graph.objects(None, DCAT.endpointDescription)} == {
        "http://testserver/api/v1/openapi.json"
    }
    for url in urls | {"http://testserver/api/v1/openapi.json"}:
        assert client.get(url).status_code == 200, url


def test_licence_frequency_contact_and_coverage(client, demo, settings):
    settings.OPEN_DATA_CONTACT_EMAIL = "Integrationsportalen <integrationspulje@example.org>"
    _data, graph = record(client)
    projects = URIRef("http://testserver/data/#projekter")
    assert (projects, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in (
        graph
    )
    frequency = "http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT"
    assert (projects, DCTERMS.accrualPeriodicity, URIRef(frequency)) in graph
    period = graph.value(projects, DCTERMS.temporal)
    assert (
        str(graph.value(period, DCAT.startDate)) == "2019-01-01"
    )  # the first grant year (Copenhagen's § 18 pool)
    assert str(graph.value(period, DCAT.endDate)) == "2022-12-31"
    spatial = set(graph.objects(projects, DCTERMS.spatial))
    # Denmark and the one region the demo's municipalities lie in, not all five.
    assert spatial == {
        URIRef("http://publications.europa.eu/resource/authority/country/DNK"),
        URIRef("https://www.iso.org/obp/ui/#iso:code:3166:DK-84"),
    }
    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    contact = graph.value(projects, DCAT.contactPoint)
    # A bare address, whatever display name the setting holds.
    assert re.fullmatch(r"mailto:[^\s<>@]+@[^\s<>@]+", str(graph.value(contact, vcard.hasEmail)))
    assert (
        None,
        DCTERMS.title,
        Literal("Bevillinger fra kommunernes integrationspuljer", "da"),
    ) in (graph)


def test_example_pools_do_not_extend_the_coverage(
    client, demo, municipality, make_pool, make_application
):
    """The record describes the open-data files, which leave example pools out: an example
    grant of 2010 in Aarhus (Region Midtjylland), changed last, moves neither the period,
    the regions, the date of change nor the list of municipalities' files."""
    from grants.services.decisions import do_import_funded_application

    _data, graph = record(client)
    projects = URIRef("http://testserver/data/#projekter")
    before = {
        "modified": str(graph.value(projects, DCTERMS.modified)),
        "spatial": set(graph.objects(projects, DCTERMS.spatial)),
        "urls": {str(url) for url in graph.objects(None, DCAT.downloadURL)},
    }
    municipality.code, municipality.name, municipality.slug = "751", "Aarhus Kommune", "aarhus"
    municipality.save()
    example = make_pool(year=2010, is_example=True)
    application = make_application(target_pool=example, amounts={2010: "1000"}, title="Eksempel")
    do_import_funded_application(
        application_id=application.pk, amounts={2010: Decimal("1000")}, source="test"
    )
    _data, graph = record(client)
    period = graph.value(projects, DCTERMS.temporal)
    assert str(graph.value(period, DCAT.startDate)) == "2019-01-01"
    assert str(graph.value(projects, DCTERMS.modified)) == before["modified"]
    assert set(graph.objects(projects, DCTERMS.spatial)) == before["spatial"]
    assert {str(url) for url in graph.objects(None, DCAT.downloadURL)} == before["urls"]


def test_the_record_uses_the_configured_address(client, db, settings):
    settings.PORTAL_BASE_URL = "https://integration.example.dk"
    data, _graph = record(client)
    assert data["@id"] == "https://integration.example.dk/data/#katalog"
