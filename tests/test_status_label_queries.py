"""Every staff list that names an application's status ("Delvis bevilget" is told by its
amounts) costs the same number of queries for one grant as for many: the lists prefetch what
`Application.status_label` reads (grants.selectors.with_status_parts)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.staff_support import decide


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def grant_partly(client, make_recommended, capture, n: int) -> None:
    for number in range(n):
        application = make_recommended({2026: "20000"}, title=f"Projekt {number}")
        decide(client, application, capture, amount_2026="10.000", reasons="Kun halvdelen.")


def test_status_lists_do_not_query_per_grant(
    staff_client, make_recommended, pools, django_capture_on_commit_callbacks
):
    pool = pools[0]
    urls = [
        reverse("sekretariat:queue", args=[pool.pk]),
        reverse("dokumenter:queue-xlsx", args=[pool.pk]),
        reverse("sekretariat:recommendation", args=[pool.pk]) + "?afgjorte=1",
        reverse("dokumenter:results") + f"?pulje={pool.pk}",
    ]
    grant_partly(staff_client, make_recommended, django_capture_on_commit_callbacks, 1)
    page = staff_client.get(urls[0]).content.decode()
    assert "Delvis bevilget" in page  # the label the lists must not pay for per row
    csv = staff_client.get(reverse("dokumenter:queue-csv", args=[pool.pk])).content.decode()
    assert "Delvis bevilget" in csv  # the page and its files read the rows the same way
    one = [queries(staff_client, url) for url in urls]
    grant_partly(staff_client, make_recommended, django_capture_on_commit_callbacks, 3)
    assert [queries(staff_client, url) for url in urls] == one


def test_the_admins_history_names_a_part_grant_as_the_pages_do(
    staff_client, make_recommended, pools, django_capture_on_commit_callbacks, django_user_model
):
    """The admin's record of an application and its list of status changes said "→ Bevilget"
    for a grant of less than asked (session 19's note), while every page says "Delvis
    bevilget"; the list stays at a fixed number of queries."""
    from django.test import Client

    from grants.models import StatusChange

    superuser_client = Client()
    superuser_client.force_login(
        django_user_model.objects.create_superuser(
            "root", "root@example.org", "x" * 20, role="administrator"
        )
    )
    grant_partly(staff_client, make_recommended, django_capture_on_commit_callbacks, 1)
    change = StatusChange.objects.filter(to_status="approved").latest("pk")
    record = superuser_client.get(
        reverse("admin:grants_application_change", args=[change.application_id])
    ).content.decode()
    listing_url = reverse("admin:grants_statuschange_changelist")
    listing = superuser_client.get(listing_url).content.decode()
    row = superuser_client.get(
        reverse("admin:grants_statuschange_change", args=[change.pk])
    ).content.decode()
    for page in (record, listing, row):
        assert "Delvis bevilget" in page
        assert "→ Bevilget" not in page and '<div class="readonly">Bevilget' not in page
    assert '<td class="field-to_shown">Delvis bevilget</td>' in listing
    one = queries(superuser_client, listing_url)
    grant_partly(staff_client, make_recommended, django_capture_on_commit_callbacks, 3)
    assert queries(superuser_client, listing_url) == one
