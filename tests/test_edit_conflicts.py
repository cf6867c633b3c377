"""Two people edit the same thing: the second keeps what they typed and sees the first's.

For every optimistic-lock form: A and B open the form; A saves; B saves with other text →
409, B's text is still in the form, A's saved text is shown next to it ("Gemt af …"), and
B's next save goes through on top of A's."""

import pytest
from django.test import Client
from django.urls import resolve, reverse

from grants.models import Pool
from indicators.models import Indicator, Measurement
from policies.models import ActionPlan
from portal.models import User
from tests.form_pages import parse_forms

pytestmark = pytest.mark.django_db


def staff_tab(colleague: bool = False) -> Client:
    """A browser tab of Frederiksberg's secretariat; `colleague`: another person's."""
    user = User.objects.get(username="frb-sekretariat")
    if colleague:
        user, _ = User.objects.get_or_create(
            username="frb-sekretariat-2",
            defaults={
                "first_name": "Anden",
                "last_name": "Kollega",
                "role": user.role,
                "municipality": user.municipality,
            },
        )
    client = Client()
    client.force_login(user)
    return client


def form_data(response, action_name: str, **typed) -> dict:
    """The form on the page posting to `action_name`, as rendered, with `typed` filled in."""
    page = response.wsgi_request.path
    for form in parse_forms(response.content.decode()):
        if resolve((form.action or page).split("?")[0]).view_name == action_name:
            data = {k: v if len(v) > 1 else v[0] for k, v in form.data().items()}
            return data | typed
    raise AssertionError(f"no form posting to {action_name}")


def assert_conflict_shows_both(response, saved_text: str, typed_text: str):
    html = response.content.decode()
    assert response.status_code == 409
    assert "En anden har gemt, mens du skrev" in html
    assert "Gemt af Demo Sekretariat" in html or "Gemt af en kollega" in html
    assert f'<dd class="mb-1">{saved_text}</dd>' in html  # the other person's version
    assert typed_text in html.split('id="conflict"', 1)[1]  # this user's, in the form below


def two_tabs_conflict(url, action, field, first, second, stored):
    """A and B open `url`; A saves `first`, B saves `second`; B then saves again."""
    a, b = staff_tab(), staff_tab(colleague=True)
    data_a = form_data(a.get(url), action, **{field: first})
    data_b = form_data(b.get(url), action, **{field: second})
    assert a.post(url, data_a).status_code == 302
    assert stored() == first

    conflict = b.post(url, data_b)

    assert_conflict_shows_both(conflict, first, second)
    assert stored() == first  # nothing of B's is saved yet
    again = b.post(url, form_data(conflict, action))
    assert again.status_code == 302
    assert stored() == second
    return conflict


def test_action_plan_introduction(demo):
    plan = ActionPlan.objects.filter(policy__municipality__slug="frederiksberg").first()
    conflict = two_tabs_conflict(
        reverse("dokumenter:action-plan", args=[plan.pk]),
        "dokumenter:action-plan",
        "introduction",
        "Indledning skrevet af A",
        "Indledning skrevet af B",
        lambda: ActionPlan.objects.get(pk=plan.pk).introduction,
    )
    assert '<details class="d-print-none" open>' in conflict.content.decode()


def test_action_plan_edit(demo):
    """Fresh eyes round 22: the plan's own edit page said someone else had saved, but not
    what they saved."""
    plan = ActionPlan.objects.filter(policy__municipality__slug="frederiksberg").first()
    two_tabs_conflict(
        reverse("dokumenter:action-plan-edit", args=[plan.pk]),
        "dokumenter:action-plan-edit",
        "title",
        "Handleplan med titel fra A",
        "Handleplan med titel fra B",
        lambda: ActionPlan.objects.get(pk=plan.pk).title,
    )


def test_pool_edit(demo):
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    two_tabs_conflict(
        reverse("sekretariat:pool-edit", args=[pool.pk]),
        "sekretariat:pool-edit",
        "description",
        "Beskrivelse fra A",
        "Beskrivelse fra B",
        lambda: Pool.objects.get(pk=pool.pk).description,
    )


def test_indicator_edit(demo):
    indicator = Indicator.objects.filter(municipality__slug="frederiksberg").first()
    two_tabs_conflict(
        reverse("indikatorer:edit", args=[indicator.pk]),
        "indikatorer:edit",
        "source",
        "Kilde fra A",
        "Kilde fra B",
        lambda: Indicator.objects.get(pk=indicator.pk).source,
    )


def test_add_measurement_for_a_year_a_colleague_just_added(demo):
    indicator = Indicator.objects.filter(municipality__slug="frederiksberg").first()
    url = reverse("indikatorer:edit", args=[indicator.pk])
    action = "indikatorer:measurement-add"
    add = reverse(action, args=[indicator.pk])
    a, b = staff_tab(), staff_tab(colleague=True)
    typed = {"year": "1995", "period": "", "source": "DST"}
    data_a = form_data(a.get(url), action, **typed, value="12,5", note="Fra A")
    data_b = form_data(b.get(url), action, **typed, value="13", note="Fra B")
    assert a.post(add, data_a).status_code == 302

    conflict = b.post(add, data_b)

    assert_conflict_shows_both(conflict, "12,5", 'value="13"')
    html = conflict.content.decode()
    assert "Fra B</textarea>" in html or 'value="Fra B"' in html
    assert Measurement.objects.get(indicator=indicator, year=1995).value == 12.5


def test_a_year_already_listed_is_no_conflict_but_a_plain_refusal(demo):
    """Fresh eyes round 21: adding a measurement for a year the table already showed said
    "En anden har gemt, mens du skrev" with a colleague's box, and "for 2020 ;"."""
    indicator = Indicator.objects.filter(municipality__slug="frederiksberg").first()
    listed = Measurement.objects.create(indicator=indicator, year=1996, period="", value=10)
    url = reverse("indikatorer:edit", args=[indicator.pk])
    action = "indikatorer:measurement-add"
    client = staff_tab()
    data = form_data(client.get(url), action, year="1996", period="", value="11", note="Min")

    response = client.post(reverse(action, args=[indicator.pk]), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "En anden har gemt" not in html and 'id="conflict"' not in html
    assert "Der er allerede en måling for 1996. Slet den i tabellen først." in html
    assert 'value="11"' in html and "Min" in html
    listed.refresh_from_db()
    assert listed.value == 10


def test_refused_measurement_keeps_what_was_typed(demo):
    indicator = Indicator.objects.filter(municipality__slug="frederiksberg").first()
    url = reverse("indikatorer:edit", args=[indicator.pk])
    action = "indikatorer:measurement-add"
    client = staff_tab()
    data = form_data(client.get(url), action, year="2031", value="tolv", note="Min note")

    response = client.post(reverse(action, args=[indicator.pk]), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="tolv"' in html
    assert "Min note" in html
    assert not Measurement.objects.filter(indicator=indicator, year=2031).exists()


def caseworker_tab() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="frb-sagsbehandler"))
    return client


def test_saving_after_a_conflict_keeps_the_colleagues_other_changes(demo):
    """A changes the budget and the description; B, from the same starting point, changes only
    the description. B's form comes back with A's budget in it, so B's second save keeps A's
    budget and only B's description wins (it used to put the old budget back silently)."""
    from decimal import Decimal

    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    url, action = reverse("sekretariat:pool-edit", args=[pool.pk]), "sekretariat:pool-edit"
    a, b = staff_tab(), staff_tab(colleague=True)
    data_a = form_data(a.get(url), action, budget="950.000", description="Skrevet af A")
    data_b = form_data(b.get(url), action, description="Skrevet af B")
    assert a.post(url, data_a).status_code == 302

    conflict = b.post(url, data_b)

    assert conflict.status_code == 409
    shown_again = form_data(conflict, action)
    assert shown_again["budget"] == "950.000"  # A's budget, taken into B's form
    assert shown_again["description"] == "Skrevet af B"  # B's own text kept
    assert "950.000" in conflict.content.decode().split('id="conflict"', 1)[1]
    assert b.post(url, shown_again).status_code == 302
    pool.refresh_from_db()
    assert (pool.budget, pool.description) == (Decimal("950000"), "Skrevet af B")


def test_a_draft_conflict_keeps_the_colleagues_other_headings(demo):
    from grants.services.drafts import do_create_draft

    caseworker = User.objects.get(username="frb-sagsbehandler")
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    draft = do_create_draft(pool_id=pool.pk, actor=caseworker)
    url, action = reverse("mine:edit", args=[draft.pk]), "mine:edit"
    a, b = caseworker_tab(), caseworker_tab()
    data_a = form_data(a.get(url), action, target_group="Målgruppe af A", save="")
    data_b = form_data(b.get(url), action, challenge="Udfordring af B", save="")
    assert a.post(url, data_a).status_code == 302

    conflict = b.post(url, data_b)

    assert conflict.status_code == 409
    shown_again = form_data(conflict, action, save="")
    assert shown_again["target_group"] == "Målgruppe af A"
    assert shown_again["challenge"] == "Udfordring af B"
    assert b.post(url, shown_again).status_code == 302
    draft.refresh_from_db()
    assert (draft.target_group, draft.challenge) == ("Målgruppe af A", "Udfordring af B")


def test_only_earlier_years_grants_can_be_continued(demo):
    """'Viderefører tidligere ansøgning(er)' offered grants of the same year (fresh eyes)."""
    import re

    from grants.models import Application, ApplicationStatus
    from grants.services.drafts import do_create_draft

    caseworker = User.objects.get(username="frb-sagsbehandler")
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    same_year = Application.objects.filter(
        municipality=pool.municipality, status=ApplicationStatus.ACTIVE
    ).first()
    Application.objects.filter(pk=same_year.pk).update(pool=pool)
    draft = do_create_draft(pool_id=pool.pk, actor=caseworker)
    html = caseworker_tab().get(reverse("mine:edit", args=[draft.pk])).content.decode()
    labels = dict(re.findall(r'<label for="(id_continues_\d+)"[^>]*>\s*([^<]*?)\s*</label>', html))
    boxes = re.findall(r'name="continues" value="(\d+)"\s+id="(id_continues_\d+)"', html)
    offered = [(pk, re.search(r"\((\d{4})\)", labels[box]).group(1)) for pk, box in boxes]
    assert offered, "earlier grants are offered"
    assert all(int(year) < pool.year for _, year in offered)
    assert str(same_year.pk) not in {pk for pk, _ in offered}


def test_the_same_person_in_two_tabs_is_told_it_was_their_own_other_window(demo):
    """Fresh eyes round 10: saving one's own draft in two tabs said "En anden har gemt"."""
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    url, action = reverse("sekretariat:pool-edit", args=[pool.pk]), "sekretariat:pool-edit"
    a, b = staff_tab(), staff_tab()
    data_a = form_data(a.get(url), action, description="Fane 1")
    data_b = form_data(b.get(url), action, description="Fane 2")
    assert a.post(url, data_a).status_code == 302
    html = b.post(url, data_b).content.decode()
    assert "Du har gemt i et andet vindue, mens du skrev her" in html
    assert "En anden har gemt" not in html


def test_a_colleagues_saved_date_is_shown_the_danish_way(demo):
    """Fresh eyes round 16: the conflict box showed the saved deadline as "2027-11-15T12:00"."""
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    url = reverse("sekretariat:pool-edit", args=[pool.pk])
    action = "sekretariat:pool-edit"
    # A date the demo's deadline (days from today) is not: else A changes nothing there.
    day = (
        "2027-02-03"
        if pool.application_deadline.date().isoformat() != "2027-02-03"
        else "2027-02-10"
    )
    a, b = staff_tab(), staff_tab(colleague=True)
    data_a = form_data(a.get(url), action, application_deadline=f"{day}T12:00")
    data_b = form_data(b.get(url), action, description="Fra B")
    assert a.post(url, data_a).status_code == 302
    html = b.post(url, data_b).content.decode()
    assert f"{int(day[8:])}. februar 2027 kl. 12:00" in html
    assert f"{day}T12:00</" not in html


@pytest.mark.parametrize(
    "title",
    [
        "Log ind på https://evil.example/login",
        "Vigtigt: gå til www.evil.dk",
        "Skriv til kontakt@evil.dk",
        "Bekræft på evil。example",
    ],
)
def test_an_application_title_holds_no_web_address(demo, title):
    """Attack round 21: a title is put into the subject of the portal's mails to staff and
    the association's colleagues; a link there reads as the municipality's own. Refused with
    a plain error, and what was typed stays in the form."""
    from grants.services.drafts import do_create_draft

    caseworker = User.objects.get(username="frb-sagsbehandler")
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    draft = do_create_draft(pool_id=pool.pk, actor=caseworker)
    url = reverse("mine:edit", args=[draft.pk])
    tab = caseworker_tab()
    data = form_data(tab.get(url), "mine:edit", title=title, challenge="Min tekst", save="")

    response = tab.post(url, data)

    assert response.status_code == 400
    assert "Skriv navnet uden web- eller e-mailadresser." in response.content.decode()
    assert form_data(response, "mine:edit")["challenge"] == "Min tekst"
    draft.refresh_from_db()
    assert draft.title != title and draft.challenge != "Min tekst"


def test_an_at_sign_between_words_is_no_address():
    """Fresh eyes round 33: a volunteer's "Sprogcafé @ Nørrebro" was refused as an address."""
    from portal.forms import has_web_address

    assert not has_web_address("Sprogcafé @ Nørrebro")
    assert has_web_address("Skriv til kontakt@evil")
    assert has_web_address("Bekræft på evil。example")


@pytest.mark.parametrize("prefix", ["contacts", "criteria"])
def test_a_draft_post_that_leaves_out_its_rows_is_refused(demo, prefix):
    """Attack round 21: a negative row count deleted the draft's contact persons and
    success criteria without a word. Refused; nothing changes; the page as rendered saves."""
    from grants.models import ContactPerson, SuccessCriterion
    from grants.services.drafts import do_create_draft

    caseworker = User.objects.get(username="frb-sagsbehandler")
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    draft = do_create_draft(pool_id=pool.pk, actor=caseworker)
    ContactPerson.objects.create(application=draft, name="Karin Jensen", order=1)
    SuccessCriterion.objects.create(application=draft, text="20 deltagere", order=1)
    url = reverse("mine:edit", args=[draft.pk])
    tab = caseworker_tab()
    rendered = form_data(tab.get(url), "mine:edit", save="")

    response = tab.post(url, rendered | {f"{prefix}-TOTAL_FORMS": "-1"})

    assert response.status_code == 400
    assert "Formularen blev ikke sendt hel" in response.content.decode()
    assert draft.contacts.count() == 1 and draft.success_criteria.count() == 1
    assert tab.post(url, rendered).status_code == 302
    assert draft.contacts.count() == 1 and draft.success_criteria.count() == 1


def _reserved(pool) -> list[tuple[str, int]]:
    return sorted((line.title, int(line.amount)) for line in pool.reserved_lines.all())


def test_reserved_lines_a_colleague_added_or_deleted_meet_a_conflict_that_saves_again(demo):
    """Fresh eyes round 21: after a colleague added a reserved line, the conflict page said
    "Formularen blev ikke sendt hel" at every save; after one deleted a line, "Marker en
    gyldig valgmulighed" with nothing marked. Now the colleague's lines are in the form, a
    line they deleted stays deleted unless this user changed it, and saving again works."""
    from grants.models import ReservedLine

    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    ReservedLine.objects.filter(pool=pool).delete()
    keep = ReservedLine.objects.create(pool=pool, title="Konference", amount=20000)
    drop = ReservedLine.objects.create(pool=pool, title="Evaluering", amount=10000)
    url, action = reverse("sekretariat:pool-edit", args=[pool.pk]), "sekretariat:pool-edit"
    a, b = staff_tab(), staff_tab(colleague=True)
    page_b = form_data(b.get(url), action)
    data_a = form_data(a.get(url), action)
    # A adds a line and deletes "Evaluering".
    index = next(i for i in range(5) if data_a.get(f"reserved-{i}-id") == str(drop.pk))
    data_a[f"reserved-{index}-DELETE"] = "on"
    blank = int(data_a["reserved-TOTAL_FORMS"]) - 1
    data_a |= {f"reserved-{blank}-title": "Temadag", f"reserved-{blank}-amount": "5.000"}
    assert a.post(url, data_a).status_code == 302
    assert _reserved(pool) == [("Konference", 20000), ("Temadag", 5000)]

    # B, on the older page, changes "Konference" and the description.
    index = next(i for i in range(5) if page_b.get(f"reserved-{i}-id") == str(keep.pk))
    page_b |= {f"reserved-{index}-amount": "25.000", "description": "Fra B"}
    conflict = b.post(url, page_b)

    assert conflict.status_code == 409
    assert "Formularen blev ikke sendt hel" not in conflict.content.decode()
    again = form_data(conflict, action)
    assert b.post(url, again).status_code == 302
    assert _reserved(pool) == [("Konference", 25000), ("Temadag", 5000)]
    assert Pool.objects.get(pk=pool.pk).description == "Fra B"


def test_a_contact_a_colleague_added_stays_through_a_draft_conflict(demo):
    from grants.models import ContactPerson
    from grants.services.drafts import do_create_draft

    caseworker = User.objects.get(username="frb-sagsbehandler")
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    draft = do_create_draft(pool_id=pool.pk, actor=caseworker)
    url, action = reverse("mine:edit", args=[draft.pk]), "mine:edit"
    a, b = caseworker_tab(), caseworker_tab()
    data_a = form_data(a.get(url), action, save="", **{"contacts-0-name": "Karin Jensen"})
    data_b = form_data(b.get(url), action, save="", challenge="Udfordring af B")
    assert a.post(url, data_a).status_code == 302

    conflict = b.post(url, data_b)

    assert conflict.status_code == 409
    again = form_data(conflict, action, save="")
    assert b.post(url, again).status_code == 302
    names = list(ContactPerson.objects.filter(application=draft).values_list("name", flat=True))
    assert names == ["Karin Jensen"]
    draft.refresh_from_db()
    assert draft.challenge == "Udfordring af B"
