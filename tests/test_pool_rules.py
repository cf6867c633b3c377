"""A pool says who may apply, for how many years, how much at most, and when a short form
is enough; staff set it on the pool's form, and the public call page says it plainly."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from grants.models import Allocation, ApplicationStatus, Pool
from grants.services.errors import DomainError
from grants.services.submission import do_submit, missing_for_submission
from tests.page_crawl import visible_text
from tests.sitemap_files import sitemap_text
from tests.staff_support import decide, messages_of
from tests.test_missing_pools import make_recommended  # noqa: F401 (a fixture)
from tests.test_staff_pools import form_values
from tests.test_submission import complete_application  # noqa: F401 (a fixture)


def test_staff_set_who_may_apply_and_the_limits_on_the_pool_form(staff_client, pool):
    edit_url = reverse("sekretariat:pool-edit", args=[pool.pk])
    data = form_values(staff_client.get(edit_url)) | {
        "applicants": "organisations",
        "max_grant_years": "3",
        "max_amount": "200.000",
        "short_form_below": "50.000",
        "criteria": "Frivillige bærer arbejdet.",
    }

    response = staff_client.post(edit_url, data, follow=True)

    assert "Puljen er gemt." in messages_of(response)
    pool.refresh_from_db()
    assert (pool.applicants, pool.max_grant_years) == ("organisations", 3)
    assert (pool.max_amount, pool.short_form_below) == (Decimal("200000"), Decimal("50000"))
    assert pool.years == [2026, 2027, 2028]
    page = response.content.decode()
    assert "Foreninger og organisationer" in page and "200.000 kr." in page


def test_a_frederiksberg_pool_keeps_two_years_for_departments(pool):
    assert pool.applicants == "departments" and pool.years == [2026, 2027]


def test_submitting_above_the_maximum_is_refused_in_danish(complete_application, caseworker):  # noqa: F811
    Pool.objects.filter(pk=complete_application.pool_id).update(max_amount=Decimal("50000"))

    with pytest.raises(DomainError) as refusal:
        do_submit(application_id=complete_application.pk, actor=caseworker)

    assert "giver højst 50.000 kr. til en ansøgning" in refusal.value.message
    complete_application.refresh_from_db()
    assert complete_application.status == ApplicationStatus.DRAFT
    # The submit page lists it with what is missing, before "Indsend" (fresh eyes round 14).
    missing = missing_for_submission(complete_application)
    assert any("giver højst 50.000 kr." in item for item in missing)


def test_the_form_says_at_the_total_when_it_is_above_the_maximum(
    client,
    complete_application,  # noqa: F811
    caseworker,
):
    """Fresh eyes round 29: "I alt: 550.000 kr." under "Puljen giver højst 500.000 kr." said
    nothing until the submit page. The form's script shows and hides the same line."""
    import re

    client.force_login(caseworker)
    url = reverse("mine:edit", args=[complete_application.pk])
    Pool.objects.filter(pk=complete_application.pool_id).update(max_amount=Decimal("10000000"))
    page = client.get(url).content.decode()
    warning = re.search(r"<p[^>]*data-over-max[^>]*>", page)[0]
    assert "hidden" in warning and 'data-max="10000000.00"' in page
    Pool.objects.filter(pk=complete_application.pool_id).update(max_amount=Decimal("50000"))
    page = client.get(url).content.decode()
    assert "hidden" not in re.search(r"<p[^>]*data-over-max[^>]*>", page)[0]
    assert "så de i alt er højst 50.000 kr., før du sender" in page


def test_granting_above_the_maximum_is_refused(
    staff_client,
    make_pool,
    make_recommended,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    pool = make_pool(year=2027, max_amount=Decimal("80000"))
    make_pool(year=2028)
    application = make_recommended({2027: "60000", 2028: "40000"}, target_pool=pool)

    response = decide(
        staff_client,
        application,
        django_capture_on_commit_callbacks,
        amount_2027="60.000",
        amount_2028="40.000",
    )

    assert "giver højst 80.000 kr. til en ansøgning" in response.content.decode()
    assert not Allocation.objects.filter(application=application).exists()


def test_a_small_application_needs_only_the_short_form(make_application, pool):
    Pool.objects.filter(pk=pool.pk).update(short_form_below=Decimal("50000"))
    small = make_application(amounts={2026: "20000"})
    large = make_application(amounts={2026: "60000"})

    small_missing, large_missing = missing_for_submission(small), missing_for_submission(large)

    assert "Angiv mindst ét succeskriterium." not in small_missing
    assert "Udfyld »Formål/forandringsteori«." in small_missing
    assert "Angiv mindst ét succeskriterium." in large_missing


def test_the_call_page_tells_an_association_how_to_apply(client, pool):
    Pool.objects.filter(pk=pool.pk).update(
        applicants="organisations",
        max_amount=Decimal("200000"),
        criteria="Frivillige bærer arbejdet.",
        contact="Puljesekretariatet, pulje@example.dk",
        max_grant_years=3,
    )

    page = client.get(reverse("public:call", args=[pool.pk])).content.decode()

    assert "Foreninger, selvejende institutioner" in page
    assert "Frivillige bærer arbejdet." in page
    assert "Du kan højst søge 200.000 kr." in page
    assert "Du kan søge penge for op til 3 år." in page
    assert "Får du under 100.000 kr. i alt, sender du en kort evaluering året efter." in page
    assert "Får du 100.000 kr. eller mere over hele perioden, laver du en samarbejdsaftale" in page
    # Every duty a large grant's letter names, and when the answer comes (fresh eyes 20).
    assert "sender en slutrapport senest 31. marts året efter, at projektet slutter" in page
    assert "Datoen for udvalgets møde er ikke fastsat endnu." in page
    assert "pulje@example.dk" in page
    assert 'data-testid="apply-organisation"' in page
    # A new association is told before signing in that the municipality creates it first.
    assert "Er jeres forening ny i portalen, skal kommunen først oprette den" in page
    # The documents an association sends, told before the form (fresh eyes round 29).
    assert "sender også sine vedtægter og sit seneste regnskab" in page
    assert 'data-testid="apply-department"' not in page
    # Linked from the front page and the pool's page, and listed in the sitemap.
    call_url = reverse("public:call", args=[pool.pk])
    front = client.get("/").content.decode()
    assert f'href="{call_url}"' in front
    # ... saying whom the pool is for (fresh eyes round 21).
    assert "(for foreninger og organisationer)" in visible_text(front)
    pool_page = visible_text(client.get(pool.public_url).content.decode())
    assert f'href="{call_url}"' in client.get(pool.public_url).content.decode()
    # The pool's own page says who may apply, by when and how much, before its money table.
    assert "Puljen er åben for ansøgninger fra foreninger og organisationer. Frist:" in pool_page
    assert "Højst 200.000 kr. pr. ansøgning." in pool_page
    assert 'href="mailto:pulje@example.dk"' in page  # the contact is a link
    assert f"{call_url}</loc>" in sitemap_text(client)


def test_a_closed_pools_call_says_it_is_closed_and_a_planned_one_is_not_out(client, pool):
    """Fresh eyes round 16: a call link shared earlier answered "Siden findes ikke" once the
    pool closed. It says the pool is closed, with no way to apply."""
    pool.status = "closed"
    pool.closed_at = timezone.now()
    pool.save()
    response = client.get(reverse("public:call", args=[pool.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="call-closed"' in page
    # Closed before its deadline (a month ahead): not "Fristen var" (fresh eyes round 17),
    # and not "Frist:" a time ahead either, but when it closed.
    closed = date_format(timezone.localtime(pool.closed_at), "DATETIME_FORMAT")
    assert f"Puljen blev lukket for ansøgninger før fristen, den {closed}." in page
    assert 'data-testid="deadline"' not in page
    pool.application_deadline = timezone.now() - timezone.timedelta(days=1)
    pool.save()
    page = client.get(reverse("public:call", args=[pool.pk])).content.decode()
    assert "Puljen er lukket for ansøgninger. Fristen var" in page
    assert reverse("mine:start", args=[pool.pk]) not in page
    pool.status = "planned"
    pool.save()
    assert client.get(reverse("public:call", args=[pool.pk])).status_code == 404


def _edit(staff_client, pool, **changes):
    edit_url = reverse("sekretariat:pool-edit", args=[pool.pk])
    return staff_client.post(edit_url, form_values(staff_client.get(edit_url)) | changes)


def test_the_year_is_fixed_once_applications_or_carried_over_money_are_tied_to_it(
    staff_client, make_pool, make_application, staff_user
):
    """Attack round 10: a pool's year could change while applications waited for a decision
    (their years no longer matched) and while carried-over money was booked to it ("2022 →
    2024")."""
    from grants.models import CarryOver

    pool = make_pool(year=2026)
    assert _edit(staff_client, pool, year="2030").status_code == 302  # nothing tied yet
    pool.refresh_from_db()
    assert pool.year == 2030
    draft = make_application(target_pool=pool, amounts={2030: "10000"})
    response = _edit(staff_client, pool, year="2031")
    assert response.status_code == 400
    assert "Året kan ikke ændres, når der er ansøgninger til puljen" in response.content.decode()
    pool.refresh_from_db()
    assert pool.year == 2030

    draft.delete()
    earlier = make_pool(year=2029)
    CarryOver.objects.create(
        application=make_application(target_pool=earlier, amounts={2029: "10000"}),
        from_pool=earlier,
        to_pool=pool,
        amount=Decimal("5000"),
        approved_by=staff_user,
    )
    response = _edit(staff_client, pool, year="2031")
    assert "der er overført restmidler til eller fra puljen" in response.content.decode()
    pool.refresh_from_db()
    assert pool.year == 2030


def test_an_open_pool_gets_no_deadline_in_the_past(staff_client, pool, staff_user):
    """Attack round 10: a past deadline was saved while the pool still said "Søg puljen"."""
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    response = _edit(staff_client, pool, application_deadline=f"{yesterday:%Y-%m-%dT%H:%M}")
    assert response.status_code == 400
    assert "Fristen ligger før nu, men puljen er åben" in response.content.decode()
    pool.refresh_from_db()
    assert pool.application_deadline > timezone.now()

    from grants.services.pools import do_set_pool_status

    Pool.objects.filter(pk=pool.pk).update(status="planned", application_deadline="2020-01-01")
    with pytest.raises(DomainError, match="Ansøgningsfristen er overskredet"):
        do_set_pool_status(pool_id=pool.pk, actor=staff_user, status="open")


def test_who_may_apply_and_the_period_cannot_shut_out_applications_the_pool_has(
    staff_client, make_pool, make_application
):
    """Attack round 11: a pool was switched to departments only after associations applied,
    and its longest period cut below a 3-year request."""
    pool = make_pool(year=2026)
    Pool.objects.filter(pk=pool.pk).update(applicants="both", max_grant_years=3)
    pool.refresh_from_db()
    make_application(target_pool=pool, amounts={2026: "1000", 2028: "1000"})
    response = _edit(staff_client, pool, applicants="organisations")
    assert "ansøgninger fra kommunens afdelinger" in response.content.decode()
    response = _edit(staff_client, pool, max_grant_years="2")
    assert "ikke være kortere end 3 år" in response.content.decode()
    pool.refresh_from_db()
    assert (pool.applicants, pool.max_grant_years) == ("both", 3)
    assert _edit(staff_client, pool, applicants="departments").status_code == 302


def test_a_planned_pool_opens_by_itself_only_ahead_of_now(staff_client, make_pool):
    """Fresh eyes round 12: a planned pool saved with its opening in the past; the yearly
    cycle showed an opening that never came."""
    pool = make_pool(year=2026)
    Pool.objects.filter(pk=pool.pk).update(status="planned")
    past = _edit(staff_client, pool, opens_at="2020-10-01T09:00")
    assert past.status_code == 400
    assert "Tidspunktet for åbning ligger før nu" in past.content.decode()
    assert 'value="2020-10-01T09:00"' in past.content.decode()  # what was typed is kept
    pool.refresh_from_db()
    assert pool.opens_at is None
    # An earlier year's round may record its past deadline; a round still to come may not
    # (fresh eyes round 13), nor one years away from the pool's year.
    earlier = make_pool(year=2021)
    Pool.objects.filter(pk=earlier.pk).update(status="planned")
    assert _edit(staff_client, earlier, application_deadline="2020-11-01T12:00").status_code == 302
    this_year = timezone.localdate().year
    current = Pool.objects.filter(year=this_year).first() or make_pool(year=this_year)
    Pool.objects.filter(pk=current.pk).update(status="planned")
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    refused = _edit(staff_client, current, application_deadline=f"{yesterday:%Y-%m-%dT%H:%M}")
    assert "Fristen ligger før nu. Vælg en frist senere end nu." in refused.content.decode()
    far = _edit(staff_client, current, application_deadline=f"{this_year + 3}-01-05T12:00")
    assert (
        f"Fristen ligger i {this_year + 3}, men puljen er for {this_year}. Tjek årstallet."
    ) in far.content.decode()


def test_every_date_error_of_the_pool_form_shows_in_one_round(staff_client, make_pool):
    """Fresh eyes round 13: an opening in the past was told only after the form's own errors
    were fixed, and then without "Puljen er ikke gemt"."""
    pool = make_pool(year=2026)
    Pool.objects.filter(pk=pool.pk).update(status="planned")
    response = _edit(
        staff_client,
        pool,
        opens_at="2020-10-01T09:00",
        application_deadline="2099-11-01T12:00",
        committee_meeting_on="2099-10-01",
        budget="-5",
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Puljen er ikke gemt" in page
    assert "Tidspunktet for åbning ligger før nu" in page
    assert "Udvalgsmødet kan ikke ligge før ansøgningsfristen" in page
    # An opening in the past and after the deadline gets both errors, and a year the
    # scheme already has is told in the same round (fresh eyes round 14).
    make_pool(year=2099)
    again = _edit(
        staff_client,
        pool,
        year="2099",
        opens_at="2020-10-01T09:00",
        application_deadline="2019-11-01T12:00",
    ).content.decode()
    assert "Tidspunktet for åbning ligger før nu" in again
    assert "Puljen skal åbne før ansøgningsfristen" in again
    assert "har allerede en pulje for 2099: »" in again
    # Alone, the service's refusal is announced as unsaved too.
    alone = _edit(staff_client, pool, opens_at="2020-10-01T09:00")
    assert "Puljen er ikke gemt" in alone.content.decode()


def test_an_hour_the_clock_change_skips_is_explained_in_plain_words(staff_client, make_pool):
    """Fresh eyes round 13: 02:30 on the night summer time starts showed Django's time-zone
    wording ("kunne ikke fortolkes i tidszonen Europe/Copenhagen")."""
    pool = make_pool(year=2026)
    response = _edit(staff_client, pool, application_deadline="2099-03-29T02:30")
    page = response.content.decode()
    assert response.status_code == 400
    assert "fordi uret stilles om mellem sommertid og vintertid" in page
    assert "Europe/Copenhagen" not in page
    assert 'value="2099-03-29T02:30"' in page  # what was typed is kept


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_a_reserved_amount_not_above_zero_is_refused_at_its_field(staff_client, make_pool, amount):
    """Attack round 13: 0 kr. showed "Begrænsning »reservedline_amount_positive« er
    overtrådt" and marked no field."""
    pool = make_pool(year=2026)
    response = _edit(
        staff_client, pool, **{"reserved-0-title": "Integrationspris", "reserved-0-amount": amount}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "reservedline_amount_positive" not in page
    assert "Beløbet skal være større end 0 kr." in page or "kan ikke være negativt" in page
    assert (
        'is-invalid" id="id_reserved-0-amount"' in page
        or re.search(
            r'id="id_reserved-0-amount"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_reserved-0-amount"',
            page,
        )
        or "id_reserved-0-amount_error" in page
    )


def test_an_unchanged_deadline_saved_with_seconds_is_not_judged_again(staff_client, make_pool):
    """The form and the service judge "changed" alike: a past deadline stored with seconds
    (an earlier round's import) does not block saving the pool's other fields."""
    pool = make_pool(year=2026)
    past = timezone.now() - datetime.timedelta(days=400)
    Pool.objects.filter(pk=pool.pk).update(
        status="planned", application_deadline=past.replace(second=17)
    )
    response = _edit(staff_client, pool, title="Nyt navn")
    assert response.status_code == 302, response.content.decode()[:2000]
    pool.refresh_from_db()
    assert pool.title == "Nyt navn"


def test_closing_a_pool_early_tells_the_drafts_people_and_their_form(
    client,
    pool,
    make_application,
    owner,
    staff_user,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """Fresh eyes round 15: closed before its deadline, the pool's drafts just dropped out of
    "Venter på dig"; their people got no word, and the form still looked sendable."""
    from django.test import Client

    from grants.models import ApplicationStatus

    draft = make_application(
        target_pool=pool, status=ApplicationStatus.DRAFT, created_by=owner, title="Lektiecafé"
    )
    pool.contact = "puljer@testrup.dk"
    pool.save()
    staff = Client()
    staff.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("sekretariat:pool-status", args=[pool.pk]), {"status": "closed"})
    assert mailoutbox == []  # not confirmed: not closed
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            reverse("sekretariat:pool-status", args=[pool.pk]), {"status": "closed", "confirm": "1"}
        )
    [mail] = [m for m in mailoutbox if owner.email in m.to]
    assert mail.subject == f"Puljen er lukket: {pool.title}"
    assert "før fristen" in mail.body and "»Lektiecafé« blev ikke sendt" in mail.body
    assert "puljer@testrup.dk" in mail.body
    client.force_login(owner)
    form = client.get(reverse("mine:edit", args=[draft.pk])).content.decode()
    assert 'data-testid="window-refusal"' in form
    assert "er lukket for ansøgninger, så kladden kan ikke sendes til den" in form
    # Fresh eyes round 18: the mail links to the case page, which said only "Kladde"; the
    # list did too.
    case = client.get(reverse("mine:detail", args=[draft.pk])).content.decode()
    assert 'data-testid="send-refusal"' in case
    assert "er lukket for ansøgninger, så kladden kan ikke sendes til den" in case
    assert (
        "kan ikke sendes: puljen er lukket"
        in client.get(reverse("mine:dashboard")).content.decode()
    )


def test_the_dates_say_when_a_pool_opened_and_closed_by_hand_and_a_reopening_is_told(
    make_pool, make_application, owner, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    """Fresh eyes round 20: opened by hand, a pool kept its planned opening (the yearly cycle
    showed it still to come, the form measured the deadline against it); closed early, it
    showed its deadline as if it had run to it; reopened, nobody who was told "kan ikke
    længere sendes" heard that it could again. Round 21: closing early overwrote the deadline,
    so reopening needed it typed again."""
    from grants import yearly
    from grants.models import ApplicationStatus, PoolStatus
    from grants.services.pools import do_set_pool_status

    planned_opening = timezone.now() + datetime.timedelta(days=200)
    deadline = timezone.now() + datetime.timedelta(days=300)
    pool = make_pool(year=timezone.localdate().year + 1)
    Pool.objects.filter(pk=pool.pk).update(
        status=PoolStatus.PLANNED, opens_at=planned_opening, application_deadline=deadline
    )
    before = timezone.now()
    do_set_pool_status(pool_id=pool.pk, actor=staff_user, status=PoolStatus.OPEN)
    pool.refresh_from_db()
    assert before <= pool.opens_at <= timezone.now()
    make_application(target_pool=pool, status=ApplicationStatus.DRAFT, created_by=owner)

    with django_capture_on_commit_callbacks(execute=True):
        do_set_pool_status(pool_id=pool.pk, actor=staff_user, status=PoolStatus.CLOSED)
    pool.refresh_from_db()
    assert pool.application_deadline == deadline  # kept as chosen
    assert before <= pool.closed_at <= timezone.now() and pool.closed_early
    [closed] = mailoutbox
    # The deadline it was closed before, not the closing moment.
    shown = date_format(timezone.localtime(deadline), "DATETIME_FORMAT")
    assert f"før fristen {shown}" in closed.body
    shown = [
        (event.kind, event.day)
        for event in yearly.events(
            pool.municipality_id, datetime.date(2000, 1, 1), datetime.date(2100, 1, 1)
        )
        if event.uid.startswith(f"pool-{pool.pk}-")
    ]
    # Opened and closed today; the deadline it no longer holds is not in the cycle.
    today = timezone.localdate()
    assert shown == [("pool_opens", today), ("pool_closed", today)]

    # Reopened with the deadline it had; the drafts' people hear of it.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_set_pool_status(pool_id=pool.pk, actor=staff_user, status=PoolStatus.OPEN)
    [reopened] = mailoutbox
    assert reopened.subject == f"Puljen er åbnet igen: {pool.title}"
    # "sendes", not "sendes igen": the draft was never sent (fresh eyes round 21).
    assert "kan nu sendes, senest" in reopened.body
    pool.refresh_from_db()
    assert pool.closed_at is None and pool.application_deadline == deadline


def test_starting_an_application_in_a_closed_pool_says_it_is_closed(client, pool, owner):
    """Fresh eyes round 18: "Start en ny ansøgning" from an old link to a closed pool gave
    "Siden findes ikke"."""
    from grants.models import PoolStatus

    pool.contact = "puljer@testrup.dk"
    pool.save()
    Pool.objects.filter(pk=pool.pk).update(status=PoolStatus.CLOSED)
    client.force_login(owner)
    response = client.get(reverse("mine:start", args=[pool.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("mine:dashboard")
    page = response.content.decode()
    assert f"»{pool.title}« er lukket for ansøgninger. Fristen var" in page
    assert "puljer@testrup.dk" in page
    Pool.objects.filter(pk=pool.pk).update(status=PoolStatus.PLANNED)  # not public: not found
    assert client.get(reverse("mine:start", args=[pool.pk])).status_code == 404


def test_the_calls_criteria_typed_one_a_line_are_a_list(client, pool):
    """Fresh eyes round 18: the criteria were bare lines between bulleted lists."""
    pool.criteria = "- Frivillige bærer projektet\n• Nye naboer deltager\n\nLokal forankring"
    pool.save()
    page = client.get(reverse("public:call", args=[pool.pk])).content.decode()
    assert (
        "<ul><li>Frivillige bærer projektet</li><li>Nye naboer deltager</li>"
        "<li>Lokal forankring</li></ul>" in page
    )
    pool.criteria = "Én sætning om det hele."
    pool.save()
    assert (
        "<p>Én sætning om det hele.</p>"
        in client.get(reverse("public:call", args=[pool.pk])).content.decode()
    )


def test_the_call_says_what_can_still_be_applied_for(client, pool):
    """Fresh eyes round 16: the call said the whole budget was there to give, with 40.000 kr.
    of it set aside already."""
    from grants.models import ReservedLine

    ReservedLine.objects.create(pool=pool, title="Prisuddeling", amount=40000)
    pool.save()  # the public pages hear of it
    page = client.get(reverse("public:call", args=[pool.pk])).content.decode()
    assert (
        "Puljen har 500.000 kr. i alt. 40.000 kr. er allerede givet eller sat af, så "
        "460.000 kr. kan stadig søges." in page
    )


def test_the_highest_amount_cannot_drop_below_a_grant_the_pool_has_made(
    staff_client, make_pool, make_application
):
    """Fresh eyes round 21: the highest amount per application was lowered to 50.000 kr.
    beside a grant of 150.000 kr., and the pool's page then promised what it had broken."""
    from grants.services.decisions import do_import_funded_application

    pool = make_pool(year=2026, budget="500000")
    application = make_application(target_pool=pool, amounts={2026: "150000"})
    do_import_funded_application(
        application_id=application.pk, amounts={2026: Decimal("150000")}, source="test"
    )

    response = _edit(staff_client, pool, max_amount="50.000")

    assert response.status_code == 400
    assert "Puljen har givet 150.000 kr. til én ansøgning" in response.content.decode()
    pool.refresh_from_db()
    assert pool.max_amount is None
    assert _edit(staff_client, pool, max_amount="150.000").status_code == 302


def test_the_call_page_says_grants_are_made_when_some_are(client, pool, make_application):
    """Fresh eyes round 24: grants decided before the deadline were on the pool's page while
    its call said the committee's meeting was not set yet."""
    from tests.test_public_catalogue import fund

    call = reverse("public:call", args=[pool.pk])
    fund(make_application(title="Tidligt projekt", target_pool=pool, amounts={pool.year: "1000"}))

    page = client.get(call).content.decode()

    assert "Udvalget har allerede givet penge til de første projekter" in page
    assert f'href="{pool.public_url}"' in page
    assert "Datoen for udvalgets møde er ikke fastsat endnu." not in page
