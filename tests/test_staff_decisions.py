"""Recording the committee's decision: money leaves the pools only if it is there, and the
caseworker is told, with reasons and appeal guidance when the answer is not a full yes
(forvaltningsloven § 22). Delegation and conditions: test_staff_conditions.py."""

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from grants.models import (
    Allocation,
    Application,
    ApplicationStatus,
    Decision,
)
from tests.form_pages import parse_forms
from tests.page_crawl import visible_text
from tests.staff_support import decide, messages_of, nothing_saved, refusals_of, status_of
from tests.test_decision_letter import pdf_text


def available_on_pool_page(client, pool) -> str:
    html = client.get(reverse("sekretariat:pool", args=[pool.pk])).content.decode()
    return re.search(r'data-testid="available">(.*?)</td>', html).group(1)


def test_the_decision_form_is_prefilled_with_the_requested_amounts(staff_client, make_recommended):
    application = make_recommended({2026: "100000", 2027: "50000"})

    html = staff_client.get(reverse("sekretariat:decide", args=[application.pk])).content
    html = html.decode()

    assert 'name="amount_2026" value="100.000"' in html
    assert 'name="amount_2027" value="50.000"' in html
    # A department's grant cannot be appealed, and the form starts by saying so (fresh eyes
    # round 18: it started with a citizen's guidance).
    assert "fordeler puljens midler mellem kommunens egne enheder" in html
    assert 'name="under_delegation"' not in html  # the pool has no delegation


def test_full_approval_allocates_and_tells_the_caseworker(
    staff_client,
    pools,
    make_recommended,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    pool_2026, pool_2027 = pools
    application = make_recommended({2026: "100000", 2027: "50000"})
    assert available_on_pool_page(staff_client, pool_2026) == "500.000 kr."

    response = decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="100.000",
        amount_2027="50.000",
    )

    assert "Beslutningen er registreret. Ansøgeren har fået besked på e-mail." in messages_of(
        response
    )
    assert status_of(application) == ApplicationStatus.APPROVED
    assert {(a.pool.year, a.amount) for a in Allocation.objects.all()} == {
        (2026, 100000),
        (2027, 50000),
    }
    assert available_on_pool_page(staff_client, pool_2026) == "400.000 kr."
    assert available_on_pool_page(staff_client, pool_2027) == "450.000 kr."
    [mail] = mailoutbox
    assert mail.to == ["sagsbehandler@testrup.dk"]
    assert mail.subject == "Beslutning: Kvinder i job"  # a department's (fresh eyes round 25)
    assert "Der er truffet beslutning om »Kvinder i job«: Bevilget som ansøgt." in mail.body
    assert "Bevilget for 2026: 100.000 kr." in mail.body
    assert "Bevilget for 2027: 50.000 kr." in mail.body
    assert "Kan beslutningen påklages?" in mail.body and "kommunens egne enheder" in mail.body
    assert "Ankestyrelsen" not in mail.body  # a department's grant (fresh eyes round 18)
    # In full, as in the letter (fresh eyes round 21: only the first paragraph).
    assert "skriv til sekretariatet i sagen i portalen" in mail.body
    # The grant's conditions and reports, as in the letter (fresh eyes round 13).
    assert "Vilkår:\nBevillingen er på 100.000 kr. eller mere i alt" in mail.body
    # Under their own heading, as in the letter (fresh eyes round 34: run on from the
    # agreement's paragraph).
    assert "Afrapportering:\nSlutrapport senest" in mail.body


def test_granting_less_than_requested_needs_reasons(
    client,
    staff_user,
    owner,
    make_recommended,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    application = make_recommended({2026: "100000", 2027: "50000"})
    client.force_login(staff_user)

    response = decide(
        client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="60.000",
        amount_2027="50.000",
    )

    assert response.status_code == 400
    assert [m for m in refusals_of(response) if "skal have en begrundelse" in m]
    assert nothing_saved(application)
    assert mailoutbox == []

    reasons = "Udvalget prioriterer indsatser med medfinansiering."
    response = decide(
        client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="60.000",
        amount_2027="50.000",
        reasons=reasons,
    )

    assert status_of(application) == ApplicationStatus.APPROVED
    [mail] = mailoutbox
    assert f"Begrundelse:\n{reasons}" in mail.body
    # Less than asked is "Delvis bevilget" in the mail and on the pages, as in the letter
    # (fresh eyes round 9: they said "Bevilget").
    assert "Der er truffet beslutning om »Kvinder i job«: Delvis bevilget." in mail.body
    staff_page = client.get(reverse("sekretariat:application", args=[application.pk]))
    assert "Beslutning: Delvis bevilget" in staff_page.content.decode()  # a department's
    client.force_login(owner)
    detail = client.get(reverse("mine:detail", args=[application.pk])).content.decode()
    assert "Beslutning: Delvis bevilget" in detail
    assert reasons in detail
    assert "Kan beslutningen påklages?" in detail and "Klagevejledning" not in detail
    assert "kommunens egne enheder" in detail
    rows = visible_text(detail)
    assert "2026 100.000 kr. 60.000 kr." in rows and "2027 50.000 kr. 50.000 kr." in rows
    assert "I alt 150.000 kr. 110.000 kr." in rows  # as in the letter (fresh eyes round 16)
    # And in the applicant's list (fresh eyes round 16: "Bevilget" there).
    listed = visible_text(client.get(reverse("mine:dashboard")).content.decode())
    assert "Kvinder i job" in listed and "Delvis bevilget" in listed
    assert "Status: Delvis bevilget" in rows  # the case page's status line too (round 17)
    # Fresh eyes round 18: the history, the staff list, the recommendation, the application
    # PDF and the public page still said "Bevilget". Every place that names the status:
    assert "→ Delvis bevilget" in rows and "→ Bevilget" not in rows
    pdf = client.get(reverse("mine:pdf", args=[application.pk]))
    # And the copy says what was granted, year by year (fresh eyes round 18: no amount).
    copy = " ".join(pdf_text(pdf.content).split())
    assert "Beløb pr. år" in copy and "2026 100.000 kr. 60.000 kr." in copy
    assert "Delvis bevilget" in pdf_text(pdf.content) and "status: Bevilget" not in pdf_text(
        pdf.content
    )
    client.force_login(staff_user)
    for url in (
        reverse("sekretariat:application", args=[application.pk]),
        reverse("sekretariat:queue", args=[application.pool_id]),
        f"/projekter/{application.pk}/",
    ):
        html = client.get(url).content.decode()
        assert "Delvis bevilget" in visible_text(html), url
        # The status history ("Historik"); the audit trail below it shows stored values.
        history = re.search(r'aria-labelledby="history-heading">(.*?)</section>', html, re.S)
        assert history is None or "→ Bevilget" not in history.group(1), url


def test_the_applicant_sees_a_year_given_nothing(
    client, staff_user, owner, make_recommended, django_capture_on_commit_callbacks
):
    """Fresh eyes round 10: the case page said only "Bevilget: 2027: 100.000 kr."; the mail
    and the letter said 2028 got nothing."""
    application = make_recommended({2026: "100000", 2027: "50000"})
    client.force_login(staff_user)
    decide(
        client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="100.000",
        amount_2027="0",
        reasons="Kun det første år.",
    )
    client.force_login(owner)
    rows = visible_text(client.get(reverse("mine:detail", args=[application.pk])).content.decode())
    assert "2026 100.000 kr. 100.000 kr." in rows and "2027 50.000 kr. ikke bevilget" in rows
    # The secretariat's case page shows the same table (fresh eyes round 11).
    client.force_login(staff_user)
    staff_rows = visible_text(
        client.get(reverse("sekretariat:application", args=[application.pk])).content.decode()
    )
    assert "2027 50.000 kr. ikke bevilget" in staff_rows


def test_a_rejection_needs_reasons(
    staff_client, make_recommended, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_recommended({2026: "100000"})

    response = decide(
        staff_client, application, django_capture_on_commit_callbacks, outcome="rejected"
    )

    assert any("skal have en begrundelse" in m for m in refusals_of(response))
    assert nothing_saved(application)

    # A refusal has no conditions (fresh eyes round 21: they were saved and shown).
    response = decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        outcome="rejected",
        reasons="Indsatsen ligger uden for politikkens mål.",
        conditions_text="Projektet skal have en styregruppe.",
    )
    assert "Et afslag har ingen vilkår." in " ".join(refusals_of(response))
    assert nothing_saved(application)

    response = decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        outcome="rejected",
        reasons="Indsatsen ligger uden for politikkens mål.",
    )

    assert status_of(application) == ApplicationStatus.REJECTED
    assert Decision.objects.get().outcome == "rejected"
    assert not Allocation.objects.exists()
    [mail] = mailoutbox
    assert ": Afslag." in mail.body and "uden for politikkens mål" in mail.body


def test_approving_more_than_the_pool_has_is_refused_with_what_is_available(
    staff_client,
    pools,
    make_recommended,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    pool_2026, _ = pools
    make_recommended({2026: "450000"}, title="Stor indsats")
    big = Application.objects.get(title="Stor indsats")
    decide(staff_client, big, django_capture_on_commit_callbacks, amount_2026="450.000")
    mailoutbox.clear()
    application = make_recommended({2026: "100000"})

    response = decide(
        staff_client, application, django_capture_on_commit_callbacks, amount_2026="100.000"
    )

    assert response.status_code == 400
    # At the field (and in the summary), under "Intet er gemt", as every other problem of the
    # form (fresh eyes round 28: told only after the others, without the banner).
    message = response.context["form"].errors["amount_2026"][0]
    assert message.startswith(
        "Integrationspuljen 2026 har kun 50.000 kr. til rådighed; der kan ikke bevilges 100.000 kr."
    )
    assert refusals_of(response) == ["Intet er gemt. Ret de markerede felter.", message]
    assert nothing_saved(application)
    assert mailoutbox == []
    assert available_on_pool_page(staff_client, pool_2026) == "50.000 kr."


def test_the_refusal_for_lack_of_money_ends_with_a_single_full_stop(
    staff_client, pools, make_recommended, django_capture_on_commit_callbacks
):
    pool_2026, _ = pools
    pool_2026.budget = 50000
    pool_2026.save()
    application = make_recommended({2026: "100000"})

    response = decide(
        staff_client, application, django_capture_on_commit_callbacks, amount_2026="100.000"
    )

    message = response.context["form"].errors["amount_2026"][0]
    assert not message.endswith("kr..")


def test_a_committee_is_required_without_delegation(staff_client, make_recommended):
    application = make_recommended({2026: "40000"})

    response = staff_client.post(
        reverse("sekretariat:decide", args=[application.pk]),
        {
            "outcome": "approved",
            "committee": "",
            "under_delegation": "on",  # not offered: the pool has no delegation
            "amount_2026": "40.000",
            "appeal_guidance": "Klagevejledning.",
        },
    )

    assert response.status_code == 400
    # A department's application: its decision is a "beslutning" (grants.wording).
    assert "Angiv det udvalg, der har truffet beslutningen." in response.content.decode()
    assert nothing_saved(application)


def test_a_second_decision_is_refused(
    staff_client, make_recommended, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_recommended({2026: "50000"})
    decide(staff_client, application, django_capture_on_commit_callbacks, amount_2026="50.000")
    mailoutbox.clear()

    response = decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        outcome="rejected",
        reasons="Fortrudt.",
    )

    assert response.status_code == 400
    assert Decision.objects.get().outcome == "approved"
    assert Allocation.objects.count() == 1
    assert mailoutbox == []
    # It says what was decided, by whom and when (a colleague in another tab decided).
    shown = response.content.decode()
    assert "Ansøgningen er allerede afgjort: »Bevilget« (50.000 kr.), registreret af" in shown
    assert "Din beslutning er ikke gemt." in shown  # a department's (grants.wording)
    # What was typed stays to copy, in a form that cannot be sent again (fresh eyes round 13).
    [form] = [f for f in parse_forms(shown) if "reasons" in f.data()]
    assert form.data()["reasons"] == ["Fortrudt."]
    assert not [b for b in form.buttons if b[2].startswith("Registrér")]
    assert re.search(r'<textarea[^>]*name="reasons"[^>]*readonly', shown)


def test_a_refusal_names_a_partial_grant_as_the_pages_do(
    staff_client, staff_user, make_recommended, django_capture_on_commit_callbacks
):
    """Fresh eyes round 20: a second decision or a new recommendation of a partly granted
    application was refused with "»Bevilget«", where every page says "Delvis bevilget"."""
    from grants.services.errors import DomainError
    from grants.services.review import do_recommend

    application = make_recommended({2026: "50000"})
    decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="40.000",
        reasons="Budgettet er sat ned.",
    )
    again = decide(staff_client, application, django_capture_on_commit_callbacks, reasons="x")
    assert "allerede afgjort: »Delvis bevilget« (40.000 kr.)" in again.content.decode()
    with pytest.raises(DomainError) as refused:
        do_recommend(
            application_id=application.pk,
            actor=staff_user,
            summary="Igen",
            amounts={2026: Decimal("1")},
        )
    assert "status »Delvis bevilget«" in refused.value.message


def test_a_refused_decision_marks_the_field_it_is_about(
    client, staff_user, make_recommended, django_capture_on_commit_callbacks
):
    """Fresh eyes: a decision refused by the rules showed only a banner; the field is marked
    too, so the error summary links to it."""
    application = make_recommended({2026: "100000"})
    client.force_login(staff_user)

    response = decide(client, application, django_capture_on_commit_callbacks, amount_2026="60.000")

    assert response.status_code == 400
    assert "skal have en begrundelse" in response.context["form"].errors["reasons"][0]
    assert 'href="#id_reasons"' in response.content.decode()  # the summary links to it
    assert nothing_saved(application)


@pytest.mark.parametrize(
    ("meeting_date", "says"), [("2099-03-01", "fremtiden"), ("1900-01-01", "før ansøgningen")]
)
def test_the_meeting_date_is_a_date_the_meeting_can_have_had(
    client, staff_user, make_recommended, django_capture_on_commit_callbacks, meeting_date, says
):
    """Attack round 4: a decision dated 1900-01-01 (or 2031) was saved and published as the
    grant's award date in the open data."""
    import datetime

    from django.utils import timezone

    application = make_recommended({2026: "40000"})
    type(application).objects.filter(pk=application.pk).update(
        submitted_at=timezone.make_aware(datetime.datetime(2026, 1, 10, 12))
    )
    client.force_login(staff_user)

    response = decide(
        client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="40.000",
        meeting_date=meeting_date,
    )

    assert response.status_code == 400
    assert says in response.context["form"].errors["meeting_date"][0]
    assert nothing_saved(application)


def test_every_problem_of_a_decision_is_shown_at_once(
    client, staff_user, make_recommended, django_capture_on_commit_callbacks
):
    """Fresh eyes needed four submits to see four problems one at a time: more than asked
    for, no reasons, a meeting in the future, and so on. All of them come in one answer, each
    at its field and in the summary, and nothing typed is lost."""
    application = make_recommended({2026: "100000", 2027: "100000"})
    client.force_login(staff_user)

    response = decide(
        client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="900.000",
        amount_2027="0",
        meeting_date="2099-12-31",
        reasons="",
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "mere end ansøgt" in errors["amount_2026"][0]
    assert "skal have en begrundelse" in errors["reasons"][0]
    assert "fremtiden" in errors["meeting_date"][0]
    html = response.content.decode()
    for field in ("amount_2026", "reasons", "meeting_date"):
        assert f'href="#id_{field}"' in html
    assert 'value="900.000"' in html
    assert nothing_saved(application)


def test_a_missing_following_year_pool_is_told_with_the_other_problems(
    client, staff_user, make_recommended, django_capture_on_commit_callbacks
):
    """Round 8: "no pool for 2027" came only after every other problem was put right."""
    application = make_recommended({2026: "100000", 2027: "100000"})
    from grants.models import Pool

    Pool.objects.filter(year=2027).delete()
    client.force_login(staff_user)
    response = decide(
        client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="100.000",
        amount_2027="100.000",
        meeting_date="2099-12-31",
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Der findes ingen pulje for 2027" in errors["amount_2027"][0]
    assert "fremtiden" in errors["meeting_date"][0]
    assert nothing_saved(application)
    # Also beside another year's amount problem (fresh eyes round 34: it came a round later).
    response = decide(
        client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="900.000",
        amount_2027="100.000",
    )
    errors = response.context["form"].errors
    assert "mere end ansøgt for 2026" in errors["amount_2026"][0]
    assert "Der findes ingen pulje for 2027" in errors["amount_2027"][0]
    assert nothing_saved(application)


def test_every_recommended_amount_problem_is_shown_at_once(staff_client, make_application):
    """Round 8: the recommendation form told one year's problem, then the next."""
    from grants.models import ApplicationStatus

    application = make_application(
        amounts={2026: "10000", 2027: "0"}, status=ApplicationStatus.IN_REVIEW
    )
    url = reverse("sekretariat:recommend", args=[application.pk])
    response = staff_client.post(
        url, {"summary": "", "amount_2026": "20.000", "amount_2027": "5.000"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "Der er søgt 10.000 kr. for 2026" in errors["amount_2026"][0]
    assert "Der er søgt 0 kr. for 2027" in errors["amount_2027"][0]
    assert "summary" in errors


def test_the_appeal_guidance_starts_from_the_pools_legal_basis(
    staff_client, pools, make_recommended
):
    """Fresh eyes round 10: a § 18 pool's letter named "Lov om social service § 18" as its
    rules and "kommunalfuldmagtsreglerne" in the appeal guidance the form had filled in."""
    from grants.models import Application
    from portal.models import Organisation
    from tests.staff_support import DEFAULT_APPEAL_GUIDANCE

    application = make_recommended({2026: "100000"})
    association = Organisation.objects.create(
        municipality=application.municipality, name="Foreningen FISKEN"
    )
    Application.objects.filter(pk=application.pk).update(department=None, organisation=association)
    url = reverse("sekretariat:decide", args=[application.pk])
    assert DEFAULT_APPEAL_GUIDANCE in staff_client.get(url).content.decode()
    pool = application.pool
    pool.legal_basis = "Lov om social service § 18"
    pool.save()
    page = staff_client.get(url).content.decode()
    assert "Tilskud fra puljen gives efter Lov om social service § 18, og afgørelsen" in page
    assert "kommunalfuldmagtsreglerne" not in page.split('name="appeal_guidance"')[1][:600]


def test_the_decision_mail_names_a_year_given_nothing(
    staff_client, make_recommended, mailoutbox, django_capture_on_commit_callbacks
):
    """Fresh eyes round 10: a grant for one of two years listed only the granted year."""
    application = make_recommended({2026: "100000", 2027: "50000"})
    decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="100.000",
        amount_2027="0",
        reasons="Udvalget støtter første år.",
    )
    [mail] = mailoutbox
    assert "Bevilget for 2026: 100.000 kr." in mail.body
    assert "Ikke bevilget for 2027 (søgt: 50.000 kr.)" in mail.body
    assert ": Delvis bevilget." in mail.body


def test_one_mistyped_amount_gives_one_message(
    staff_client, make_recommended, django_capture_on_commit_callbacks
):
    """Fresh eyes round 10: "hundrede" gave the format error and "En bevilling skal have et
    beløb større end 0 kr." beside it."""
    application = make_recommended({2026: "100000"})
    response = decide(
        staff_client, application, django_capture_on_commit_callbacks, amount_2026="hundrede"
    )
    text = visible_text(response.content.decode())
    assert "større end 0 kr." not in text
    assert nothing_saved(application)
    # Nor asked for the reasons of a partial grant it may not be (fresh eyes round 34:
    # "75 tusind" for one year of a full grant).
    two_years = make_recommended({2026: "75000", 2027: "75000"}, title="To år")
    response = decide(
        staff_client,
        two_years,
        django_capture_on_commit_callbacks,
        amount_2026="75.000",
        amount_2027="75 tusind",
    )
    text = visible_text(response.content.decode())
    assert "skal have en begrundelse" not in text
    assert nothing_saved(two_years)
    # Nothing typed at all is still refused with the reason.
    response = decide(staff_client, application, django_capture_on_commit_callbacks)
    assert "En bevilling skal have et beløb større end 0 kr." in visible_text(
        response.content.decode()
    )


def test_a_year_without_a_pool_is_undecided_not_refused_everywhere(
    client,
    staff_user,
    owner,
    make_recommended,
    make_pool,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Fresh eyes round 12 (caseworker and association alike): money asked for a year with no
    pool yet read "ikke bevilget" on the page, "Ikke bevilget" in the mail and 0 kr. in the
    letter, though the submit page had said it could be granted later. Every place now says
    the year was not decided, and where to ask for it; a year asked nothing is left out."""
    from grants.documents.letters import decision_letter_pdf
    from tests.test_decision_letter import pdf_text

    application = make_recommended({2026: "100000", 2027: "0", 2028: "50000"})
    client.force_login(staff_user)
    decide(
        client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="100.000",
        reasons="Første år.",
    )
    application.refresh_from_db()
    note = "Der var ingen pulje for 2028, da ansøgningen blev behandlet"
    for who, url in (
        (owner, reverse("mine:detail", args=[application.pk])),
        (staff_user, reverse("sekretariat:application", args=[application.pk])),
    ):
        client.force_login(who)
        rows = visible_text(client.get(url).content.decode())
        assert "2028 50.000 kr. ikke afgjort *" in rows and note in rows
        assert "2027 0 kr." not in rows
    [mail] = mailoutbox
    assert "Ikke afgjort for 2028 (søgt: 50.000 kr.): " + note in mail.body
    letter = " ".join(pdf_text(decision_letter_pdf(application.decision)).split())
    assert note in letter
    assert "2028 50.000 kr. ikke afgjort *" in letter  # not "0 kr." (fresh eyes round 13)
    # A pool made afterwards does not rewrite what the decision was, but the case page says
    # it exists now (fresh eyes round 15: "no pool for 2028" beside a planned 2028 pool); the
    # letter keeps the words of the day.
    make_pool(year=2028, budget="500000", status="planned")
    application.decision.refresh_from_db()
    assert [r.no_pool for r in application.decision.year_rows] == [False, True]
    client.force_login(owner)
    rows = visible_text(client.get(reverse("mine:detail", args=[application.pk])).content.decode())
    assert note in rows
    assert "Puljen for 2028 er oprettet siden; beløbet kan søges, når den åbner." in rows
    letter = " ".join(pdf_text(decision_letter_pdf(application.decision)).split())
    assert "oprettet siden" not in letter


def test_an_example_application_never_draws_on_a_real_pool(
    staff_client, make_pool, make_application, django_capture_on_commit_callbacks
):
    """Attack round 12: an application to the example pool was granted 300.000 kr. from a
    real 2028 pool of the same scheme; example data now only meets example data."""
    from grants.models import Allocation, Pool

    example = make_pool(year=2030, is_example=True)
    real = make_pool(year=2031)
    application = make_application(
        target_pool=example,
        status=ApplicationStatus.RECOMMENDED,
        amounts={2030: "1000", 2031: "1000"},
    )
    page = staff_client.get(reverse("sekretariat:decide", args=[application.pk])).content
    assert "har 500.000 kr. til rådighed" not in visible_text(page.decode()).split("2031")[-1]
    # Said as it is (fresh eyes round 15 read "no pool for 2028" beside the real 2028 pool).
    assert "ingen eksempelpulje for 2031 endnu" in visible_text(page.decode())
    response = decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2030="1.000",
        amount_2031="1.000",
        reasons="Begge år.",
    )
    assert (
        "Ansøgningen er i en pulje med eksempeldata, og der er ingen pulje med eksempeldata "
        "for 2031. Eksempeldata får aldrig penge fra en rigtig pulje."
    ) in visible_text(response.content.decode())
    assert not Allocation.objects.filter(pool=real).exists()
    assert Pool.objects.get(pk=real.pk).committed_total == 0


def test_the_deciding_committee_becomes_the_projects_when_the_applicant_named_none(
    staff_client, make_pool, make_application, committee, django_capture_on_commit_callbacks
):
    """Fresh eyes round 15: an association left the committee to the municipality; the letter
    named Socialudvalget, while the public project page and statistics said "–"."""
    pool = make_pool(year=2026, budget="500000")
    application = make_application(
        target_pool=pool, status=ApplicationStatus.RECOMMENDED, amounts={2026: "20000"}
    )
    Application.objects.filter(pk=application.pk).update(committee=None)
    application.refresh_from_db()
    decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        committee=committee.pk,
        amount_2026="20.000",
    )
    application.refresh_from_db()
    assert application.committee == committee
    public = visible_text(
        staff_client.get(reverse("public:project", args=[application.pk])).content.decode()
    )
    assert "Socialudvalget" in public
    # But the applicant's copy of what was sent still says none was chosen (fresh eyes
    # round 19: it claimed the association had chosen Socialudvalget).
    assert application.applied_committee is None
    from grants.documents.pdf import application_pdf
    from tests.test_decision_letter import pdf_text

    copy = pdf_text(application_pdf(application))
    sent = copy.split("Beslutning", 1)[0]  # the decision below names the committee
    assert "Socialudvalget" not in sent
    html = render_to_string(
        "grants/caseworker/_application_copy.html", {"application": application}
    )
    copy_row = re.search(r"Politisk udvalg</dt><dd>(.*?)</dd>", html, re.S)
    assert copy_row is not None and "Socialudvalget" not in copy_row.group(1)


def test_deciding_before_the_deadline_is_said_on_the_form(
    staff_client, staff_user, make_pool, make_application
):
    """Fresh eyes round 16: a decision was registered two months before the deadline without
    a word, while the receipt had told the applicant the pool is decided after it."""
    pool = make_pool(year=2026, budget="500000")  # deadline in 30 days
    application = make_application(
        target_pool=pool, status=ApplicationStatus.RECOMMENDED, amounts={2026: "20000"}
    )
    page = staff_client.get(reverse("sekretariat:decide", args=[application.pk])).content
    assert 'data-testid="deadline-ahead"' in page.decode()
    assert 'data-testid="open-requests"' not in page.decode()
    # An unanswered request is said too (fresh eyes round 17).
    application.information_requests.create(question="Hvor mange?", requested_by=staff_user)
    page = staff_client.get(reverse("sekretariat:decide", args=[application.pk])).content
    assert "Ansøgeren har ikke svaret på en anmodning om oplysninger endnu" in page.decode()
    pool.application_deadline = timezone.now() - timezone.timedelta(days=1)
    pool.save()
    page = staff_client.get(reverse("sekretariat:decide", args=[application.pk])).content
    assert 'data-testid="deadline-ahead"' not in page.decode()


def test_too_little_left_in_a_pool_is_told_with_the_other_problems(
    client, staff_user, make_recommended, django_capture_on_commit_callbacks
):
    """Fresh eyes round 28: a meeting before the application came in, then the pool's money,
    were told one submit after the other."""
    import datetime

    from grants.models import Application, Pool

    application = make_recommended({2026: "100000", 2027: "100000"})
    sent = datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.UTC)
    Application.objects.filter(pk=application.pk).update(submitted_at=sent)
    Pool.objects.filter(year=2027).update(budget=30000)
    client.force_login(staff_user)
    # Pre-filled with what the pool has left, not an amount the form refuses (round 29).
    form = client.get(reverse("sekretariat:decide", args=[application.pk])).content.decode()
    assert 'name="amount_2027" value="30.000"' in form
    # A department's decision is registered as a "beslutning" (fresh eyes round 29).
    assert "Registrér beslutning" in form and "Registrér afgørelse" not in form
    response = decide(
        client,
        application,
        django_capture_on_commit_callbacks,
        amount_2026="100.000",
        amount_2027="100.000",
        meeting_date="2000-01-01",
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "før ansøgningen blev indsendt" in errors["meeting_date"][0]
    assert "har kun 30.000 kr. til rådighed" in errors["amount_2027"][0]
    assert nothing_saved(application)
