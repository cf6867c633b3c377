import datetime

import pytest
from django.utils import timezone

from grants.models import ApplicationStatus, ContactPerson, StatusChange, SuccessCriterion
from grants.services.errors import DeadlinePassed, DomainError
from grants.services.submission import do_submit, missing_for_submission
from policies.models import Goal


@pytest.fixture
def complete_application(make_application, policy):
    application = make_application(
        target_group="Kvinder på offentlig ydelse",
        challenge="Lang ledighed",
        purpose="Job gennem praktik",
        description="Forløb med undervisning og praktik",
        anchoring="Forankres i Center for Integration",
    )
    application.goals.set([Goal.objects.get(policy=policy, number=1)])
    ContactPerson.objects.create(application=application, name="Linda", email="linda@example.dk")
    SuccessCriterion.objects.create(application=application, text="80 % gennemfører")
    return application


def test_missing_headings_are_listed_in_plain_danish(make_application):
    missing = missing_for_submission(make_application())
    assert "Angiv mindst én kontaktperson/tovholder." in missing
    assert "Udfyld »Formål/forandringsteori«." in missing
    assert "Angiv mindst ét succeskriterium." in missing


def test_complete_application_is_submitted_and_recorded(complete_application, caseworker):
    do_submit(application_id=complete_application.pk, actor=caseworker)
    complete_application.refresh_from_db()
    assert complete_application.status == ApplicationStatus.SUBMITTED
    assert complete_application.submitted_at is not None
    assert StatusChange.objects.get(application=complete_application).actor == caseworker


def test_submission_after_the_deadline_is_refused(complete_application, caseworker):
    pool = complete_application.pool
    pool.application_deadline = timezone.now() - datetime.timedelta(minutes=1)
    pool.save()
    with pytest.raises(DeadlinePassed, match="Ansøgningsfristen for Integrationspuljen 2026 var"):
        do_submit(application_id=complete_application.pk, actor=caseworker)
    complete_application.refresh_from_db()
    assert complete_application.status == ApplicationStatus.DRAFT


def test_incomplete_application_is_refused(make_application, caseworker):
    application = make_application()
    with pytest.raises(DomainError, match="mangler"):
        do_submit(application_id=application.pk, actor=caseworker)


@pytest.mark.django_db
def test_every_missing_item_links_to_a_field_on_the_form(client, caseworker, make_application):
    """Fresh eyes: the list of what blocks submission was plain text. Each item links to the
    field where it is given, and that field exists on the application form."""
    import re

    from django.urls import reverse

    application = make_application()
    client.force_login(caseworker)
    page = client.get(reverse("mine:submit", args=[application.pk])).content.decode()
    edit = client.get(reverse("mine:edit", args=[application.pk])).content.decode()
    anchors = re.findall(r'href="/[^"#]*#(id_[^"]+)"', page.split("Før du kan indsende")[1])
    assert len(anchors) == len(missing_for_submission(application)) > 3
    for anchor in anchors:
        assert f'id="{anchor}"' in edit, anchor


@pytest.mark.django_db
def test_the_submit_page_says_what_the_pools_cannot_meet(client, caseworker, make_application):
    """Fresh eyes round 9: 1.250.000 kr. for a year without a pool and more than the
    pool's whole budget were sent without a word. The page says so (a note, not a refusal:
    the budget may grow and next year's pool be created before the decision)."""
    from django.urls import reverse

    from tests.page_crawl import visible_text

    application = make_application(amounts={2026: "750000", 2027: "100000"})  # budget 500.000
    client.force_login(caseworker)
    page = visible_text(client.get(reverse("mine:submit", args=[application.pk])).content.decode())
    assert "I søger 750.000 kr. for 2026. Det er mere end hele puljens budget" in page
    assert "Kommunen har endnu ikke sat penge af til puljen for 2027" in page

    application.requested_amounts.filter(year=2026).update(amount=400000)
    application.requested_amounts.filter(year=2027).delete()
    make_application(amounts={2026: "300000"}, status=ApplicationStatus.APPROVED)
    from grants.models import Allocation, Decision, Pool

    funded = application.pool.applications.exclude(pk=application.pk).get()
    decision = Decision.objects.create(application=funded, outcome="approved")
    Allocation.objects.create(
        decision=decision, application=funded, pool=Pool.objects.get(year=2026), amount=300000
    )
    page = visible_text(client.get(reverse("mine:submit", args=[application.pk])).content.decode())
    assert "Puljen har 200.000 kr. tilbage til det år lige nu" in page


@pytest.mark.django_db
def test_submitting_sends_a_receipt_after_the_commit(
    complete_application, caseworker, mailoutbox, django_capture_on_commit_callbacks
):
    """Fresh eyes round 9: nothing came by mail after submitting."""
    ContactPerson.objects.filter(application=complete_application).update(email="linda@x.dk")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        do_submit(application_id=complete_application.pk, actor=caseworker)
        assert mailoutbox == []  # not before the commit
    for callback in callbacks:
        callback()
    from worker.models import OutgoingMail

    mail = OutgoingMail.objects.get(kind="application_submitted", to=["linda@x.dk"])
    assert mail.subject == f"Ansøgning modtaget: {complete_application.title}"
    assert "Vi har modtaget ansøgningen" in mail.body and "ansøgningsfristen" in mail.body
    for row in complete_application.requested_amounts.all():
        assert f"Søgt for {row.year}: 100.000 kr." in mail.body  # what was asked, per year


@pytest.mark.django_db
def test_the_form_says_the_pools_maximum_beside_the_amounts(client, caseworker, make_application):
    """Fresh eyes round 21: the maximum per application was first told at "Indsend"."""
    from decimal import Decimal

    from django.urls import reverse

    from grants.models import Pool

    application = make_application()
    Pool.objects.filter(pk=application.pool_id).update(max_amount=Decimal("100000"))
    client.force_login(caseworker)
    edit = client.get(reverse("mine:edit", args=[application.pk])).content.decode()
    assert "Puljen giver højst 100.000 kr. pr. ansøgning, alle år i alt." in edit


@pytest.mark.django_db
def test_a_criterion_or_contact_row_without_its_text_blocks_submission(
    client, caseworker, complete_application
):
    """Fresh eyes round 24: a target of 12,5 with no criterion was listed as ready and sent."""
    from django.urls import reverse

    SuccessCriterion.objects.create(application=complete_application, target_value=12.5)
    ContactPerson.objects.create(application=complete_application, phone="12345678")
    client.force_login(caseworker)

    page = client.get(reverse("mine:submit", args=[complete_application.pk])).content.decode()

    assert "Skriv succeskriterium nr. 2, eller slet rækken." in page
    assert "#id_criteria-1-text" in page
    assert "Skriv navnet på kontaktperson nr. 2, eller slet rækken." in page
    assert "#id_contacts-1-name" in page
    with pytest.raises(DomainError, match="mangler"):
        do_submit(application_id=complete_application.pk, actor=caseworker)


def test_a_contact_with_neither_e_mail_nor_phone_blocks_submission(
    client, caseworker, complete_application
):
    """Fresh eyes round 29: a contact with only a name was sent; nobody could reach them."""
    from django.urls import reverse

    ContactPerson.objects.create(application=complete_application, name="Ny Person")
    client.force_login(caseworker)
    page = client.get(reverse("mine:submit", args=[complete_application.pk])).content.decode()
    assert "Skriv e-mail eller telefon til Ny Person." in page
    assert "#id_contacts-1-email" in page
    with pytest.raises(DomainError, match="mangler"):
        do_submit(application_id=complete_application.pk, actor=caseworker)
    ContactPerson.objects.filter(name="Ny Person").update(phone="12345678")
    do_submit(application_id=complete_application.pk, actor=caseworker)


@pytest.mark.django_db
def test_the_form_points_to_slet_only_where_a_row_has_it(client, caseworker, make_application):
    """Fresh eyes round 24: "Sæt kryds i »Slet«" stood under new rows, which have no Slet."""
    from django.urls import reverse

    application = make_application()
    client.force_login(caseworker)
    url = reverse("mine:edit", args=[application.pk])
    assert "»Slet«" not in client.get(url).content.decode()
    SuccessCriterion.objects.create(application=application, text="80 % gennemfører")
    page = client.get(url).content.decode()
    assert "Sæt kryds i »Slet« for at fjerne et." in page and 'name="criteria-0-DELETE"' in page
