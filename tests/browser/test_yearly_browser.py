"""In a real browser: staff find the yearly cycle from their home page, get a private
calendar address and replace it; a caseworker turns a reminder off and chooses English."""

import pytest

from tests.browser.conftest import follow, log_in
from worker.models import Preferences

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_get_and_replace_their_calendar_address(
    live_server, demo, page, screenshot, axe_violations
):
    log_in(page, live_server, "frb-sekretariat", lands_on="/sekretariat/")
    follow(page, page.get_by_role("link", name="Årshjul og kalender"))
    from django.utils import timezone, translation
    from django.utils.formats import date_format

    from grants.models import Pool

    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    follow(page, page.get_by_role("link", name=f"{pool.year} →"))
    # The demo's deadline: 31 January at noon, or 60 days ahead once that is nearer.
    with translation.override("da"):
        shown = date_format(timezone.localtime(pool.application_deadline), "j. F \\k\\l. H:i")
    assert page.get_by_text(shown).count() == 1
    assert page.get_by_text("Ansøgningsfrist", exact=True).count() >= 1

    page.get_by_role("button", name="Lav min kalenderadresse").click()
    page.wait_for_load_state()
    assert f"aar={pool.year}" in page.url  # still the year the user looked at
    first = page.get_by_label("Din private kalenderadresse").input_value()
    assert "/sekretariat/kalender/" in first and first.endswith("/aarshjul.ics")
    assert axe_violations(page) == []
    screenshot(page, "yearly-cycle")

    replace = page.get_by_role(
        "button", name="Lav en ny adresse (den gamle holder op med at virke)"
    )
    replace.click()  # the browser asks for the box first: nothing is sent
    assert page.get_by_label("Din private kalenderadresse").input_value() == first
    page.get_by_label("Ja, den gamle adresse skal holde op med at virke").check()
    with page.expect_navigation():
        replace.click()
    assert page.get_by_text("Den gamle virker ikke længere.").count() == 1
    second = page.get_by_label("Din private kalenderadresse").input_value()
    assert second != first
    assert page.request.get(first).status == 404
    assert page.request.get(second).status == 200


def test_a_caseworker_turns_a_reminder_off_in_english(
    live_server, demo, page, screenshot, axe_violations
):
    log_in(page, live_server, "frb-sagsbehandler")
    page.goto(live_server.url + "/konto/paamindelser/")
    page.get_by_label("Afrapportering over fristen").uncheck()
    page.get_by_label("Sprog i e-mails").select_option("en")
    page.get_by_role("button", name="Gem indstillinger").click()
    page.wait_for_load_state()
    assert page.get_by_text("Dine indstillinger er gemt.").count() == 1
    assert not page.get_by_label("Afrapportering over fristen").is_checked()
    assert axe_violations(page) == []
    screenshot(page, "reminder-settings")
    preferences = Preferences.objects.get(user__username="frb-sagsbehandler")
    assert (preferences.language, preferences.remind_report_overdue) == ("en", False)
