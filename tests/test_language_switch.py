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
