"""Organisations apply: an association's person works on their own organisation's
applications only, in pools open to organisations; MitID Erhverv's CVR claim ties a person
to their organisation."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grants.access import staff_applications
from grants.models import Application, ApplicationStatus, Pool
from grants.organisations import new_person, person_of_organisation
from identity.models import ExternalIdentity
from portal.models import Municipality, Organisation, Role, User
from portal.organisations import cvr_is_valid
from tests.identity_support import mitid_erhverv
from tests.test_caseworker_pages import complete_post, start_post

VALID_CVR, OTHER_VALID_CVR = "10000009", "10000017"  # pass modulus 11; made up for tests


@pytest.fixture
def association(municipality):
    return Organisation.objects.create(
        municipality=municipality, name="Foreningen Fællesskab", cvr=VALID_CVR
    )


@pytest.fixture
def person(association):
    return new_person(organisation=association, email="anna@example.dk", name="Anna Holm")


@pytest.fixture
def section_18_pool(make_pool):
    pool = make_pool(year=2026)
    Pool.objects.filter(pk=pool.pk).update(applicants="organisations", max_grant_years=3)
    pool.refresh_from_db()
    return pool


def org_application(pool, organisation, status=ApplicationStatus.DRAFT) -> Application:
    return Application.objects.create(
        municipality=pool.municipality,
        pool=pool,
        organisation=organisation,
        title=f"Ansøgning fra {organisation}",
        status=status,
    )


def test_a_cvr_number_is_eight_digits_passing_the_modulus_11_check(municipality):
    assert cvr_is_valid(VALID_CVR)
    for wrong in ("10000008", "1234567", "123456789", "0000000O", "01000009"):
        assert not cvr_is_valid(wrong), wrong
    organisation = Organisation(municipality=municipality, name="Forkert", cvr="10000008")
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "ikke et gyldigt CVR-nummer" in str(error.value)


def test_a_person_applies_for_the_organisation_and_submits(
    client, person, section_18_pool, committee
):
    client.force_login(person)
    dashboard = client.get(reverse("mine:dashboard")).content.decode()
    start = reverse("mine:start", args=[section_18_pool.pk])
    assert start in dashboard

    page = client.get(start)
    client.post(start, start_post(page) | {"title": "Lektiecafé", "amount_2026": "75.000"})
    application = Application.objects.get(created_by=person)
    assert (application.organisation, application.department) == (person.organisation, None)
    client.post(reverse("mine:edit", args=[application.pk]), complete_post(application))
    response = client.post(reverse("mine:submit", args=[application.pk]))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED, response.content.decode()[:3000]


def test_the_pdf_copy_reads_in_the_words_of_the_form_the_applicant_filled_in(
    client, person, section_18_pool, make_application
):
    """Fresh eyes round 10: an association's PDF copy said "Formål/forandringsteori",
    "forankringsperspektivet" and "integrationspuljen" in a § 18 pool."""
    import io

    from pypdf import PdfReader

    from grants.documents.pdf import application_pdf

    def text(application) -> str:
        reader = PdfReader(io.BytesIO(application_pdf(application)))
        return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)

    association_copy = text(org_application(section_18_pool, person.organisation))
    for heading in ("Hvad vil I opnå?", "Når pengene er brugt", "Har I fået penge fra puljen"):
        assert heading in association_copy
    for word in ("forandringsteori", "forankringsperspektiv", "integrationspuljen"):
        assert word not in association_copy
    department_copy = text(make_application(target_pool=section_18_pool))
    assert "Formål/forandringsteori" in department_copy


def test_an_organisation_sees_only_its_own_applications(
    client, person, section_18_pool, make_application, caseworker, municipality
):
    own = org_application(section_18_pool, person.organisation)
    other_org = Organisation.objects.create(municipality=municipality, name="Anden forening")
    theirs = org_application(section_18_pool, other_org)
    departments = make_application()

    client.force_login(person)
    assert client.get(reverse("mine:detail", args=[own.pk])).status_code == 200
    for hidden in (theirs, departments):
        assert client.get(reverse("mine:detail", args=[hidden.pk])).status_code == 404
    # … and a department's caseworker never sees the organisation's application.
    client.force_login(caseworker)
    assert client.get(reverse("mine:detail", args=[own.pk])).status_code == 404


def test_a_pool_only_for_departments_takes_no_organisation(client, person, pool):
    client.force_login(person)
    response = client.get(reverse("mine:start", args=[pool.pk]))
    assert response.status_code == 302 and response.url == reverse("mine:dashboard")
    client.post(reverse("mine:start", args=[pool.pk]), {"title": "Foreningens forsøg"})
    assert not Application.objects.filter(title="Foreningens forsøg").exists()


def test_staff_see_organisations_applications_of_their_own_municipality_only(
    person, section_18_pool, make_application
):
    application = org_application(section_18_pool, person.organisation, ApplicationStatus.SUBMITTED)
    elsewhere = Municipality.objects.create(name="Andeby Kommune", slug="andeby", code="998")
    home_staff = User.objects.create_user(
        username="s1", role=Role.COMMITTEE_STAFF, municipality=application.municipality
    )
    other_staff = User.objects.create_user(
        username="s2", role=Role.COMMITTEE_STAFF, municipality=elsewhere
    )
    assert application in staff_applications(home_staff)
    assert application not in staff_applications(other_staff)


def test_mitid_erhverv_ties_the_person_to_the_organisation_with_that_cvr(association, municipality):
    provider = mitid_erhverv(municipality, cvr_claim="cvr")
    known = ExternalIdentity.objects.create(
        provider=provider, subject="e-1", cvr=VALID_CVR, name="Per Hansen"
    )
    unknown = ExternalIdentity.objects.create(
        provider=provider, subject="e-2", cvr=OTHER_VALID_CVR, name="Ole Ukendt"
    )

    user = person_of_organisation(known, {"email": "per@example.dk"})

    assert (user.role, user.organisation, user.email) == (
        Role.ORGANISATION,
        association,
        "per@example.dk",
    )
    assert not user.has_usable_password()
    assert person_of_organisation(unknown, {}) is None


def test_open_data_names_an_organisation_by_its_cvr_number_or_the_360g_fallback(
    association, municipality, settings
):
    from grants.opendata_orgs import org_id, recipient

    without = Organisation.objects.create(municipality=municipality, name="Mødestedet")
    values = {"pk": without.pk, "name": without.name, "cvr": ""}

    assert org_id({"pk": association.pk, "cvr": VALID_CVR}, organisation=True) == (
        f"DK-CVR-{VALID_CVR}"
    )
    assert org_id(values, organisation=True) == (
        f"{settings.GIVING_PREFIX}-organisation-{without.pk}"
    )
    received = recipient({"code": "101", "name": "København"}, None, values)
    assert (received["name"], "department" not in received) == ("Mødestedet", True)


def link_for(token: str) -> str:
    return f"http://portal.test/forening/log-ind/{token}/"


def test_a_person_signs_in_by_a_signed_link_sent_by_mail(
    person, django_capture_on_commit_callbacks
):
    from grants.services.errors import DomainError
    from grants.services.people import do_send_sign_in_link, user_from_token
    from worker.models import OutgoingMail

    with django_capture_on_commit_callbacks(execute=False):
        do_send_sign_in_link(email="ANNA@example.dk", link_for=link_for)
        do_send_sign_in_link(email="ukendt@example.dk", link_for=link_for)

    mail = OutgoingMail.objects.get()  # the stranger's address got nothing
    assert mail.to == ["anna@example.dk"] and "Foreningen Fællesskab" in mail.body
    token = mail.body.split("/forening/log-ind/")[1].split("/")[0]
    assert user_from_token(token) == person
    with pytest.raises(DomainError, match="Linket virker ikke"):
        user_from_token(token[:-2] + "xx")
    person.email = "ny@example.dk"
    person.save()
    with pytest.raises(DomainError, match="Linket virker ikke"):
        user_from_token(token)  # a changed address makes the old link worthless


def test_a_person_invites_a_colleague_of_the_same_organisation(
    person, caseworker, django_capture_on_commit_callbacks
):
    from grants.services.errors import DomainError
    from grants.services.people import do_invite_colleague
    from worker.models import OutgoingMail

    with django_capture_on_commit_callbacks(execute=False):
        colleague = do_invite_colleague(
            actor=person, email="bo@example.dk", name="Bo Berg", link_for=link_for
        )
    assert (colleague.organisation, colleague.role) == (person.organisation, Role.ORGANISATION)
    assert OutgoingMail.objects.get().to == ["bo@example.dk"]
    with pytest.raises(DomainError):
        do_invite_colleague(actor=caseworker, email="x@example.dk", name="X", link_for=link_for)


def test_an_association_is_told_a_departments_pool_is_not_for_it(client, demo):
    """Fresh eyes: the call page's button led an association's person to "Siden findes
    ikke"; and their dashboard named their department as "None"."""
    from django.urls import reverse

    from grants.models import Pool, PoolStatus
    from portal.models import User

    person = User.objects.get(username="kbh-forening")
    client.force_login(person)
    dashboard = client.get(reverse("mine:dashboard")).content.decode()
    assert "None" not in dashboard and str(person.organisation) in dashboard
    pool = Pool.objects.filter(
        municipality=person.municipality, status=PoolStatus.OPEN, applicants="departments"
    ).first()
    if pool is None:
        pool = Pool.objects.filter(municipality=person.municipality).first()
        Pool.objects.filter(pk=pool.pk).update(status=PoolStatus.OPEN, applicants="departments")
    response = client.get(reverse("mine:start", args=[pool.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("mine:dashboard")
    assert "kan kun søges af kommunens egne afdelinger" in response.content.decode()


def test_the_call_page_offers_a_signed_in_applicant_the_way_in_without_logging_in_again(
    client, demo
):
    """Fresh eyes: signed in as a caseworker, the call page still said "Log ind og søg"."""
    from grants.models import Pool, PoolStatus
    from portal.models import User

    pool = Pool.objects.filter(status=PoolStatus.OPEN, applicants="departments").first()
    call = reverse("public:call", args=[pool.pk])
    anonymous = client.get(call).content.decode()
    assert 'data-testid="apply-department"' in anonymous

    caseworker = User.objects.get(username="frb-sagsbehandler")
    assert caseworker.municipality_id == pool.municipality_id
    client.force_login(caseworker)
    page = client.get(call).content.decode()
    assert 'data-testid="apply-signed-in"' in page
    assert reverse("mine:start", args=[pool.pk]) in page
    assert "Log ind og søg" not in page

    client.force_login(User.objects.get(username="frb-sekretariat"))
    page = client.get(call).content.decode()
    assert 'data-testid="not-for-you"' in page and "Log ind og søg" not in page


def test_the_call_page_links_a_signed_in_association_to_its_own_page_for_its_documents(
    client, demo
):
    """Fresh eyes, session 32: a signed-in association was told to use »Din forening«
    "when you are logged in", with no link."""
    from grants.models import Pool, PoolStatus
    from portal.models import User

    person = User.objects.get(username="kbh-forening")
    pool = Pool.objects.filter(
        status=PoolStatus.OPEN, applicants="organisations", municipality=person.municipality
    ).first()
    call = reverse("public:call", args=[pool.pk])
    anonymous = client.get(call).content.decode()
    assert "når I er logget ind" in anonymous
    client.force_login(person)
    page = client.get(call).content.decode()
    assert f'<a href="{reverse("mine:organisation")}">»Din forening«</a>' in page
    assert "når I er logget ind" not in page


def test_a_volunteer_may_leave_the_committee_and_is_not_shown_empty_lists(
    client, person, section_18_pool, make_application
):
    """Fresh eyes round 10: the first required question was a list of political committees,
    and two lists offered nothing to choose."""
    from grants.services.submission import missing_for_submission

    application = org_application(section_18_pool, person.organisation)
    assert "committee" not in [m.field for m in missing_for_submission(application)]
    department_draft = make_application(target_pool=section_18_pool)
    Application.objects.filter(pk=department_draft.pk).update(committee=None)
    department_draft.refresh_from_db()
    assert "committee" in [m.field for m in missing_for_submission(department_draft)]

    client.force_login(person)
    form = client.get(reverse("mine:edit", args=[application.pk])).content.decode()
    assert "(kan springes over)" in form
    assert 'name="continues"' not in form  # no earlier grant of the association to continue
    assert 'name="resources"' not in form  # the policy names no resources


def test_staff_read_an_associations_application_in_the_words_it_was_asked(
    client, person, section_18_pool
):
    """One rule for the copy on the pages and the PDF: the headings follow the form that was
    filled in (the page used to follow who read it, the PDF the application)."""
    application = org_application(section_18_pool, person.organisation, ApplicationStatus.SUBMITTED)
    staff = User.objects.create_user(
        username="s1", role=Role.COMMITTEE_STAFF, municipality=application.municipality
    )
    client.force_login(staff)
    page = client.get(reverse("sekretariat:application", args=[application.pk])).content.decode()
    assert "Hvad vil I opnå?" in page and "Formål/forandringsteori" not in page


def test_an_associations_mail_goes_to_its_people_not_to_typed_addresses(
    client, person, section_18_pool, staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    """Attack round 13: an association typed a stranger's address as contact person and the
    portal mailed it the association's text; fresh eyes round 13: a signed-in member who had
    not written the application got nothing, and the contact got links it could not use."""
    from grants.models import ContactPerson

    application = org_application(section_18_pool, person.organisation, ApplicationStatus.SUBMITTED)
    ContactPerson.objects.create(application=application, name="Fremmed", email="stranger@x.org")
    colleague = new_person(organisation=person.organisation, email="bo@example.dk", name="Bo")
    gone = new_person(organisation=person.organisation, email="ex@example.dk", name="Ex")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    # Attack round 15: an invitation nobody has used (ignored, or a mistyped address) brings
    # no case mail; the members who have signed in get it.
    new_person(organisation=person.organisation, email="invited@example.dk", name="Inviteret")
    User.objects.filter(pk__in=[person.pk, colleague.pk, gone.pk]).update(last_login=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("sekretariat:return", args=[application.pk]),
            {"comment": "Uddyb budgettet."},
            follow=True,
        )
    assert "Ansøgeren har fået besked på e-mail." in response.content.decode()
    # One message each: no member learns the others' addresses (attack round 15).
    assert sorted(mail.to for mail in mailoutbox) == sorted([[person.email], [colleague.email]])


def test_staff_are_told_when_nobody_could_be_told(
    section_18_pool, municipality, staff_client, django_capture_on_commit_callbacks
):
    """Fresh eyes round 13: "ansøgeren har fået besked" was said of a case nobody could be
    mailed about (an old case without addresses)."""
    lonely = Organisation.objects.create(municipality=municipality, name="Uden folk")
    application = org_application(section_18_pool, lonely, ApplicationStatus.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("sekretariat:return", args=[application.pk]),
            {"comment": "Uddyb budgettet."},
            follow=True,
        )
    page = response.content.decode()
    assert "har ikke fået besked: giv besked på anden måde" in page
    assert "Ansøgeren har fået besked på e-mail." not in page


def test_an_outsiders_words_and_links_reach_staff_only_inside_the_portal(
    person, section_18_pool, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    """Attack round 15: an association's message, links and all, was quoted in the portal's
    own mail to staff, where it reads as the municipality's. Staff's words to the association
    are still quoted to it."""
    from grants.services.messages import (
        do_answer_request,
        do_request_information,
        do_send_message,
    )

    User.objects.filter(pk=staff_user.pk).update(email="sekretariat@testrup.dk")
    User.objects.filter(pk=person.pk).update(last_login=timezone.now())
    application = org_application(section_18_pool, person.organisation, ApplicationStatus.SUBMITTED)
    bait = "Bekræft jeres adgang her: https://evil.example/login"
    with django_capture_on_commit_callbacks(execute=True):
        do_send_message(application_id=application.pk, actor=person, text=bait)
    [to_staff] = mailoutbox
    assert to_staff.to == ["sekretariat@testrup.dk"]
    assert "evil.example" not in to_staff.body and "Læs beskeden i portalen." in to_staff.body
    assert f"/sekretariat/ansoegninger/{application.pk}/beskeder/" in to_staff.body

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = do_request_information(
            application_id=application.pk, actor=staff_user, question="Hvor mange deltagere?"
        )
    assert "Hvor mange deltagere?" in mailoutbox[0].body  # staff's own words are quoted
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_answer_request(request_id=request.pk, actor=person, text=bait)
    [answer] = mailoutbox
    assert "Hvor mange deltagere?" in answer.body and "evil.example" not in answer.body


def test_a_volunteers_sign_in_log_speaks_to_a_volunteer(client, person):
    """Fresh eyes round 21: a volunteer was told to ask "kommunens IT-support" and shown a
    second-factor column of a step volunteers never take."""
    client.force_login(person)
    page = client.get(reverse("own-sign-ins")).content.decode()
    assert "sig det til kommunen, der giver puljen" in page
    assert "IT-support" not in page and "Totrin" not in page
