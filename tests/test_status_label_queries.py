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
    one = [queries(staff_client, url) for url in urls]
    grant_partly(staff_client, make_recommended, django_capture_on_commit_callbacks, 3)
    assert [queries(staff_client, url) for url in urls] == one
