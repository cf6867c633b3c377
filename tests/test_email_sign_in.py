"""Organisations' people sign in with an e-mail link in development and the demo, and invite
colleagues (issue 16, item 4), from the user's side: the pages, the mail, the link."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from grants.organisations import new_person
from identity.models import SignInEvent
from portal.models import Organisation, Role, User
from tests.page_crawl import visible_text

NEUTRAL = "Hvis adressen kendes, har vi sendt et link til "


@pytest.fixture(autouse=True)
def mail_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    """The test's transaction never commits: run what waits for the commit at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda callback, *a, **k: callback())


@pytest.fixture
def association(municipality):
    return Organisation.objects.create(municipality=municipality, name="Foreningen Fællesskab")


@pytest.fixture
def person(association):
    return new_person(organisation=association, email="anna@example.dk", name="Anna Holm")


def text_of(response) -> str:
    return visible_text(response.content.decode())


def link_in(mail) -> str:
    [link] = re.findall(r"https?://\S+", mail.body)
    return link.replace("http://testserver", "")


def ask_for_link(client, email, **extra):
    return client.post(reverse("email-sign-in"), {"email": email, **extra})


def test_the_login_page_offers_e_mail_sign_in_only_while_local_sign_in_is_on(client, settings, db):
    page = text_of(client.get(reverse("login") + "?next=/mine/puljer/1/ny/"))
    assert "For foreninger" in page and "Log ind med e-mail" in page
    assert 'href="/login/e-mail/?next=/mine/puljer/1/ny/"' in client.get(
        reverse("login") + "?next=/mine/puljer/1/ny/"
    ).content.decode().replace("%2F", "/")
    assert page.index("For sagsbehandlere") < page.index("For foreninger")
    # From a pool's call page as an association: its way in comes first.
    association = text_of(client.get(reverse("login") + "?som=forening&next=/mine/puljer/1/ny/"))
    assert association.index("For foreninger") < association.index("For sagsbehandlere")
    assert association.count("Log ind med e-mail") == 1

    settings.LOCAL_PASSWORD_LOGIN = False  # production: MitID Erhverv instead
    assert "Log ind med e-mail" not in text_of(client.get(reverse("login")))
    assert client.get(reverse("email-sign-in")).status_code == 404
    assert ask_for_link(client, "anna@example.dk").status_code == 404


def test_det_er_ikke_mig_ends_the_link_and_every_one_before_it(client, person, mailoutbox):
    """Fresh eyes round 34: "Det er ikke mig" only went to the front page, and the link it
    was pressed on still signed in. It ends that link and the ones mailed before it, the
    sign-in log says so, and a link asked for afterwards works."""
    from identity.models import SignInEvent, SignInOutcome

    ask_for_link(client, "anna@example.dk")
    ask_for_link(client, "anna@example.dk")
    older, newer = (link_in(mail) for mail in mailoutbox)
    declined = client.post(newer, {"not_me": "1"})
    assert declined.status_code == 302 and declined["Location"] == reverse("home")
    assert "Linket virker ikke længere, og ingen er logget ind med det" in text_of(client.get("/"))
    assert client.get(reverse("mine:dashboard")).status_code == 302  # nobody signed in
    for link in (newer, older):
        assert "Linket virker ikke længere" in text_of(client.get(link))
        assert client.post(link).status_code == 400
    assert SignInEvent.objects.filter(user=person, outcome=SignInOutcome.LINK_DECLINED).count() == 1
    # A link asked for afterwards works.
    mailoutbox.clear()
    ask_for_link(client, "anna@example.dk")
    signed_in = client.post(link_in(mailoutbox[0]))
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("mine:dashboard")


def test_det_er_ikke_mig_on_a_link_already_used_signs_everyone_out(client, person, mailoutbox):
    """Attack round 34: with the link's page open in one tab, "Log ind" pressed in another
    (or with a copy of the mail), "Det er ikke mig" said "ingen er logget ind" while someone
    was. It says the link was used, and every session of the person ends."""
    from identity.models import SignInEvent, SignInOutcome

    ask_for_link(client, "anna@example.dk")
    link = link_in(mailoutbox[0])
    other = Client()
    assert other.post(link).status_code == 302  # signed in elsewhere with the link
    assert other.get(reverse("mine:dashboard")).status_code == 200
    declined = client.post(link, {"not_me": "1"}, follow=True)
    text = text_of(declined)
    assert "Linket var allerede brugt til at logge ind" in text
    assert "ingen er logget ind" not in text
    assert other.get(reverse("mine:dashboard")).status_code == 302  # signed out
    row = SignInEvent.objects.get(user=person, outcome=SignInOutcome.LINK_DECLINED)
    assert row.detail == "linket var brugt: alle logget ud"
    # A link that never worked changes nothing and says nothing of anyone.
    nonsense = client.post(reverse("email-sign-in-link", args=["ikke-et-link"]), {"not_me": "1"})
    assert nonsense.status_code == 302
    assert SignInEvent.objects.filter(outcome=SignInOutcome.LINK_DECLINED).count() == 1


def test_a_person_asks_for_a_link_and_signs_in_with_a_button(client, person, mailoutbox):
    form = client.get(reverse("email-sign-in"))
    assert "Send mig et link" in text_of(form)

    known = ask_for_link(client, "ANNA@example.dk")
    unknown = ask_for_link(client, "ukendt@example.dk")
    assert NEUTRAL in text_of(known)
    # Strangers learn nothing: the pages differ only by the address as typed (shown so a
    # typo is seen, fresh eyes round 12).
    assert "ukendt@example.dk" in text_of(unknown)
    assert re.sub(r"\S+@example\.dk", "X", text_of(known)) == re.sub(
        r"\S+@example\.dk", "X", text_of(unknown)
    )
    [mail] = mailoutbox
    assert mail.to == ["anna@example.dk"] and "Foreningen Fællesskab" in mail.body
    # Until when by the clock (fresh eyes round 34: "i en time" only).
    assert re.search(r"virker kun én gang og til kl\. \d\d[.:]\d\d \(en time\)", mail.body)
    link = link_in(mail)

    # Opening the link (as a mail scanner does) signs nobody in and uses nothing up.
    for _ in range(2):
        landing = client.get(link)
        assert landing.status_code == 200
        assert "Du logger ind som Anna Holm for Foreningen Fællesskab." in text_of(landing)
        # A way out for whoever did not ask for the link (fresh eyes round 33).
        assert (
            'name="not_me" value="1" class="btn btn-link" data-testid="not-me">Det er ikke mig<'
            in (landing.content.decode())
        )
    assert client.get(reverse("mine:dashboard")).status_code == 302  # still signed out
    # Someone else signed in in this browser is told they will be signed out.
    other = Client()
    other.force_login(
        User.objects.create_user(username="anden", role=Role.ADMINISTRATOR, first_name="Ole"),
        backend="portal.backends.ProviderSessionBackend",
    )
    warning = text_of(other.get(link))
    assert "logget ind i denne browser. Trykker du »Log ind«, bliver" in warning
    assert "logget ind i denne browser" not in text_of(client.get(link))

    signed_in = client.post(link)
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("mine:dashboard")
    dashboard = client.get(reverse("mine:dashboard"))
    assert dashboard.status_code == 200 and "Foreningen Fællesskab" in text_of(dashboard)
    # The used link opened again while signed in says so first (fresh eyes round 33).
    again = client.get(link)
    assert "Du er allerede logget ind som Anna Holm." in text_of(again)
    assert f'href="{reverse("mine:dashboard")}"' in again.content.decode()

    # The link is used up: signing in changed what it carries.
    client.logout()
    reopened = client.get(link)  # a forwarded mail, opened later
    assert reopened.status_code == 400 and "Linket virker ikke længere" in text_of(reopened)
    assert "Log ind" not in [
        b.strip() for b in re.findall(r"<button[^>]*>([^<]*)<", reopened.content.decode())
    ]
    used = client.post(link)
    assert used.status_code == 400 and "Linket virker ikke længere" in text_of(used)
    assert client.get(reverse("mine:dashboard")).status_code == 302

    # All are on record for the administrator: who, how, and each refusal of the used link,
    # opened or pressed; opening the fresh link (above) left no trace.
    events = SignInEvent.objects.order_by("at", "pk")
    assert [(e.method, e.user, e.outcome, e.role) for e in events] == [
        ("email_link", person, "signed_in", "organisation"),
        ("email_link", person, "used_link", "organisation"),  # opened again, signed in
        ("email_link", person, "used_link", "organisation"),
        ("email_link", person, "used_link", "organisation"),
    ]


def test_the_link_leads_back_to_where_the_person_was_going(client, person, mailoutbox):
    target = "/mine/"
    ask_for_link(client, "anna@example.dk", next=target)
    ask_for_link(client, "anna@example.dk", next="https://evil.example/")
    first, second = mailoutbox
    assert "?next=%2Fmine%2F" in first.body and "evil" not in second.body
    link = link_in(first)
    response = client.post(link.split("?")[0], {"next": target})
    assert response["Location"] == target


def test_asking_too_often_sends_no_more_mail_and_then_asks_to_wait(client, person, mailoutbox):
    for _ in range(5):
        assert NEUTRAL in text_of(ask_for_link(client, "anna@example.dk"))
    assert len(mailoutbox) == 3  # at most three links to one address an hour
    # One machine asking for many addresses is stopped, well above an office's normal use.
    from grants.views.people import REQUESTS_PER_CLIENT

    for number in range(REQUESTS_PER_CLIENT - 5):
        assert ask_for_link(client, f"someone{number}@example.dk").status_code == 200
    refused = ask_for_link(client, "anna@example.dk")
    assert refused.status_code == 429 and "Vent et kvarter" in text_of(refused)


def test_an_e_mail_session_ends_when_local_sign_in_is_turned_off(
    client, person, mailoutbox, settings
):
    ask_for_link(client, "anna@example.dk")
    client.post(link_in(mailoutbox[0]))
    assert client.get(reverse("mine:dashboard")).status_code == 200
    settings.LOCAL_PASSWORD_LOGIN = False
    assert client.get(reverse("mine:dashboard")).status_code == 302


def test_a_broken_link_asks_for_a_new_one(client, person):
    response = client.get(reverse("email-sign-in-link", args=["nonsense"]))
    assert response.status_code == 400 and "Bed om et nyt link" in text_of(response)


def test_a_person_invites_a_colleague_who_signs_in_by_the_link(
    client, person, caseworker, mailoutbox
):
    client.force_login(person, backend="portal.backends.EmailLinkSessionBackend")
    assert "Din forening" in text_of(client.get(reverse("mine:dashboard")))
    page = text_of(client.get(reverse("mine:organisation")))
    assert "Anna Holm (dig)" in page and "Inviter en kollega" in page

    response = client.post(
        reverse("mine:organisation"), {"name": "Bo Berg", "email": "bo@example.dk"}
    )
    assert response.status_code == 302
    page = text_of(client.get(reverse("mine:organisation")))
    assert "Vi har sendt et link til bo@example.dk" in page
    assert "Bo Berg" in page and "Har ikke logget ind endnu" in page
    assert "Inviteret af Anna Holm" in page  # the invitation is on record with its sender
    assert User.objects.get(email="bo@example.dk").invited_by == person
    again = client.post(reverse("mine:organisation"), {"name": "Bo", "email": "BO@example.dk"})
    assert again.status_code == 400 and "Bo Berg er allerede med i foreningen" in text_of(again)

    [mail] = mailoutbox
    assert mail.to == ["bo@example.dk"]
    client.logout()
    client.post(link_in(mail))
    bo = User.objects.get(email="bo@example.dk")
    assert (bo.role, bo.organisation) == (Role.ORGANISATION, person.organisation)
    assert "Foreningen Fællesskab" in text_of(client.get(reverse("mine:dashboard")))

    # A department's caseworker has no organisation page.
    client.force_login(caseworker)
    assert client.get(reverse("mine:organisation")).status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (SELECT … FOR UPDATE) are only real on PostgreSQL; CI runs this there",
)
def test_two_clicks_on_one_link_at_once_sign_in_once(association, mailoutbox, monkeypatch):
    """The link is used up under the person's row lock: two requests racing with the same
    link (a double click, a forwarded e-mail) cannot both sign in."""
    import threading
    import time

    from django.db import connections

    from grants.services import people
    from grants.services.errors import DomainError

    anna = new_person(organisation=association, email="anna@example.dk", name="Anna Holm")
    token = people.sign_in_token(anna)
    record = people._record_link_sign_in

    def slow_record(*args, **kwargs):
        time.sleep(0.3)  # the first click is still inside its transaction when the others come
        record(*args, **kwargs)

    monkeypatch.setattr(people, "_record_link_sign_in", slow_record)
    outcomes = []

    def click(delay):
        try:
            time.sleep(delay)
            people.do_sign_in_with_link(token=token)
            outcomes.append("signed in")
        except DomainError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(n * 0.05,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 3 + ["signed in"]
    assert SignInEvent.objects.filter(user=anna, outcome="signed_in").count() == 1


def test_an_invitation_says_who_invites_and_lasts_a_week(client, person, mailoutbox, monkeypatch):
    """Fresh eyes round 9: the invitation read like a sign-in the colleague had asked for
    ("Har du ikke bedt om det…"), named nobody and expired within the hour."""
    from grants.services import people

    client.force_login(person, backend="portal.backends.EmailLinkSessionBackend")
    client.post(reverse("mine:organisation"), {"name": "Bo Berg", "email": "bo@example.dk"})
    [mail] = mailoutbox
    assert (
        mail.subject == "Anna Holm inviterer dig til Foreningen Fællesskab på Integrationsportalen"
    )
    assert "Anna Holm har givet dig adgang" in mail.body and "7 dage" in mail.body
    assert "bedt om det" not in mail.body
    client.logout()
    # An hour has long passed for sign-in links; the invitation still works.
    monkeypatch.setattr(people, "LINK_VALID_SECONDS", -1)
    assert client.post(link_in(mail)).status_code == 302
    assert text_of(client.get(reverse("mine:dashboard"))).count("Foreningen Fællesskab")


def test_a_person_removes_a_colleague_who_left(client, person, association, mailoutbox):
    bo = new_person(organisation=association, email="bo@example.dk", name="Bo Berg")
    bo_browser = Client()
    bo_browser.force_login(bo, backend="portal.backends.EmailLinkSessionBackend")
    assert bo_browser.get(reverse("mine:dashboard")).status_code == 200

    client.force_login(person, backend="portal.backends.EmailLinkSessionBackend")
    page = text_of(client.get(reverse("mine:organisation")))
    assert "Fjern Bo Berg" in page and "Fjern Anna Holm" not in page  # not oneself
    # The button on the page asks first; what it asks is a form that removes.
    confirm = client.get(reverse("mine:remove-colleague", args=[bo.pk]))
    assert "Fjern Bo Berg?" in text_of(confirm) and "Nej, behold" in text_of(confirm)
    assert User.objects.get(pk=bo.pk).is_active  # asking changed nothing
    html = confirm.content.decode()
    form = re.search(r'<form method="post"([^>]*)>(?:(?!</form>).)*Ja, fjern Bo Berg', html, re.S)
    assert form and "action" not in form.group(1)  # posts back to the same address
    response = client.post(reverse("mine:remove-colleague", args=[bo.pk]), follow=True)
    assert "Bo Berg kan ikke længere logge ind for foreningen." in text_of(response)
    assert "bo@example.dk" not in text_of(client.get(reverse("mine:organisation")))

    bo.refresh_from_db()
    assert (bo.is_active, bo.removed_by) == (False, person) and bo.removed_at
    assert bo_browser.get(reverse("mine:dashboard")).status_code == 302  # session ended
    ask_for_link(Client(), "bo@example.dk")
    assert mailoutbox == []  # and no new link

    # Oneself, someone of another organisation: refused, nothing changes.
    refused = client.post(reverse("mine:remove-colleague", args=[person.pk]), follow=True)
    assert "Du kan ikke fjerne dig selv" in text_of(refused)
    other = Organisation.objects.create(municipality=association.municipality, name="Andre")
    stranger = new_person(organisation=other, email="x@example.dk", name="Xenia Ø")
    client.post(reverse("mine:remove-colleague", args=[stranger.pk]))
    assert User.objects.get(pk=stranger.pk).is_active
    assert client.get(reverse("mine:remove-colleague", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("mine:remove-colleague", args=[person.pk])).status_code == 404

    # Invited again, Bo is back, and the invitation of another organisation's address
    # says nothing about it.
    client.post(reverse("mine:organisation"), {"name": "Bo Berg", "email": "bo@example.dk"})
    bo.refresh_from_db()
    assert bo.is_active and bo.invited_by == person and bo.removed_by is None
    other_address = client.post(
        reverse("mine:organisation"), {"name": "X", "email": "x@example.dk"}
    )
    assert other_address.status_code == 400
    assert "kan ikke inviteres her" in text_of(other_address)
    assert "Andre" not in text_of(other_address)
    # Nor a municipal account's address, whatever its case (attack round 10).
    User.objects.create_user(
        username="sekr", email="Sekretariat@Kommune.dk", role=Role.ADMINISTRATOR, password="x"
    )
    staff_address = client.post(
        reverse("mine:organisation"), {"name": "S", "email": "sekretariat@kommune.DK"}
    )
    assert "kan ikke inviteres her" in text_of(staff_address)
    assert User.objects.filter(email__iexact="sekretariat@kommune.dk").count() == 1


def test_an_association_person_finds_the_way_back_and_no_staff_security_page(client, person):
    """Fresh eyes round 9: no link led back to "Mine ansøgninger", and the account menu's
    only entry was the staff's password-and-second-factor page."""
    client.force_login(person, backend="portal.backends.EmailLinkSessionBackend")
    page = client.get(reverse("public:pools")).content.decode()
    assert f'href="{reverse("mine:dashboard")}">Mine ansøgninger' in page
    assert f'href="{reverse("mine:organisation")}">Din forening' in page
    assert reverse("two-factor-setup") not in page
    setup = client.get(reverse("two-factor-setup"))
    assert setup.status_code == 302 and setup["Location"] == reverse("mine:organisation")
    # With a word of why (fresh eyes round 34: a silent jump).
    landed = client.get(setup["Location"]).content.decode()
    assert "ingen adgangskode eller totrinslogin at indstille" in landed


def test_an_invitation_cannot_carry_a_message_in_the_name(client, person, mailoutbox):
    """Attack round 8: the name field put the attacker's words and link into a mail sent in
    the portal's name ("Hej Din konto lukkes – gå til http://evil.example/login")."""
    client.force_login(person, backend="portal.backends.EmailLinkSessionBackend")
    for name in (
        "Din konto lukkes – gå til http://evil.example/login",
        "Ring til os på support@evil.example",
        "Se www.evil.dk",
        "x" * 101,
    ):
        refused = client.post(reverse("mine:organisation"), {"name": name, "email": "b@x.dk"})
        assert refused.status_code == 400, name
        assert 'value="b@x.dk"' in refused.content.decode()  # what was typed stays
    assert mailoutbox == [] and not User.objects.filter(email="b@x.dk").exists()
    accepted = client.post(
        reverse("mine:organisation"), {"name": "Anne-Marie Ø. Hansen", "email": "b@x.dk"}
    )
    assert accepted.status_code == 302


def test_the_admin_never_shows_a_working_sign_in_link(client, person, mailoutbox, settings):
    """Attack round 11: the admin's "Udgående e-mails" showed each sign-in and invitation
    mail with its link, so an administrator could sign in as any association's person."""
    from worker.models import OutgoingMail

    ask_for_link(client, "anna@example.dk")
    mail = OutgoingMail.objects.latest("created_at")
    token = re.search(r"/login/e-mail/([^/\s]+)/", mail.body).group(1)
    admin_client = Client()
    admin_client.force_login(
        User.objects.create_superuser(
            username="root", password="x", email="r@example.dk", role=Role.ADMINISTRATOR
        ),
        backend="portal.backends.ProviderSessionBackend",
    )
    page = admin_client.get(f"/admin/worker/outgoingmail/{mail.pk}/change/").content.decode()
    assert "/login/e-mail/[skjult]/" in page and token not in page


def test_an_invitation_cannot_carry_a_phone_number_or_be_sent_in_bulk(
    client, person, mailoutbox, django_capture_on_commit_callbacks
):
    """Attack round 14: "Ring 70 20 30 40 straks" as the colleague's name went out in a mail
    in the municipality's name to any address; and nothing limited how many."""
    from django.core.cache import cache

    from grants.forms.people import InviteColleagueForm
    from grants.services.people import INVITATIONS_PER_HOUR

    cache.clear()
    client.force_login(person, backend="portal.backends.EmailLinkSessionBackend")
    url = reverse("mine:organisation")
    refused = client.post(url, {"name": "Ring 70 20 30 40 straks", "email": "x@example.dk"})
    assert refused.status_code == 400
    assert "uden adresser, links eller telefonnumre" in text_of(refused)
    # Attack round 15: a domain with an ideographic full stop, other signs of a link.
    # Attack round 21: a sentence, or an office as the sender of the portal's mails.
    for name in (
        "Vind ti tusind kroner gå til evil。example",
        "Bo <b>",
        "Bo_Berg",
        "Bo: se x",
        "Karin. Din konto lukkes i dag medmindre du svarer",
        "Københavns Kommune",
        "Integrationsportalen Support",
    ):
        refused = client.post(url, {"name": name, "email": "x@example.dk"})
        assert refused.status_code == 400, name
    for name in ("Anne-Mette O'Neil", "J. Ørum Åberg", "Zeynep Yılmaz", "محمد علي", "Dr. Bo Berg"):
        form = InviteColleagueForm({"name": name, "email": "x@example.dk"})
        assert form.is_valid(), (name, form.errors)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(INVITATIONS_PER_HOUR):
            assert (
                client.post(url, {"name": "Bo Berg", "email": f"bo{n}@example.dk"}).status_code
                == 302
            )
        over = client.post(url, {"name": "Bo Berg", "email": "bo-mere@example.dk"})
    assert "Du har inviteret mange kolleger den seneste time" in text_of(over)
    assert len(mailoutbox) == INVITATIONS_PER_HOUR
    assert not User.objects.filter(email="bo-mere@example.dk").exists()
    cache.clear()


def test_probing_addresses_by_invitation_counts_against_the_hourly_invitations(
    client, person, mailoutbox, municipality
):
    """Attack round 31: the refusal of a municipal account's address tells that it has an
    account (docs/security.md, known limits); each try, refused or not, is one of the
    member's invitations, so the probing stops after a few (INVITATIONS_PER_HOUR)."""
    from django.core.cache import cache

    from grants.services.people import INVITATIONS_PER_HOUR

    cache.clear()
    User.objects.create_user(
        username="sekr",
        email="sekr@kommune.dk",
        role=Role.COMMITTEE_STAFF,
        municipality=municipality,
    )
    client.force_login(person, backend="portal.backends.EmailLinkSessionBackend")
    url = reverse("mine:organisation")
    for _ in range(INVITATIONS_PER_HOUR):
        refused = client.post(url, {"name": "Bo Berg", "email": "SEKR@kommune.dk"})
        assert "Den e-mailadresse kan ikke inviteres her" in text_of(refused)
    over = client.post(url, {"name": "Bo Berg", "email": "sekr@kommune.dk"})
    assert "Du har inviteret mange kolleger den seneste time" in text_of(over)
    assert "kan ikke inviteres her" not in text_of(over)
    assert not mailoutbox
    cache.clear()


def test_a_mail_link_to_an_association_puts_its_way_in_first_when_signed_out(
    client, person, make_pool, staff_user, django_capture_on_commit_callbacks
):
    """Fresh eyes round 20: a volunteer following the portal's mail, signed out, came to a
    sign-in page with the municipal staff's way in first (below the fold on a phone)."""
    from grants.models import Application, ApplicationStatus
    from grants.services.messages import do_send_message

    User.objects.filter(pk=person.pk).update(last_login="2026-01-01T10:00Z")
    pool = make_pool(year=2026)
    application = Application.objects.create(
        municipality=pool.municipality,
        pool=pool,
        organisation=person.organisation,
        title="Lektiecafé",
        status=ApplicationStatus.SUBMITTED,
        created_by=person,
    )
    with django_capture_on_commit_callbacks(execute=True):
        do_send_message(
            application_id=application.pk, actor=staff_user, text="Tak for ansøgningen."
        )
    from worker.models import OutgoingMail

    [mail] = OutgoingMail.objects.filter(kind="case_message")
    [link] = re.findall(r"\S*/mine/\S+", mail.body)
    assert link.endswith("?som=forening")
    login = client.get(link, follow=True)
    page = text_of(login)
    assert page.index("For foreninger") < page.index("For sagsbehandlere")


def test_a_wrong_password_points_an_associations_people_to_their_way_in(client, db):
    """Attack round 16: after wrong passwords (and on the lockout page) only the
    municipality's login was pointed to."""
    response = client.post(reverse("login"), {"username": "anna", "password": "forkert"})
    assert "Er du med i en forening, kan du også logge ind med et link på e-mail" in text_of(
        response
    )


def test_the_link_names_no_address_and_no_time(person):
    """Attack round 22: a signed link is readable base64, and it held the address and the
    time of the last sign-in."""
    import base64
    import json

    from grants.services.people import sign_in_token, user_from_token

    token = sign_in_token(person)
    payload = token.split(":", 1)[0]
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(data) == {"user", "state"}
    assert person.email.split("@")[0] not in token
    assert user_from_token(token) == person
