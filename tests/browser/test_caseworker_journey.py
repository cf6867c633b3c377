"""The whole caseworker journey in a real browser: draft, come back, fill in, submit."""

import pytest
from playwright.sync_api import expect

from grants.models import Application, ApplicationStatus
from tests.browser.conftest import TITLE, follow, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_server(live_server, demo):
    return live_server


def test_caseworker_drafts_comes_back_and_submits(demo_server, page, screenshot, axe_violations):
    log_in(page, demo_server, "frb-sagsbehandler")
    assert axe_violations(page) == []
    screenshot(page, "caseworker-1-dashboard")

    # Start a new application in the open (example) pool and save a first draft.
    follow(page, page.get_by_role("link", name="Start en ny ansøgning"))
    page.get_by_label(TITLE).fill("Sprogcafé for nytilkomne kvinder")
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.get_by_text("Kladden er gemt.")).to_be_visible()
    assert axe_violations(page) == []
    edit_url = page.url.split("#")[0]

    # Leave and come back later from the dashboard.
    page.get_by_role("link", name="Mine ansøgninger").first.click()
    page.get_by_role("link", name="Sprogcafé for nytilkomne kvinder").click()
    assert page.url.split("#")[0] == edit_url
    assert page.get_by_label(TITLE).input_value() == "Sprogcafé for nytilkomne kvinder"

    # Fill in every heading the submission needs.
    page.get_by_label("Politisk udvalg").select_option(
        label="Arbejdsmarkeds- og Uddannelsesudvalget (AUU)"
    )
    year = Application.objects.get(title__startswith="Sprogcafé").pool.year
    page.get_by_label(f"Beløb {year}", exact=True).fill("75.000")
    page.get_by_label("Navn").first.fill("Demo Sagsbehandler")
    page.get_by_label("E-mail").first.fill("demo@example.org")
    page.get_by_label("Mål 1: Aktive på arbejdsmarkedet").check()
    page.get_by_label("Hvem er målgruppen for indsatsen?").fill(
        "Nytilkomne kvinder under integrationsprogrammet."
    )
    page.get_by_label("Hvilken udfordring søger indsatsen at håndtere?").fill(
        "Få taler dansk i hverdagen."
    )
    page.get_by_label("Formål/forandringsteori").fill("Mere dansk i hverdagen giver vej til job.")
    page.get_by_label("Beskrivelse af indsatsen (herunder evt. samspil med andre indsatser)").fill(
        "Ugentlig sprogcafé på biblioteket med frivillige."
    )
    page.get_by_label("Succeskriterium").first.fill("80 % deltager i mindst 10 caféer.")
    page.get_by_label("Måltal (valgfrit)").first.fill("80")
    page.get_by_label("Enhed", exact=True).first.fill("%")
    page.get_by_label("Hvad er forankringsperspektivet for indsatsen?").fill(
        "Biblioteket viderefører caféen med frivillige."
    )
    screenshot(page, "caseworker-2-form-filled")
    page.get_by_role("button", name="Gem og gå til indsendelse").click()

    expect(page.get_by_text("Ansøgningen er klar til at blive sendt")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "caseworker-3-submit-check")
    page.get_by_role("button", name="Indsend ansøgningen").click()

    expect(page.get_by_role("heading", name="Ansøgningen er indsendt")).to_be_visible()
    expect(page.get_by_text("75.000 kr.").first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "caseworker-4-receipt")
    application = Application.objects.get(title="Sprogcafé for nytilkomne kvinder")
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.contacts.get().email == "demo@example.org"


def test_autosave_keeps_typing_without_pressing_save(demo_server, page):
    log_in(page, demo_server, "frb-sagsbehandler")
    follow(page, page.get_by_role("link", name="Start en ny ansøgning"))
    page.get_by_label(TITLE).fill("Autosave-prøve")
    page.get_by_label("Hvem er målgruppen for indsatsen?").fill("Unge nytilkomne")
    status = page.locator("[data-autosave-status]")
    status.filter(has_text="Gemt automatisk").wait_for(timeout=10_000)
    application = Application.objects.get(title="Autosave-prøve")
    assert application.target_group == "Unge nytilkomne"
    # A later manual save from the same page is not mistaken for a colleague's edit.
    page.get_by_label("Udfordring", exact=False).first.fill("Svært at finde fodfæste")
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.get_by_text("Kladden er gemt.")).to_be_visible()


def test_a_refused_autosave_marks_the_field_at_once(demo_server, page):
    """Fresh eyes round 10: "Ikke gemt automatisk: ret de markerede felter" while no field
    was marked until "Gem kladde" was pressed."""
    log_in(page, demo_server, "frb-sagsbehandler")
    follow(page, page.get_by_role("link", name="Start en ny ansøgning"))
    page.get_by_label(TITLE).fill("Markeret felt")
    amount = page.locator('input[name^="amount_"]:not([name="amount_note"])').first
    amount.fill("8x.500")
    status = page.locator("[data-autosave-status]")
    status.filter(has_text="Ikke gemt automatisk").wait_for(timeout=10_000)
    assert "is-invalid" in amount.get_attribute("class")
    feedback = page.locator("[data-autosave-error]")
    assert feedback.count() == 1 and feedback.first.is_visible()
    assert amount.get_attribute("aria-describedby").endswith(feedback.first.get_attribute("id"))
    amount.fill("85.500")
    status.filter(has_text="Gemt automatisk kl.").wait_for(timeout=10_000)
    assert page.locator("[data-autosave-error]").count() == 0
    assert "is-invalid" not in (amount.get_attribute("class") or "")


def test_success_criteria_rows_can_be_added_with_the_button(demo_server, page):
    log_in(page, demo_server, "frb-sagsbehandler")
    follow(page, page.get_by_role("link", name="Start en ny ansøgning"))
    page.get_by_label(TITLE).fill("Flere rækker")
    page.get_by_label("Succeskriterium").first.fill("Første kriterium")
    # Beside the button, not the hint for a form without script (fresh eyes round 21), and
    # no »Slet« named before a saved row has one (fresh eyes round 24).
    assert not page.get_by_text("et nyt succeskriterium; gem for at få en mere").is_visible()
    assert page.get_by_text("»Slet«").count() == 0
    page.get_by_role("button", name="Tilføj succeskriterium").click()
    page.get_by_label("Succeskriterium").nth(1).fill("Andet kriterium")
    page.get_by_role("button", name="Gem kladde").click()
    application = Application.objects.get(title="Flere rækker")
    assert list(application.success_criteria.values_list("text", flat=True)) == [
        "Første kriterium",
        "Andet kriterium",
    ]
    page.wait_for_load_state()
    expect(page.get_by_text("Sæt kryds i »Slet« for at fjerne et succeskriterium.")).to_be_visible()


def rows_named_for_screen_readers(page, formset: str, button: str, group: str, field: str):
    """Adds two rows to the form's `formset` with its `button`; each of the three is a group
    "<group> N" whose first text box is `<formset>-<N-1>-<field>`, numbered without taking
    room on the page. Returns the rows."""
    page.get_by_role("button", name=button).click()
    page.get_by_role("button", name=button).click()
    rows = page.locator(f"[data-formset={formset}] > [data-formset-row]")
    expect(rows).to_have_count(3)
    for number in (1, 2, 3):
        named = page.get_by_role("group", name=f"{group} {number}", exact=True)
        expect(named).to_have_count(1)
        name = f"{formset}-{number - 1}-{field}"
        expect(named.get_by_role("textbox").first).to_have_attribute("name", name)
    # Heard, not seen: the number takes no room on the page.
    for index in (1, 2):
        legend = rows.nth(index).locator("legend")
        assert legend.evaluate("node => node.getBoundingClientRect().width") <= 1
    return rows


def test_each_contact_row_is_named_for_screen_readers(demo_server, page):
    """Fresh eyes round 39: a screen reader heard "Navn", "Navn" with nothing to tell the
    contact persons apart. Each row is a group "Kontaktperson N", the button's rows too."""
    log_in(page, demo_server, "frb-sagsbehandler")
    follow(page, page.get_by_role("link", name="Start en ny ansøgning"))
    rows_named_for_screen_readers(page, "contacts", "Tilføj kontaktperson", "Kontaktperson", "name")


def test_each_success_criterion_row_is_named_for_screen_readers(demo_server, page):
    """Fresh eyes round 39: the criteria rows had nothing to tell them apart for a screen
    reader either. Each is a group "Succeskriterium N", the button's rows too; the saved
    rows with their »Slet« as well."""
    log_in(page, demo_server, "frb-sagsbehandler")
    follow(page, page.get_by_role("link", name="Start en ny ansøgning"))
    page.get_by_label(TITLE).fill("Navngivne kriterier")
    rows = rows_named_for_screen_readers(
        page, "criteria", "Tilføj succeskriterium", "Succeskriterium", "text"
    )
    for number in (1, 2, 3):
        page.locator(f'[name="criteria-{number - 1}-text"]').fill(f"Kriterium {number}")
    page.get_by_role("button", name="Gem kladde").click()
    page.wait_for_load_state()
    # Saved: three rows with »Slet« and the empty one, each its own number.
    expect(rows).to_have_count(4)
    group = page.get_by_role("group", name="Succeskriterium 2", exact=True)
    expect(group.get_by_label("Slet")).to_have_count(1)
    expect(page.get_by_role("group", name="Succeskriterium 4", exact=True)).to_have_count(1)


def test_a_mail_link_to_a_place_on_a_page_lands_there_after_signing_in(demo_server, page):
    """Fresh eyes round 21: the decision mail links to "…#decision-heading"; signing in on
    the way lost the "#…", and the page opened at its top."""
    from portal.models import User

    caseworker = User.objects.get(username="frb-sagsbehandler")
    decided = Application.objects.filter(
        department_id=caseworker.department_id, decision__isnull=False
    ).first()
    path = f"/mine/ansoegninger/{decided.pk}/"
    page.goto(demo_server.url + path + "#decision-heading")
    assert "/login/" in page.url
    page.get_by_label("Brugernavn").fill("frb-sagsbehandler")
    page.get_by_label("Adgangskode").fill("demo")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(demo_server.url + path + "#decision-heading")
    expect(page.locator("#decision-heading")).to_be_visible()


def test_a_chosen_file_is_said_to_wait_for_gem_kladde_and_leaving_asks_first(demo_server, page):
    """Fresh eyes round 21: "Gemt automatisk" stood beside a chosen file, which the
    background save does not attach; leaving lost it without a word."""
    log_in(page, demo_server, "frb-sagsbehandler")
    follow(page, page.get_by_role("link", name="Start en ny ansøgning"))
    page.get_by_label("Vedhæft fil").set_input_files(
        files=[{"name": "tidsplan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"}]
    )
    status = page.locator("[data-autosave-status]")
    # Said on the file's "change" event: waited for, not read at once (a loaded CI machine
    # read the text before the event had run).
    status.filter(has_text="ikke vedhæftet endnu").wait_for(timeout=10_000)
    page.get_by_label(TITLE).fill("Fil venter")
    status.filter(has_text="Gemt automatisk").wait_for(timeout=10_000)
    assert "ikke vedhæftet endnu" in status.inner_text()
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Mine ansøgninger").first.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]


def test_a_file_too_large_is_said_as_it_is_chosen(demo_server, page, settings):
    """Fresh eyes round 34: a file over the limit was only refused after "Gem kladde" sent
    it (with every other mistake first). The page says so as it is chosen, and drops it."""
    settings.ATTACHMENT_MAX_BYTES = 1_500_000
    log_in(page, demo_server, "frb-sagsbehandler")
    follow(page, page.get_by_role("link", name="Start en ny ansøgning"))
    expect(page.get_by_text("højst 1,5 MB")).to_be_visible()
    page.get_by_label("Vedhæft fil").set_input_files(
        files=[
            {
                "name": "stor.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n" + b"0" * 2_500_000,
            }
        ]
    )
    # At the field, where it was chosen (fresh eyes round 34: only by the buttons below).
    help_text = page.locator("#attachment-help")
    help_text.filter(has_text="Filen er for stor (2,5 MB)").wait_for(timeout=10_000)
    assert "højst fylde 1,5 MB" in help_text.inner_text()
    # Still chosen: a save refused for another mistake says the file again, as without the
    # script (fresh eyes round 34: cleared, it was forgotten without a word).
    page.locator('input[name^="amount_"]').first.fill("mange penge")
    page.get_by_role("button", name="Gem kladde").click()
    expect(
        page.get_by_text("Filen »stor.pdf« er ikke vedhæftet: Filen er for stor")
    ).to_be_visible()
