"""Attack round 6 (B): a planned pool ("Planlagt": budget and description still being
prepared) is on no public page, sitemap, open-data file or API answer until it is opened;
a pool that has been open stays public when it is closed."""

from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import Pool, PoolStatus

SECRET_TITLE = "Hemmelig planlagt pulje"
SECRET_BUDGET = "12.345.678"


def public_addresses(pool) -> list[str]:
    """Every public address that lists or shows pools, and the downloads."""
    return [
        reverse("home"),
        reverse("public:pools"),
        reverse("public:catalogue"),
        reverse("public:data"),
        reverse("public:projects-csv"),
        reverse("public:projects-xlsx"),
        reverse("public:giving-json"),
        reverse("sitemap-section", args=["pools"]),
        reverse("sitemap-section", args=["calls"]),
        reverse("catalogue"),
        reverse("api:pools"),
        reverse("api:pools") + f"?aar={pool.year}",
        reverse("api:root"),
    ]


def shown(client, pool) -> list[str]:
    """The public addresses where the pool shows (its title, budget or own page)."""
    found = []
    for address in public_addresses(pool):
        response = client.get(address)
        assert response.status_code == 200, address
        if address.endswith(".xlsx"):
            continue  # funded projects only, a zip: their rows come from funded_projects()
        body = b"".join(response) if response.streaming else response.content
        text = body.decode()
        page = reverse("public:pool", args=[pool.municipality.slug, pool.year])
        if any(sign in text for sign in (SECRET_TITLE, SECRET_BUDGET, "12345678", page)):
            found.append(address)
    own = [
        reverse("public:pool", args=[pool.municipality.slug, pool.year]),
        reverse("api:pool", args=[pool.pk]),
    ]
    found += [address for address in own if client.get(address).status_code == 200]
    return found


@pytest.mark.django_db
def test_a_planned_pool_is_public_only_once_opened(client, make_pool):
    pool = make_pool(
        year=2029,
        budget="12345678",
        status=PoolStatus.PLANNED,
        description="Intern beskrivelse",
    )
    pool.title = SECRET_TITLE
    pool.save()
    assert shown(client, pool) == []

    pool.status = PoolStatus.OPEN
    pool.save()
    assert reverse("home") in shown(client, pool)
    assert reverse("public:pools") in shown(client, pool)
    assert reverse("public:pool", args=[pool.municipality.slug, pool.year]) in shown(client, pool)

    pool.status = PoolStatus.CLOSED
    pool.save()
    still = shown(client, pool)
    pools_sitemap = reverse("sitemap-section", args=["pools"])
    for address in (reverse("public:pools"), reverse("api:pools"), pools_sitemap):
        assert address in still


def every_text(response) -> str:
    """A public answer's text; an Excel file's cell values."""
    import io

    from openpyxl import load_workbook

    body = b"".join(response) if response.streaming else response.content
    if not response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    ):
        return body.decode()
    book = load_workbook(io.BytesIO(body), read_only=True)
    return " ".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


@pytest.mark.django_db
def test_a_grant_drawing_on_a_planned_round_does_not_name_it(client, make_pool, make_application):
    """Attack round 7: a two-year grant's second year came from a round still planned, and
    that round's title was in the API, the CSV, the Excel file and the 360Giving file."""
    from tests.test_public_catalogue import fund

    first = make_pool(year=2026)
    planned = make_pool(year=2027, status=PoolStatus.PLANNED)
    planned.title = SECRET_TITLE
    planned.save()
    project = fund(
        make_application(
            title="Toårig indsats", target_pool=first, amounts={2026: "1000", 2027: "2000"}
        )
    )
    assert project.allocations.filter(pool=planned).exists()
    planned_page = reverse("public:pool", args=[planned.municipality.slug, planned.year])
    addresses = [
        *public_addresses(planned),
        reverse("public:project", args=[project.pk]),
        reverse("api:project", args=[project.pk]),
        reverse("api:projects"),
    ]
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        text = every_text(response)
        assert SECRET_TITLE not in text, address
        assert planned_page not in text, address
    # The page says why the year has no pool to follow (fresh eyes round 24).
    page = client.get(reverse("public:project", args=[project.pk])).content.decode()
    assert "fra puljen for 2027, som ikke er åbnet endnu" in page
    # The year and the amount are public: the grant was decided.
    api = client.get(reverse("api:project", args=[project.pk])).json()
    assert [(row["aar"], row["pulje"]) for row in api["bevillinger"]] == [
        (2026, first.title),
        (2027, f"{planned.scheme.name} 2027"),
    ]


@pytest.mark.django_db
def test_grants_of_example_data_stay_out_of_the_open_data_files(
    client, make_pool, make_application
):
    """Attack round 7: the grants of a pool of example data were in the CSV, Excel and
    360Giving files as real grants; a harvester cannot see the web page's badge."""
    from tests.test_public_catalogue import fund

    example = make_pool(year=2026, is_example=True)
    fund(make_application(title="Eksempelprojekt", target_pool=example, amounts={2026: "1000"}))
    for name in ("public:projects-csv", "public:projects-xlsx", "public:giving-json"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "Eksempelprojekt" not in every_text(response), name
    # The catalogue still shows it, marked as example data.
    catalogue = client.get(reverse("public:catalogue")).content.decode()
    assert "Eksempelprojekt" in catalogue and "Eksempeldata" in catalogue


def test_an_open_round_does_not_speak_of_its_grants_in_the_past(client, make_pool):
    """Fresh eyes round 16: "Hvad puljen gav penge til i 2027" above an empty table of a round
    still open for applications."""
    pool = make_pool(year=2027)
    # Nothing given yet: a sentence, not an empty table (fresh eyes, session 32).
    page = client.get(pool.public_url).content.decode()
    assert "Puljen har ikke givet penge til nogen indsats endnu." in page
    pool.reserved_lines.create(title="Reserveret til evaluering", amount=Decimal("10000"))
    page = client.get(pool.public_url + "?x=1").content.decode()
    assert "Hvad puljen for 2027 har givet penge til indtil nu" in page
    pool.status = "closed"
    pool.save()  # through the model: the public pages' cache hears of it
    page = client.get(pool.public_url).content.decode()
    assert "Hvad puljen gav penge til i 2027" in page
    pool.reserved_lines.all().delete()
    page = client.get(pool.public_url + "?x=2").content.decode()
    assert "Puljen gav ikke penge til nogen indsats i 2027." in page


@pytest.mark.django_db
def test_a_short_applications_public_page_has_no_unanswered_headings(
    client, make_pool, make_application
):
    """Fresh eyes round 24: a small grant's page showed "Hvorfor er der brug for projektet? –"
    and the like for every heading the short form leaves out."""
    from tests.test_public_catalogue import fund

    pool = make_pool(year=2026)
    Pool.objects.filter(pk=pool.pk).update(short_form_below=Decimal("50000"))
    project = fund(
        make_application(
            title="Lektiecafé", amounts={2026: "20000"}, purpose="Bedre lektier", target_pool=pool
        )
    )

    page = client.get(reverse("public:project", args=[project.pk])).content.decode()

    assert "Bedre lektier" in page
    assert "puljens korte ansøgning" in page
    for heading in ("Hvorfor er der brug for projektet?", "Succeskriterier og resultater"):
        assert heading not in page
