"""Every machine-readable copy names a project's status as its public page does: a grant of
less than asked is "Delvis bevilget" in the API, the CSV and the Excel file too (fresh eyes
round 22: the files and the API said "Bevilget" while the page said "Delvis bevilget")."""

from decimal import Decimal

from grants.models import Application, ApplicationStatus, RequestedAmount
from grants.services.decisions import do_import_funded_application
from portal.public_cache import invalidate_public_pages
from tests.test_opendata import csv_rows, xlsx


def funded(make_application, title: str, asked: str, granted: str):
    application = make_application(title=title, amounts={2026: granted})
    do_import_funded_application(
        application_id=application.pk, amounts={2026: Decimal(granted)}, source="test"
    )
    # Asked for more than granted (a decision with its reasons, made short here).
    RequestedAmount.objects.filter(application=application).update(amount=Decimal(asked))
    # Granted, not yet begun (an import of this year's grant says "Igangværende").
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.APPROVED)
    invalidate_public_pages()  # as a decision does
    return application


def test_every_copy_names_a_partial_grant_as_the_page_does(client, demo, make_application):
    partly = funded(make_application, "Halvt bevilget", "100000", "60000")
    full = funded(make_application, "Helt bevilget", "100000", "100000")
    expected = {partly.pk: "Delvis bevilget", full.pk: "Bevilget"}

    for pk, label in expected.items():
        page = client.get(f"/projekter/{pk}/").content.decode()
        assert label in page

    api = {}
    url = "/api/v1/projekter/"
    while url:
        page = client.get(url).json()
        api |= {row["id"]: row["status_tekst"] for row in page["results"]}
        url = page["next"]
    assert {pk: api[pk] for pk in expected} == expected

    in_csv = {int(row["projekt_id"]): row["status"] for row in csv_rows(client)}
    assert {pk: in_csv[pk] for pk in expected} == expected

    sheet = xlsx(client)["Projekter"]
    rows = list(sheet.iter_rows(values_only=True))
    columns = {name: n for n, name in enumerate(rows[0])}
    in_xlsx = {row[columns["projekt_id"]]: row[columns["status"]] for row in rows[1:]}
    assert {pk: in_xlsx[pk] for pk in expected} == expected
