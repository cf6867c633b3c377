"""The caseworker's application form: drafts, bad input, edit conflicts and autosave.
The helpers at the top build the POST a browser sends; the other test_caseworker_* files
use them too."""

import re
from decimal import Decimal
from html import escape

import pytest
from django.urls import reverse

from grants.models import Application, Report, RequestedAmount
from grants.services.drafts import do_create_draft
from policies.models import GoalKind
from portal.forms import KronerField
from portal.models import Committee, User

TEXT_FIELDS = [name for name in Application.CONTENT_FIELDS if name != "committee"]
CONTACT_KEYS = ("name", "title", "department", "email", "phone")
CRITERION_KEYS = ("text", "target_value", "unit")


def _formset(prefix, saved_rows, keys, new_rows) -> dict:
    """A formset as the page sends it: the saved rows with their ids, then the new rows
    (or the one empty row the page always offers)."""
    new_rows = list(new_rows) or [{}]
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(saved_rows) + len(new_rows)),
        f"{prefix}-INITIAL_FORMS": str(len(saved_rows)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(saved_rows):
        data[f"{prefix}-{index}-id"] = str(row.pk)
        for key in keys:
            value = getattr(row, key)
            if key == "target_value":
                value = "" if value is None else f"{value:f}".replace(".", ",")  # 80,00
            data[f"{prefix}-{index}-{key}"] = value
    for index, row in enumerate(new_rows, start=len(saved_rows)):
        data[f"{prefix}-{index}-id"] = ""
        for key in keys:
            data[f"{prefix}-{index}-{key}"] = row.get(key, "")
    return data


def edit_post(application, *, new_contacts=(), new_criteria=(), button="save", **changes):
    """What the browser sends from the edit page as it looks now, with `changes` typed in.

    `new_contacts`/`new_criteria` fill the empty rows after the saved ones; `button` is the
    button pressed ("save", "submit" or None for autosave). Keys like `amount_2026` or
    `contacts-0-DELETE` can be given in `changes` (use a dict and ** for such names)."""
    application = Application.objects.get(pk=application.pk)
    goals = list(application.goals.all())
    data = {name: getattr(application, name) for name in TEXT_FIELDS}
    data |= {
        "version": str(application.version),
        "committee": str(application.committee_id or ""),
        "co_committees": [str(c.pk) for c in application.co_committees.all()],
        "continues": [str(a.pk) for a in application.continues.all()],
        "goals": [str(g.pk) for g in goals if g.kind == GoalKind.OBJECTIVE],
        "resources": [str(g.pk) for g in goals if g.kind == GoalKind.RESOURCE],
        "sdgs": [str(s.number) for s in application.sdgs.all()],
    }
    requested = {row.year: row.amount for row in application.requested_amounts.all()}
    for year in application.years:
        data[f"amount_{year}"] = KronerField().prepare_value(requested.get(year)) or ""
    data |= _formset("contacts", list(application.contacts.all()), CONTACT_KEYS, new_contacts)
    data |= _formset(
        "criteria", list(application.success_criteria.all()), CRITERION_KEYS, new_criteria
    )
    if button:
        data[button] = ""
    data.update(changes)
    return data


COMPLETE_TEXTS = {
    "title": "Kvinder i job",
    "target_group": "Kvindelige flygtninge på offentlig ydelse",
    "challenge": "Lang ledighed og social isolation",
    "purpose": "Job gennem undervisning og praktik",
    "description": "Forløb med undervisning hos en virksomhed og efterfølgende praktik",
    "anchoring": "Forankres i Center for Integration",
}


def complete_post(application, **changes):
    """Everything submission needs, typed into the form of an empty draft."""
    goal = application.pool.policy.goals.filter(kind=GoalKind.OBJECTIVE).first()
    committee = Committee.objects.filter(municipality=application.municipality).first()
    return edit_post(
        application,
        new_contacts=[{"name": "Linda Bjerg", "title": "leder", "email": "linda@example.dk"}],
        new_criteria=[{"text": "80 % gennemfører forløbet", "target_value": "80", "unit": "%"}],
        **{
            **COMPLETE_TEXTS,
            "committee": str(committee.pk),
            "goals": [str(goal.pk)],
            f"amount_{application.pool.year}": "150.000",
            **changes,
        },
    )


def hidden_version(response) -> str:
    return re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1)


def page_text(response) -> str:
    return response.content.decode()


@pytest.fixture
def draft(caseworker, pool):
    return do_create_draft(pool_id=pool.pk, actor=caseworker)


@pytest.fixture
def cw(client, caseworker):
    client.force_login(caseworker)
    return client


def edit_url(application) -> str:
    return reverse("mine:edit", args=[application.pk])


@pytest.fixture
def frb(client, demo):
    client.force_login(User.objects.get(username="frb-sagsbehandler"))
    return client


@pytest.fixture
def final_report(demo):
    """The report the demo's funded 'Kvinder i job' (Center for Integration) owes."""
    return Report.objects.get(
        application__title="Kvinder i job", application__municipality__slug="frederiksberg"
    )


def report_post(report, **changes):
    """The report form as sent, empty apart from `changes` (Kvinder i job got money for 2021)."""
    data = dict.fromkeys(["summary", "anchoring_status", "unspent_amount", "spent_2021"], "")
    for criterion in report.application.success_criteria.all():
        data |= {f"achieved_{criterion.pk}": "", f"comment_{criterion.pk}": ""}
    return data | {"version": str(report.version)} | changes


# --- Saving drafts -----------------------------------------------------------------------


def test_incomplete_draft_is_saved_with_everything_typed(cw, draft, policy):
    goal = policy.goals.get(number=1)
    data = edit_post(
        draft,
        title="Sprogcafé",
        goals=[str(goal.pk)],
        sdgs=["5", "8"],
        new_contacts=[{"name": "Linda Bjerg", "email": "linda@example.dk", "phone": "12345678"}],
        new_criteria=[{"text": "80 % gennemfører", "target_value": "80", "unit": "%"}],
        amount_2026="150.000",
    )
    response = cw.post(edit_url(draft), data, follow=True)

    assert response.redirect_chain[-1][0].startswith(edit_url(draft))
    for shown in ("Kladden er gemt.", "Senest gemt", 'value="150.000"', "Linda Bjerg"):
        assert shown in page_text(response)
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("Sprogcafé", 2)
    assert {r.year: r.amount for r in draft.requested_amounts.all()} == {2026: Decimal("150000")}
    assert list(draft.goals.all()) == [goal]
    assert sorted(s.number for s in draft.sdgs.all()) == [5, 8]
    contacts = draft.contacts.values_list("name", "email", "phone")
    assert list(contacts) == [("Linda Bjerg", "linda@example.dk", "12345678")]
    criteria = draft.success_criteria.values_list("text", "target_value", "unit")
    assert list(criteria) == [("80 % gennemfører", Decimal("80"), "%")]


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("150.000", Decimal("150000")),
        ("150.000,50", Decimal("150000.50")),
        ("150000", Decimal("150000")),
        ("1.234.567 kr.", Decimal("1234567")),
        ("0", Decimal("0")),
    ],
)
def test_amounts_are_read_the_danish_way(cw, draft, typed, saved):
    cw.post(edit_url(draft), edit_post(draft, amount_2027=typed))
    assert RequestedAmount.objects.get(application=draft, year=2027).amount == saved


def test_target_value_with_decimal_comma_is_saved(cw, draft):
    data = edit_post(draft, new_criteria=[{"text": "Halvdelen i job", "target_value": "50,5"}])
    cw.post(edit_url(draft), data)
    assert draft.success_criteria.get().target_value == Decimal("50.5")


def test_contact_and_criterion_are_removed_with_delete(cw, draft):
    cw.post(
        edit_url(draft),
        edit_post(
            draft,
            new_contacts=[{"name": "Linda Bjerg"}, {"name": "Omar Hassan"}],
            new_criteria=[{"text": "Første kriterium"}, {"text": "Andet kriterium"}],
        ),
    )
    assert draft.contacts.count() == 2

    data = edit_post(draft, **{"contacts-0-DELETE": "on", "criteria-1-DELETE": "on"})
    response = cw.post(edit_url(draft), data, follow=True)

    assert "Kladden er gemt." in page_text(response)
    assert [c.name for c in draft.contacts.all()] == ["Omar Hassan"]
    assert [c.text for c in draft.success_criteria.all()] == ["Første kriterium"]


def test_clearing_an_amount_removes_it(cw, draft):
    cw.post(edit_url(draft), edit_post(draft, amount_2026="150.000", amount_2027="75.000"))
    cw.post(edit_url(draft), edit_post(draft, amount_2027=""))
    assert [r.year for r in draft.requested_amounts.all()] == [2026]


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Skriv beløbet i kroner med punktum mellem tusinder"),
        ("-5", "Beløbet kan ikke være negativt."),
        ("150,5,5", "Skriv beløbet i kroner med punktum mellem tusinder"),
    ],
)
def test_bad_amount_is_refused_and_nothing_is_saved(cw, draft, typed, message):
    data = edit_post(
        draft, title="Sprogcafé", description="Min lange beskrivelse", amount_2026=typed
    )
    response = cw.post(edit_url(draft), data)

    assert response.status_code == 400
    for shown in (message, "Kladden er ikke gemt.", "Min lange beskrivelse", escape(typed)):
        assert shown in page_text(response)
    draft.refresh_from_db()
    assert (draft.title, draft.description, draft.version) == ("", "", 1)
    assert not draft.requested_amounts.exists()


def test_invalid_contact_email_is_refused_and_nothing_is_saved(cw, draft):
    data = edit_post(
        draft,
        purpose="Vores forandringsteori",
        new_contacts=[{"name": "Linda Bjerg", "email": "linda@"}],
    )
    response = cw.post(edit_url(draft), data)

    assert response.status_code == 400
    for shown in (
        "Skriv en hel e-mailadresse, fx navn@eksempel.dk.",
        "Vores forandringsteori",
        "Linda Bjerg",
    ):
        assert shown in page_text(response)
    draft.refresh_from_db()
    assert (draft.purpose, draft.version, draft.contacts.count()) == ("", 1, 0)


def test_report_with_bad_amount_is_not_saved(frb, final_report):
    data = report_post(final_report, spent_2021="mange penge", summary="Noget tekst")
    response = frb.post(reverse("mine:report", args=[final_report.pk]), data)
    assert response.status_code == 400
    assert "Rapporten er ikke gemt." in page_text(response)
    assert "Noget tekst" in page_text(response)  # what was typed is still in the form
    final_report.refresh_from_db()
    assert final_report.summary == ""


# --- Edit conflicts ----------------------------------------------------------------------


def test_second_tab_gets_a_conflict_and_can_then_save_on_top(cw, draft):
    first_tab = edit_post(draft, title="Kvinder i job – første fane")
    second_tab = edit_post(draft, description="Beskrivelse fra anden fane")
    assert cw.post(edit_url(draft), first_tab).status_code == 302

    response = cw.post(edit_url(draft), second_tab)

    assert response.status_code == 409
    text = page_text(response)
    assert "Du har gemt i et andet vindue, mens du skrev her" in text  # the same person
    # The colleague's saved title next to the form …
    assert '<dt>Indsats</dt>\n        <dd class="mb-1">Kvinder i job – første fane</dd>' in text
    assert "Beskrivelse fra anden fane</textarea>" in text  # … which keeps this user's text
    draft.refresh_from_db()
    assert (draft.title, draft.description) == ("Kvinder i job – første fane", "")
    assert hidden_version(response) == str(draft.version) == "2"

    again = cw.post(edit_url(draft), {**second_tab, "version": hidden_version(response)})

    assert again.status_code == 302
    draft.refresh_from_db()
    assert (draft.description, draft.version) == ("Beskrivelse fra anden fane", 3)


def test_autosave_with_a_stale_version_reports_a_conflict(cw, draft):
    stale = edit_post(draft, button=None, challenge="Min udfordring")
    cw.post(edit_url(draft), edit_post(draft, title="Gemt af kollega"))

    response = cw.post(reverse("mine:autosave", args=[draft.pk]), stale)

    assert response.status_code == 409
    body = response.json()
    assert (body["conflict"], body["saved"]) == (True, False)
    assert "Indsats" in body["changed"]
    # The same person saved in another tab: not "En anden har gemt" (fresh eyes round 16).
    assert body["message"].startswith("Du har gemt ansøgningen i et andet vindue")
    draft.refresh_from_db()
    assert (draft.title, draft.challenge) == ("Gemt af kollega", "")


def test_conflict_names_success_criteria_added_by_a_colleague(cw, draft):
    # Listed no differences until a fix made during this work (changed_headings).
    first_tab = edit_post(draft, new_criteria=[{"text": "Kollegaens succeskriterium"}])
    second_tab = edit_post(draft, new_contacts=[{"name": "Omar Hassan"}])
    cw.post(edit_url(draft), first_tab)

    response = cw.post(edit_url(draft), second_tab)

    assert response.status_code == 409
    text = page_text(response)
    assert '<dt>Succeskriterier</dt>\n        <dd class="mb-1">Kollegaens succeskriterium' in text
    assert "<dt>Kontakt/tovholder</dt>" in text
    assert 'value="Omar Hassan"' in text  # what this user typed is still in the form


def test_report_conflict_lets_the_user_save_on_top(frb, final_report):
    # Kept the stale version until a fix made during this work (ReportEditView.post).
    report_url = reverse("mine:report", args=[final_report.pk])
    first_tab = report_post(final_report, summary="Fra første fane")
    second_tab = report_post(final_report, summary="Fra anden fane")
    frb.post(report_url, first_tab)

    conflict = frb.post(report_url, second_tab)
    assert conflict.status_code == 409
    assert "Fra anden fane" in page_text(conflict)  # what this tab typed, in the form
    assert '<dd class="mb-1">Fra første fane</dd>' in page_text(conflict)  # the saved one
    again = frb.post(report_url, {**second_tab, "version": hidden_version(conflict)})

    assert again.status_code == 302
    final_report.refresh_from_db()
    assert final_report.summary == "Fra anden fane"


# --- Autosave ----------------------------------------------------------------------------


def test_autosave_saves_and_gives_new_rows_their_ids(cw, draft):
    url = reverse("mine:autosave", args=[draft.pk])
    data = edit_post(
        draft,
        button=None,
        target_group="Nytilkomne kvinder",
        new_contacts=[{"name": "Linda Bjerg"}],
        new_criteria=[{"text": "80 % gennemfører", "target_value": "80"}],
    )

    response = cw.post(url, data)

    assert response.status_code == 200
    body = response.json()
    assert (body["saved"], body["version"]) == (True, 2)
    assert re.fullmatch(r"Gemt automatisk kl\. \d{2}:\d{2}", body["message"])
    contact, criterion = draft.contacts.get(), draft.success_criteria.get()
    assert body["row_ids"] == {"contacts-0": contact.pk, "criteria-0": criterion.pk}
    draft.refresh_from_db()
    assert draft.target_group == "Nytilkomne kvinder"

    # The page puts the ids and the version into the form and saves again as the user types.
    data |= {
        "version": str(body["version"]),
        "contacts-0-id": str(body["row_ids"]["contacts-0"]),
        "criteria-0-id": str(body["row_ids"]["criteria-0"]),
        "contacts-0-name": "Linda Øvig Bjerg",
    }
    second = cw.post(url, data)

    assert (second.json()["saved"], second.json()["version"]) == (True, 3)
    assert [c.name for c in draft.contacts.all()] == ["Linda Øvig Bjerg"]
    assert draft.success_criteria.count() == 1


def test_autosave_with_bad_amount_saves_nothing(cw, draft):
    data = edit_post(draft, button=None, title="Ny titel", amount_2026="abc")
    response = cw.post(reverse("mine:autosave", args=[draft.pk]), data)
    assert response.status_code == 400
    assert response.json()["saved"] is False
    # The page can mark the field at once, and the message names it.
    assert list(response.json()["errors"]) == ["amount_2026"]
    assert "(Beløb 2026)" in response.json()["message"]
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("", 1)


@pytest.mark.django_db
def test_saving_a_returned_application_says_to_send_it_again(cw, draft):
    """Fresh eyes round 9: after a return, saving said "Kladden er gemt."."""
    from grants.models import ApplicationStatus
    from tests.form_pages import main_form_data

    type(draft).objects.filter(pk=draft.pk).update(status=ApplicationStatus.RETURNED)
    data = main_form_data(cw.get(edit_url(draft)).content.decode())
    page = cw.post(edit_url(draft), data, follow=True).content.decode()
    assert "Ændringerne er gemt. Husk at indsende ansøgningen igen." in page
    assert "Kladden er gemt." not in page


def test_a_row_marked_deleted_and_unmarked_after_a_background_save_is_kept(cw, draft):
    """Fresh eyes round 21: "Slet" ticked, the background save deleted the contact and took
    its id from the page; unticked, every save failed with "Dette felt er påkrævet" on the
    hidden id, and what was typed after it was lost. Now the row comes back as a new one."""
    url = reverse("mine:autosave", args=[draft.pk])
    first = cw.post(url, edit_post(draft, button=None, new_contacts=[{"name": "Linda Bjerg"}]))
    contact_id = first.json()["row_ids"]["contacts-0"]
    data = edit_post(draft, button=None) | {"contacts-0-DELETE": "on"}
    marked = cw.post(url, data)
    assert marked.json()["saved"] and "contacts-0" not in marked.json()["row_ids"]
    assert not draft.contacts.exists()

    # The page clears the row's id; the person unticks "Slet" and goes on typing.
    data |= {
        "version": str(marked.json()["version"]),
        "contacts-0-id": "",
        "contacts-0-name": "Linda Bjerg",
        "description": "Skrevet bagefter",
    }
    del data["contacts-0-DELETE"]
    again = cw.post(url, data)

    assert again.status_code == 200 and again.json()["saved"], again.content
    assert [c.name for c in draft.contacts.all()] == ["Linda Bjerg"]
    assert draft.contacts.get().pk != contact_id
    draft.refresh_from_db()
    assert draft.description == "Skrevet bagefter"
    saved = cw.post(edit_url(draft), edit_post(draft))
    assert saved.status_code == 302


@pytest.mark.parametrize(
    ("contact", "said"),
    [
        ({"name": "Eve – log ind på https://mitid.evil.example"}, "uden web- eller e-mail"),
        ({"name": "Eve", "department": "Skriv til support@evil.example"}, "uden web- eller"),
        ({"name": "Eve", "phone": "javascript:alert(1)"}, "Skriv kun telefonnummeret"),
    ],
)
def test_a_contact_person_holds_no_links_and_a_phone_number_is_one(cw, draft, contact, said):
    """Attack round 21: a contact's name with a link stood in the decision letter's address
    block, and the phone field took "javascript:alert(1)"."""
    response = cw.post(edit_url(draft), edit_post(draft, new_contacts=[contact]))
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not draft.contacts.exists()
    ok = cw.post(edit_url(draft), edit_post(draft, new_contacts=[{"phone": "+45 38 21 00 00"}]))
    assert ok.status_code == 302


@pytest.mark.parametrize(
    "typed",
    [
        "Unge, ring 70 12 34 56",
        "Kontakt hans.hansen@example.org",
        "Borgeren med CPR 010190-1234",
        "Ring +45 38210000",
    ],
)
def test_texts_that_are_published_hold_no_personal_data(cw, draft, typed):
    """Attack round 21: a target group with a phone number, an e-mail address and a CPR
    number was published on the project page, in the API and the open data."""
    response = cw.post(edit_url(draft), edit_post(draft, target_group=typed))
    assert response.status_code == 400
    assert "Skriv ikke CPR-numre, e-mailadresser eller telefonnumre her" in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.target_group != typed
    ok = cw.post(edit_url(draft), edit_post(draft, target_group="Unge 18-25 år i 2027 2028"))
    assert ok.status_code == 302


def test_the_committee_is_not_also_one_of_the_other_committees(cw, draft, committee):
    """Fresh eyes round 21: AUU as the committee and among the other committees read
    "AUU, AUU" on the submit page."""
    data = edit_post(draft, committee=str(committee.pk), co_committees=[str(committee.pk)])
    response = cw.post(edit_url(draft), data)
    assert response.status_code == 400
    assert "er allerede valgt som politisk udvalg" in response.content.decode()
    assert cw.post(edit_url(draft), data | {"co_committees": []}).status_code == 302


def test_a_success_criterion_is_published_too_and_holds_no_personal_data(cw, draft):
    """Attack round 21's class: every published text, the criteria included."""
    response = cw.post(
        edit_url(draft), edit_post(draft, new_criteria=[{"text": "Ring Anna på 70 12 34 56"}])
    )
    assert response.status_code == 400
    assert "Skriv ikke CPR-numre, e-mailadresser eller telefonnumre her" in (
        response.content.decode()
    )
    assert not draft.success_criteria.exists()


def test_a_reports_comment_on_a_criterion_holds_no_personal_data(frb, final_report):
    """Shown beside the criterion on the public project page (attack round 21's class)."""
    criterion = final_report.application.success_criteria.first()
    data = report_post(final_report, **{f"comment_{criterion.pk}": "Borger 010190-1234 nåede det"})
    response = frb.post(reverse("mine:report", args=[final_report.pk]), data)
    assert response.status_code == 400
    assert "Skriv ikke CPR-numre" in response.content.decode()
