import pytest
from django.urls import reverse


def test_front_page_in_danish_lists_municipalities_policies_and_pools(client, demo):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="da">' in html
    assert "Kommunernes integrationspuljer" in html
    assert "Frederiksberg Kommune" in html
    assert "Københavns Kommune" in html
    assert "Integrationspolitik 2019-2022" in html
    # A municipality's pools are counted and linked, not listed (issue 17: a hundred
    # municipalities' pools made the page 226 KB).
    from grants.public import public_pools

    years = sorted(
        public_pools().filter(municipality__slug="frederiksberg").values_list("year", flat=True)
    )
    said = f"{len(years)} puljer, {years[0]}–{years[-1]}"
    assert f'<a href="/puljer/?kommune=frederiksberg">{said}' in html


def test_front_page_in_english_when_the_user_chooses_it(client, demo):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "The municipalities' integration pools" in html
    assert "Log in" in html


def test_address_stays_without_language_prefix(client, db):
    assert reverse("home") == "/"
    assert reverse("login") == "/login/"


@pytest.mark.parametrize("username", ["frb-sagsbehandler", "frb-sekretariat", "admin"])
def test_demo_users_log_in_with_password_demo(client, demo, username):
    response = client.post(reverse("login"), {"username": username, "password": "demo"})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"].username == username


def test_wrong_password_is_refused_with_a_danish_message(client, demo):
    response = client.post(reverse("login"), {"username": "admin", "password": "forkert"})
    assert response.status_code == 200
    assert "Brugernavnet eller adgangskoden er forkert" in response.content.decode()


def test_browser_language_does_not_override_danish(client, db):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="da">' in html


@pytest.mark.django_db
def test_every_pool_and_policy_is_reached_from_the_front_page(client, demo):
    """Fresh eyes: the front page's pools were plain text. Every link works, and every public
    pool is one click further: on its municipality's pools page."""
    import re

    from grants.public import public_pools

    html = client.get("/").content.decode()
    links = set(re.findall(r'href="(/(?:puljer|politikker)/[^"]+)"', html))
    reached = set()
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        if "?kommune=" in link:
            reached |= set(
                re.findall(r'href="(/puljer/[^"?]+/\d{4}/(?:\d+/)?)"', response.content.decode())
            )
    for pool in public_pools().select_related("municipality", "scheme"):
        assert pool.public_url in reached, pool


def test_only_pools_the_public_can_apply_to_say_soeg_puljen(client, demo):
    """Fresh eyes round 28: the front page said "Søg puljen" for pools only the
    municipality's own departments may apply to; an association followed it to a refusal."""
    import re

    from grants.models import Pool

    html = client.get(reverse("home")).content.decode()
    links = re.findall(r'<a href="/puljer/soeg/(\d+)/">(.*?)</a>', html)
    assert links
    for pk, text in links:
        applicants = Pool.objects.get(pk=pk).applicants
        expected = "Læs opslaget" if applicants == "departments" else "Søg puljen"
        assert text.startswith(expected), (pk, applicants, text)
    assert {Pool.objects.get(pk=pk).applicants for pk, _text in links} >= {
        "departments",
        "organisations",
    }


def test_open_pools_titles_are_escaped_in_every_text_the_page_writes(client, demo):
    """The open pools' texts are made in Python (issue 17: a hundred open pools' tags cost
    15 ms); a title is still text, not markup, in the link and in the hidden words."""
    from django.core.cache import cache

    from grants.models import Pool, PoolStatus

    pool = Pool.objects.filter(status=PoolStatus.OPEN).first()
    pool.title = 'Pulje & <b onclick="x">fed</b>'
    pool.save(update_fields=["title"])
    cache.clear()
    html = client.get(reverse("home")).content.decode()
    assert "<b onclick" not in html
    escaped = "Pulje &amp; &lt;b onclick=&quot;x&quot;&gt;fed&lt;/b&gt;"
    assert html.count(escaped) >= 2  # the pool's link and the call's hidden words
    name = pool.municipality.name
    assert f'<span class="visually-hidden"> for {escaped} – {name}</span>' in html or (
        f'<span class="visually-hidden"> – {escaped} – {name}</span>' in html
    )


def test_each_open_pools_links_are_told_apart_by_their_municipality(client, demo):
    """Fresh eyes, session 32: a screen reader's list of links had "Integrationspuljen 2027
    (eksempel)" and "Læs opslaget for Integrationspuljen 2027 (eksempel)" twice, for two
    municipalities. Each link's name says its municipality, on the front page and /puljer/."""
    import re

    from tests.page_crawl import visible_text

    for address in (reverse("home"), "/puljer/"):
        html = client.get(address).content.decode()
        section = html[html.index('id="open-pools"') :]
        section = section[: section.index("</section>")]
        names = [visible_text(link) for link in re.findall(r"<a [^>]*>(.*?)</a>", section)]
        assert len(names) >= 6, names
        assert len(set(names)) == len(names), names
        assert all("Kommune" in name for name in names), names
