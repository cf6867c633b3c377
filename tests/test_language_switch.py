"""The language switch in the header lands the visitor on the same page, in English."""

import re
from html import unescape

from django.urls import reverse


def switch_form(html: str) -> tuple[str, dict]:
    """The header's language form as a browser would send it with the English button."""
    form = re.search(r'<form action="([^"]+)" method="post"[^>]*>(.*?)</form>', html, re.S)
    assert form, "the page has no language switch"
    action, body = unescape(form.group(1)), form.group(2)
    data = {
        name: unescape(value)
        for name, value in re.findall(r'<input name="([^"]+)" type="hidden" value="([^"]*)"', body)
    }
    button = re.search(r'<button type="submit" name="(\w+)" value="en"', body)
    assert button, "the switch offers no English"
    data[button.group(1)] = "en"
    return action, data


def test_the_language_switch_lands_on_the_same_page_in_english(client, pool):
    url = reverse("public:pools")
    danish = client.get(url).content.decode()
    assert '<html lang="da">' in danish and "Puljer" in danish

    action, data = switch_form(danish)
    response = client.post(action, data, follow=True)

    assert response.redirect_chain == [(url, 302)]
    english = response.content.decode()
    assert '<html lang="en">' in english
    assert "Pools" in english and "Integrationspuljen 2026" in english
    # and it stays English on the next page
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_the_systems_notes_in_the_history_follow_the_readers_language(client, demo):
    """A draft created (and a recommendation taken back) on a Danish page is read on an
    English one: the history says "Draft created", not the Danish sentence stored at the time."""
    from django.urls import reverse
    from django.utils import translation

    from grants.models import Pool
    from grants.services.drafts import DraftContent, do_create_draft
    from portal.models import User

    from .page_crawl import use_language, visible_text

    caseworker = User.objects.get(username="frb-sagsbehandler")
    pool = Pool.objects.get(municipality__slug="frederiksberg", status="open")
    with translation.override("da"):
        draft = do_create_draft(
            pool_id=pool.pk, actor=caseworker, content=DraftContent(fields={"title": "Sprogcafé"})
        )
    client.force_login(caseworker)
    use_language(client, "en")
    page = visible_text(client.get(reverse("mine:detail", args=[draft.pk])).content.decode())
    assert "Draft created" in page
    assert "Kladde oprettet" not in page
    use_language(client, "da")
    page = visible_text(client.get(reverse("mine:detail", args=[draft.pk])).content.decode())
    assert "Kladde oprettet" in page


def test_numbers_are_written_the_danish_way_in_english_too():
    """Fresh eyes round 10: English pages showed "100.000 kr." beside "12.5" and "58.3 %",
    and the English form refused the "12.5" its pages showed (the forms read Danish numbers)."""
    from django.template.defaultfilters import floatformat
    from django.utils import translation
    from django.utils.formats import number_format

    from portal.money import format_kroner

    for language in ("da", "en"):
        with translation.override(language):
            assert floatformat(12.5, 1) == "12,5", language
            assert number_format(1234567, force_grouping=True) == "1.234.567", language
            assert format_kroner(150000) == "150.000 kr.", language
