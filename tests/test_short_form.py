"""The short form for small amounts (issue 16, item 2) and the volunteer's words (item 5),
from the user's side: the headings the page shows, what submitting asks for."""

import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from grants.documents.pdf import application_pdf
from grants.models import Application, ApplicationStatus, Pool
from grants.organisations import new_person
from portal.middleware import RESCUE_KEY
from portal.models import Organisation
from tests.form_pages import parse_forms
from tests.page_crawl import visible_text
from tests.test_caseworker_pages import start_post

OPTIONAL_FIELDS = ("challenge", "anchoring", "goals", "criteria-0-text")


@pytest.fixture
def person(municipality):
    organisation = Organisation.objects.create(municipality=municipality, name="Lektiecaféen")
    return new_person(organisation=organisation, email="anna@example.dk", name="Anna Holm")


@pytest.fixture
def small_pool(make_pool):
    pool = make_pool(year=2026)
    Pool.objects.filter(pk=pool.pk).update(
        applicants="organisations", short_form_below=Decimal("50000")
    )
    pool.refresh_from_db()
    return pool


def optional_fields(html: str) -> set[str]:
    """The short form's leave-outs that this page has (a policy without goals has none)."""
    return {name for name in OPTIONAL_FIELDS if f'name="{name}"' in html}


def hidden_fields(html: str) -> set[str]:
    """The form's fields inside a fieldset with the hidden attribute (at any depth)."""

    class Walk(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.hidden = [], set()

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "fieldset":
                self.stack.append("hidden" in attrs)
            elif attrs.get("name") in OPTIONAL_FIELDS and any(self.stack):
                self.hidden.add(attrs["name"])

        def handle_endtag(self, tag):
            if tag == "fieldset":
                self.stack.pop()

    walk = Walk()
    walk.feed(html)
    return walk.hidden


def legends(html: str) -> list[str]:
    """The headings' words, without the star of a part needed before sending."""
    return [
        " ".join(visible_text(part.split("</legend>")[0]).split())
        .replace(" .", ".")
        .removesuffix(" * (skal udfyldes før indsendelse)")
        for part in html.split('<legend class="h4">')[1:]
    ]


def fill_small(data: dict, amount: str, committee) -> dict:
    return data | {
        "title": "Lektiecafé",
        "committee": str(committee.pk),
        "amount_2026": amount,
        "contacts-0-name": "Anna Holm",
        "contacts-0-email": "anna@example.dk",
        "target_group": "Børn i 4.-6. klasse",
        "purpose": "Bedre karakterer og flere venner",
        "description": "Lektiehjælp to gange om ugen med frivillige",
    }


def test_a_small_application_shows_and_needs_only_the_short_form(
    client, person, small_pool, committee
):
    client.force_login(person)
    start = reverse("mine:start", args=[small_pool.pk])
    page = client.get(start)
    html = page.content.decode()
    assert hidden_fields(html) == optional_fields(html) >= {"challenge", "anchoring"}
    shown = [text for text in legends(html) if text]
    assert shown[:3] == [
        "1. Projektet og udvalget i kommunen",
        "2. Hvor mange penge søger I?",
        "3. Hvem kan kommunen kontakte?",
    ]
    assert "Søger I under 50.000 kr. i alt, er skemaet kortere" in visible_text(html)

    client.post(start, fill_small(start_post(page), "20.000", committee))
    application = Application.objects.get(created_by=person)
    edit = client.get(reverse("mine:edit", args=[application.pk])).content.decode()
    assert hidden_fields(edit) == optional_fields(edit) >= {"challenge", "anchoring"}
    # Only the short form's headings: submitting needs nothing more.
    submit = visible_text(
        client.get(reverse("mine:submit", args=[application.pk])).content.decode()
    )
    assert "Udfyld" not in submit and "succeskriterium" not in submit
    client.post(reverse("mine:submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    # The copy of what was sent, in the same words; staff read the departments' headings.
    copy = visible_text(client.get(reverse("mine:detail", args=[application.pk])).content.decode())
    assert "1. Projektets navn" in copy and "Indsats" not in copy


def test_asking_for_more_brings_the_headings_back_and_submission_needs_them(
    client, person, small_pool, committee
):
    client.force_login(person)
    start = reverse("mine:start", args=[small_pool.pk])
    client.post(start, fill_small(start_post(client.get(start)), "60.000", committee))
    application = Application.objects.get(created_by=person)
    edit = client.get(reverse("mine:edit", args=[application.pk])).content.decode()
    assert hidden_fields(edit) == set()
    assert "8. Hvorfor er der brug for projektet?" in legends(edit)
    submit = visible_text(
        client.get(reverse("mine:submit", args=[application.pk])).content.decode()
    )
    assert "Angiv mindst ét succeskriterium." in submit
    client.post(reverse("mine:submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_hidden_headings_keep_what_was_written(client, person, small_pool, committee):
    """A hidden heading keeps its answer while the draft is saved (asking for more brings it
    back); submitting a small application leaves it out."""
    client.force_login(person)
    start = reverse("mine:start", args=[small_pool.pk])
    client.post(start, fill_small(start_post(client.get(start)), "60.000", committee))
    application = Application.objects.get(created_by=person)
    edit_url = reverse("mine:edit", args=[application.pk])
    data = start_post(client.get(edit_url)) | {"challenge": "For få har et sted at lave lektier"}
    client.post(edit_url, data)
    data = start_post(client.get(edit_url)) | {"amount_2026": "20.000"}
    client.post(edit_url, data)
    page = client.get(edit_url).content.decode()
    assert hidden_fields(page) == optional_fields(page) >= {"challenge", "anchoring"}
    data = start_post(client.get(edit_url))
    client.post(edit_url, data)
    application.refresh_from_db()
    assert application.challenge == "For få har et sted at lave lektier"

    # But it is not sent (fresh eyes round 10: hidden answers went with the application and
    # could be published): the submit page names it, submitting empties it.
    submit_url = reverse("mine:submit", args=[application.pk])
    submit = visible_text(client.get(submit_url).content.decode())
    # Each heading quoted: a heading that is a question ends in "?«.", never "?." (fresh
    # eyes round 38).
    assert "slettes, når I indsender: »Hvilket problem vil I hjælpe med?«." in submit
    assert "For få har et sted at lave lektier" not in submit.split("Det, I sender", 1)[1]
    client.post(submit_url)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.challenge == ""
    assert application.history.filter(challenge__startswith="For få").exists()  # on record


def test_a_volunteer_reads_plain_words_and_a_caseworker_the_departments(
    client, person, small_pool, caseworker, make_pool
):
    client.force_login(person)
    dashboard = visible_text(client.get(reverse("mine:dashboard")).content.decode())
    assert "Foreningens ansøgninger" in dashboard and "Afdeling" not in dashboard
    # The association is "I" where it acts (fresh eyes round 40: "Puljer, din forening kan
    # søge nu"); "Din forening" is the name of its page, spoken to the person signed in.
    assert "Puljer, I kan søge nu" in dashboard and "I har ikke søgt endnu." in dashboard
    assert not re.search(r"din forening (?:kan|har)", dashboard, re.IGNORECASE)
    form = visible_text(client.get(reverse("mine:start", args=[small_pool.pk])).content.decode())
    for internal in (r"\bindsats", r"\bafdeling", "forankring", "modtaget fra integrationspuljen"):
        assert not re.search(internal, form, re.IGNORECASE), internal
    assert "Projektets navn" in form and "Rolle i foreningen" in form

    Pool.objects.filter(pk=small_pool.pk).update(applicants="both")
    client.force_login(caseworker)
    form = visible_text(client.get(reverse("mine:start", args=[small_pool.pk])).content.decode())
    assert "Indsats og politisk udvalg" in form and "Afdeling" in form
    assert "Afdelingens ansøgninger" in visible_text(
        client.get(reverse("mine:dashboard")).content.decode()
    )


def test_the_form_parses(client, person, small_pool):
    client.force_login(person)
    html = client.get(reverse("mine:start", args=[small_pool.pk])).content.decode()
    assert any(form.id == "application-form" for form in parse_forms(html))


def test_what_is_missing_uses_the_words_of_the_volunteers_form(
    client, person, small_pool, committee
):
    """Fresh eyes round 10: the submit page asked a volunteer for »Formål/forandringsteori«
    and »Hvad er forankringsperspektivet for indsatsen?«, words the form never showed."""
    client.force_login(person)
    start = reverse("mine:start", args=[small_pool.pk])
    data = start_post(client.get(start))
    data.update({"title": "Lektiecafé", "amount_2026": "60.000", "committee": committee.pk})
    client.post(start, data)
    application = Application.objects.get(created_by=person)
    edit = visible_text(client.get(reverse("mine:edit", args=[application.pk])).content.decode())
    submit = client.get(reverse("mine:submit", args=[application.pk])).content.decode()
    missing = re.findall(r"»([^«]+)«", visible_text(submit.split("Før I kan indsende")[1]))
    assert missing, "nothing quoted in the list of what is missing"
    for label in missing:
        assert label in edit, label
    for internal in ("forandringsteori", "forankring", "integrationspolitikkens", "tovholder"):
        assert internal not in visible_text(submit).lower(), internal


def pdf_numbers(content: bytes) -> dict[str, int]:
    """The numbered headings of a PDF copy: lines "N. heading"."""
    import io

    from pypdf import PdfReader

    lines = [
        line.strip()
        for page in PdfReader(io.BytesIO(content)).pages
        for line in page.extract_text().splitlines()
    ]
    found = [re.fullmatch(r"(\d+)\. (.+)", line) for line in lines]
    return {" ".join(m[2].split()): int(m[1]) for m in found if m}


def test_the_copies_number_the_answers_as_the_form_did(client, person, small_pool, committee):
    """Fresh eyes round 13: the short form numbered its headings 1-11, the submit page 4, 6,
    7, 9 …, the case page 1-15 with empty headings; "what did you write in 7?" had three
    answers. Every copy now numbers what the form showed, the same way."""
    client.force_login(person)
    start = reverse("mine:start", args=[small_pool.pk])
    client.post(start, fill_small(start_post(client.get(start)), "20.000", committee))
    application = Application.objects.get(created_by=person)
    edit = client.get(reverse("mine:edit", args=[application.pk])).content.decode()
    form_numbers = {
        " ".join(text.split(". ", 1)[1].split()): int(text.split(".")[0])
        for text in legends(edit)
        if text and text[0].isdigit()
    }

    def copy_numbers(html: str) -> dict[str, int]:
        terms = re.findall(r"<dt>(\d+)\. (.*?)</dt>", html, re.S)
        return {" ".join(visible_text(t).split()): int(n) for n, t in terms}

    submit = copy_numbers(client.get(reverse("mine:submit", args=[application.pk])).text)
    client.post(reverse("mine:submit", args=[application.pk]))
    detail = copy_numbers(client.get(reverse("mine:detail", args=[application.pk])).text)
    pdf = pdf_numbers(application_pdf(application))
    for copy in (submit, detail, pdf):
        assert sorted(copy.values()) == list(range(1, len(copy) + 1))  # no gaps
        assert len(copy) == max(form_numbers.values())
        # A heading with the form's words has the form's number.
        for heading, number in copy.items():
            if heading in form_numbers:
                assert form_numbers[heading] == number, heading
    assert submit == detail == pdf


# "Du", "din", "dit", "dine" as words; "Din forening" is the name of the association's own
# page (the menu's), not a way of speaking to the reader.
SPOKEN_TO_AS_DU = re.compile(r"\b(?:du|din|dit|dine)\b", re.IGNORECASE)


def signed_in_department_draft(client, caseworker, pool) -> Application:
    """The caseworker signed in, with a new draft of their department's in `pool`."""
    client.force_login(caseworker)
    return Application.objects.create(
        municipality=caseworker.municipality,
        pool=pool,
        department=caseworker.department,
        title="Indsats",
    )


def main_text(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return visible_text(main).replace("Din forening", "")


def test_the_submit_page_and_receipt_speak_to_an_association_as_i(
    client, person, small_pool, committee, caseworker
):
    """Fresh eyes round 39: the form says "I" to an association, its submit page and
    receipt said "du" ("Før du kan indsende", "Det, du sender", "Du får besked")."""
    client.force_login(person)
    start = reverse("mine:start", args=[small_pool.pk])
    client.post(start, start_post(client.get(start)) | {"title": "Lektiecafé"})
    application = Application.objects.get(created_by=person)
    submit_url = reverse("mine:submit", args=[application.pk])
    incomplete = main_text(client.get(submit_url))
    assert "Før I kan indsende, mangler:" in incomplete and "Det, I sender" in incomplete
    assert not SPOKEN_TO_AS_DU.findall(incomplete), incomplete

    # Ready, with an answer the short form leaves out: the page's every paragraph.
    edit_url = reverse("mine:edit", args=[application.pk])
    data = fill_small(start_post(client.get(edit_url)), "60.000", committee)
    client.post(edit_url, data | {"challenge": "For få har et sted at lave lektier"})
    client.post(edit_url, start_post(client.get(edit_url)) | {"amount_2026": "20.000"})
    ready = main_text(client.get(submit_url))
    assert "kan I ikke længere ændre den" in ready and "slettes, når I indsender" in ready
    assert not SPOKEN_TO_AS_DU.findall(ready), ready

    receipt = main_text(client.post(submit_url, follow=True))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert "I får besked" in receipt
    assert not SPOKEN_TO_AS_DU.findall(receipt), receipt

    # A department's caseworker is still "du".
    draft = signed_in_department_draft(client, caseworker, small_pool)
    assert "Før du kan indsende, mangler:" in main_text(
        client.get(reverse("mine:submit", args=[draft.pk]))
    )


def spoken_to_as_du(response) -> list[str]:
    """The "du" words of the page's main part, its attributes too: the script's status texts
    (data-msg-*) are written onto the page later."""
    html = unescape(response.content.decode())
    main = html[html.index("<main") : html.index("</main>")].replace("Din forening", "")
    return SPOKEN_TO_AS_DU.findall(main)


def test_the_application_form_speaks_to_an_association_as_i(
    client, person, small_pool, committee, caseworker
):
    """Fresh eyes round 39: the form said "I" in its headings, "du" in its notes ("før du
    sender ansøgningen", "Filen vedhæftes, når du gemmer kladden"), in the script's status
    texts and when it refused a save of a sent application."""
    Pool.objects.filter(pk=small_pool.pk).update(max_amount=Decimal("100000"))
    client.force_login(person)
    start = reverse("mine:start", args=[small_pool.pk])
    new = client.get(start)
    assert not spoken_to_as_du(new), spoken_to_as_du(new)
    assert "kladden gemmes, når I skriver" in unescape(new.content.decode())
    client.post(start, fill_small(start_post(new), "20.000", committee))
    application = Application.objects.get(created_by=person)
    edit_url = reverse("mine:edit", args=[application.pk])
    edit = client.get(edit_url)
    html = unescape(edit.content.decode())
    assert "før I sender ansøgningen" in html and "Filen vedhæftes, når I gemmer" in html
    assert "I er blevet logget ud" in html
    assert not spoken_to_as_du(edit), spoken_to_as_du(edit)

    # What was typed when the session ended, given back after the login.
    session = client.session
    session[RESCUE_KEY] = {"path": edit_url, "data": {"title": ["Lektier"]}, "user": person.pk}
    session.save()
    rescued = client.get(edit_url)
    assert "Det, I skrev, er hentet tilbage" in unescape(rescued.content.decode())
    assert not spoken_to_as_du(rescued), spoken_to_as_du(rescued)

    # Sent in another tab: the background save of this one is refused in I-words.
    typed = start_post(client.get(edit_url))
    client.post(reverse("mine:submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    refused = client.post(reverse("mine:autosave", args=[application.pk]), typed)
    assert refused.json()["message"] == (
        "Ansøgningen er indsendt og kan ikke længere ændres; I kan trække den tilbage."
    )
    deleting = client.get(reverse("mine:delete", args=[application.pk]), follow=True)
    assert "en indsendt ansøgning kan I trække tilbage" in visible_text(deleting.content.decode())

    # A department's caseworker is still "du".
    draft = signed_in_department_draft(client, caseworker, small_pool)
    html = unescape(client.get(reverse("mine:edit", args=[draft.pk])).content.decode())
    assert "Filen vedhæftes, når du gemmer" in html and "Du er blevet logget ud" in html
    draft.status = ApplicationStatus.SUBMITTED
    draft.save()
    refused = client.post(reverse("mine:autosave", args=[draft.pk]), typed)
    assert "du kan trække den tilbage" in refused.json()["message"]
