"""Public pages are cached for anonymous visitors and are never stale after a change."""

from decimal import Decimal

from django.urls import reverse

from grants.models import Allocation, Application
from portal.models import User


def test_cached_page_is_served_with_fewer_queries(client, demo, django_assert_max_num_queries):
    url = reverse("public:catalogue")
    client.get(url)
    with django_assert_max_num_queries(3):  # session/user lookup at most; no page queries
        second = client.get(url)
    assert "Kvinder i job" in second.content.decode()


def test_a_change_is_visible_at_once(client, demo):
    url = reverse("public:project", args=[Application.objects.get(title="Kvinder i job").pk])
    assert "150.000 kr." in client.get(url).content.decode()
    allocation = Allocation.objects.get(application__title="Kvinder i job")
    allocation.amount = Decimal("149000")
    allocation.save()
    html = client.get(url).content.decode()
    assert "149.000 kr." in html and "150.000 kr." not in html


def test_cached_page_gets_the_new_requests_csp_nonce(client, demo):
    url = reverse("public:pools")
    for _ in range(2):
        response = client.get(url)
        nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        assert f'nonce="{nonce}"' in response.content.decode()


def test_logged_in_users_and_languages_are_not_mixed(client, demo):
    url = reverse("public:catalogue")
    client.get(url)
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert '<html lang="en">' in client.get(url).content.decode()
    client.force_login(User.objects.get(username="frb-sekretariat"))
    assert "Demo Sekretariat" in client.get(url).content.decode()


def test_language_switch_works_from_a_cached_page(demo):
    from django.test import Client

    visitor = Client(enforce_csrf_checks=True)
    visitor.get("/")
    response = visitor.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
