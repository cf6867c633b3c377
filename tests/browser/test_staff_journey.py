"""Committee staff run the pool in a real browser: review, decide, see the balance change."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grants.models import Application, ApplicationStatus, ContactPerson, Pool, RequestedAmount
from grants.services.submission import do_submit
from policies.models import Goal
from portal.models import User
from tests.browser.conftest import follow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def submitted(live_server, demo):
    """The demo data plus one application submitted by frb-sagsbehandler to the open pool."""
    caseworker = User.objects.get(username="frb-sagsbehandler")
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    application = Application.objects.create(
        municipality=pool.municipality,
        pool=pool,
        department=caseworker.department,
        created_by=caseworker,
        committee=pool.municipality.committees.get(abbreviation="AUU"),
        title="Lektiecafé for unge",
        target_group="Unge med anden etnisk baggrund end dansk",
        challenge="Mange mangler ro og hjælp til lektier",
        purpose="Bedre karakterer giver adgang til ungdomsuddannelse",
        description="To ugentlige caféer med frivillige studerende",
        anchoring="Biblioteket overtager caféen",
    )
    RequestedAmount.objects.create(application=application, year=pool.year, amount=Decimal("60000"))
    ContactPerson.objects.create(
        application=application, name="Demo Sagsbehandler", email="demo@example.dk"
    )
    application.goals.set([Goal.objects.get(policy=pool.policy, kind="objective", number=2)])
    application.success_criteria.create(text="70 % består 9. klasse", target_value=70, unit="%")
    do_submit(application_id=application.pk, actor=caseworker)
    return live_server, application, pool


def test_staff_review_decide_and_see_the_balance(submitted, page, screenshot, axe_violations):
    server, application, pool = submitted
    page.goto(server.url + "/login/")
    page.get_by_label("Brugernavn").fill("frb-sekretariat")
    page.get_by_label("Adgangskode").fill("demo")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(server.url + "/sekretariat/")
    assert axe_violations(page) == []
    screenshot(page, "staff-1-home")

    follow(page, page.get_by_role("link", name=pool.title))
    assert page.get_by_test_id("available").inner_text() == "660.000 kr."
    assert axe_violations(page) == []

    follow(page, page.get_by_role("link", name="Ansøgninger", exact=True))
    follow(page, page.get_by_role("link", name="Lektiecafé for unge"))
    assert axe_violations(page) == []
    page.get_by_role("link", name="Bedøm ansøgningen").click()
    for criterion in ("Sammenhæng med politikkens mål", "Målgruppe", "Gennemførlighed"):
        page.get_by_role("group", name=criterion).get_by_label("4").check()
    page.get_by_label("Vurdering").fill("Godt forankret i biblioteket.")
    page.get_by_label(f"Foreslået beløb {pool.year}").fill("50.000")
    assert axe_violations(page) == []
    screenshot(page, "staff-2-review")
    page.get_by_role("button", name="Gem bedømmelse").click()
    expect(page.get_by_text("Din bedømmelse er gemt.")).to_be_visible()

    page.get_by_role("link", name="Indstil til udvalget").click()
    assert page.get_by_label(f"Indstillet beløb {pool.year}").input_value() == "50.000"
    page.get_by_label("Sekretariatets vurdering").fill("Indstilles med 50.000 kr.")
    page.get_by_role("button", name="Indstil", exact=True).click()

    page.get_by_role("link", name="Registrér beslutning").click()
    # A refusal grants nothing: its amounts are out of sight while it is chosen (fresh eyes
    # round 20: the refusal showed the amount asked for as granted).
    amounts = page.locator("#decision-amounts")
    conditions = page.get_by_label("Øvrige vilkår")  # a grant's, not a refusal's (round 21)
    page.get_by_label("Afslået", exact=True).check()
    assert not amounts.is_visible() and not conditions.is_visible()
    page.get_by_label("Bevilget", exact=True).check()
    assert amounts.is_visible() and conditions.is_visible()
    # The meeting has happened, after the submission (today): a future date is refused.
    page.get_by_label("Mødedato").fill(timezone.localdate().isoformat())
    page.get_by_label("Begrundelse").fill("Udvalget bevilger det indstillede beløb.")
    assert axe_violations(page) == []
    screenshot(page, "staff-3-decision")
    page.get_by_role("button", name="Registrér beslutning").click()
    expect(page.get_by_text("Beslutningen er registreret")).to_be_visible()
    screenshot(page, "staff-4-application-decided")

    breadcrumb = page.get_by_role("navigation", name="Brødkrumme")
    follow(page, breadcrumb.get_by_role("link", name=pool.title))
    follow(page, breadcrumb.get_by_role("link", name=pool.title))
    assert page.get_by_test_id("available").inner_text() == "610.000 kr."
    screenshot(page, "staff-5-pool-balance")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
