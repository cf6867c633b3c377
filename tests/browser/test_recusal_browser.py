"""A staff member declares a conflict of interest in a real browser; every action button of
the application disappears for them, while a colleague still sees them."""

import pytest

from tests.browser.conftest import log_in
from tests.browser.test_staff_journey import submitted  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)

ACTIONS = ("Start behandling", "Bedøm ansøgningen", "Send retur")


def test_a_conflicted_member_sees_no_actions(submitted, page, screenshot, axe_violations):  # noqa: F811
    server, application, _pool = submitted
    log_in(page, server, "frb-sekretariat", lands_on="/sekretariat/")
    page.goto(f"{server.url}/sekretariat/ansoegninger/{application.pk}/")
    for name in ACTIONS:
        assert page.get_by_text(name, exact=True).count() > 0, name
    screenshot(page, "recusal-1-before")

    page.get_by_text("Erklær dig inhabil (forvaltningsloven § 3)").click()
    page.get_by_label("Begrundelse for inhabilitet").fill("Min søster leder lektiecaféen.")
    page.get_by_role("button", name="Erklær inhabilitet").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="inhabil").count() > 0
    for name in (*ACTIONS, "Erklær dig inhabil (forvaltningsloven § 3)"):
        assert page.get_by_text(name, exact=True).count() == 0, name
    assert page.get_by_text("Der er ingen handlinger, du kan udføre på ansøgningen nu.").count()
    assert axe_violations(page) == []
    screenshot(page, "recusal-2-after")
