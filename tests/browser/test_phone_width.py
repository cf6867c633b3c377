"""At 390 px no page of any role scrolls sideways (fresh eyes found the report list 643 px
wide, and the history table pushing application pages to 448 px), and no form heading
(legend) lies on top of what follows it (the success criteria's box ran through its heading)."""

import pytest
from django.urls import reverse

from grants.models import Application, ApplicationStatus, Pool, Report
from indicators.models import Indicator
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def pages(role):
    active = Application.objects.filter(
        municipality__slug="frederiksberg", status=ApplicationStatus.ACTIVE
    ).first()
    pool = Pool.objects.filter(municipality__slug="frederiksberg").order_by("year").first()
    report = Report.objects.filter(application__municipality__slug="frederiksberg").first()
    indicator = (
        Indicator.objects.filter(municipality__slug="frederiksberg")
        .exclude(measurements=None)
        .first()
    )
    if role == "staff":
        return [
            reverse("sekretariat:home"),
            reverse("sekretariat:reports"),
            reverse("sekretariat:application", args=[active.pk]),
            reverse("sekretariat:pool", args=[pool.pk]),
            reverse("sekretariat:queue", args=[pool.pk]),
            reverse("dokumenter:results"),
            reverse("sekretariat:report", args=[report.pk]),
            reverse("sekretariat:calendar") + "?aar=2027",
            reverse("preferences"),
            reverse("sekretariat:pool-edit", args=[pool.pk]),
            # The measurements table with its hidden "Handlinger" column (round 21).
            reverse("indikatorer:edit", args=[indicator.pk]),
        ]
    open_pool = Pool.objects.filter(municipality__slug="frederiksberg", status="open").first()
    return [
        reverse("mine:dashboard"),
        reverse("mine:detail", args=[active.pk]),
        reverse("mine:start", args=[open_pool.pk]),
        reverse("preferences"),
    ]


# Legends whose box overlaps the next visible element in their fieldset.
OVERLAPPING_LEGENDS = """Array.from(document.querySelectorAll('fieldset > legend'))
.filter(legend => {
  const bottom = legend.getBoundingClientRect().bottom;
  let next = legend.nextElementSibling;
  while (next && next.getClientRects().length === 0) next = next.nextElementSibling;
  return next && legend.offsetParent !== null && next.getBoundingClientRect().top < bottom - 1;
}).map(legend => legend.textContent.trim())"""


@pytest.mark.parametrize(
    ("username", "role", "lands_on"),
    [("frb-sekretariat", "staff", "/sekretariat/"), ("frb-sagsbehandler", "caseworker", "/mine/")],
)
def test_no_page_scrolls_sideways_on_a_phone(
    live_server, demo, phone_page, screenshot, username, role, lands_on
):
    # A title with no break points (fresh eyes round 16: a long address in a title made the
    # case pages 610 px wide).
    active = Application.objects.filter(
        municipality__slug="frederiksberg", status=ApplicationStatus.ACTIVE
    ).first()
    Application.objects.filter(pk=active.pk).update(
        title="Tilmelding:https://www.sprogcafeen.dk/tilmeldingogprogramforforaaret2027"
    )
    # A year asked for with no pool to decide it: the card's longest amount line (fresh eyes
    # round 29: "2028: ikke afgjort (ingen pulje ved afgørelsen)" made /mine/ 396 px wide).
    from grants.models import RequestedAmount

    RequestedAmount.objects.create(application=active, year=2040, amount=1000)
    log_in(phone_page, live_server, username, lands_on=lands_on)
    too_wide, overlapping = {}, {}
    for path in pages(role) + [reverse("public:project", args=[active.pk])]:
        phone_page.goto(live_server.url + path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
        if legends := phone_page.evaluate(OVERLAPPING_LEGENDS):
            overlapping[path] = legends
    screenshot(phone_page, f"phone-width-{role}")
    assert too_wide == {}
    assert overlapping == {}


def test_no_public_page_scrolls_sideways_on_a_phone(live_server, demo, phone_page, screenshot):
    """The public pages too, with many years of pools: the pools page's year links were
    written without spaces between them, so they could not wrap (session 25's review)."""
    from django.utils import timezone

    from grants.models import PoolStatus
    from policies.models import Goal, Policy

    policy = Policy.objects.filter(municipality__slug="frederiksberg").first()
    for year in range(2000, 2016):
        Pool.objects.create(
            municipality=policy.municipality,
            policy=policy,
            year=year,
            title=f"Integrationspuljen {year}",
            status=PoolStatus.CLOSED,
            application_deadline=timezone.now(),
        )
    goal = Goal.objects.filter(policy=policy).first()
    indicator = Indicator.objects.filter(municipality__slug="frederiksberg").first()
    too_wide = {}
    for path in [
        "/",
        reverse("public:catalogue"),
        reverse("public:pools"),
        reverse("public:pools") + "?kommune=frederiksberg",
        reverse("politikker:list"),
        reverse("politikker:policy", args=["frederiksberg", policy.slug]),
        reverse("politikker:goal", args=[goal.pk]),
        reverse("barometer:index"),
        reverse("barometer:policy", args=["frederiksberg", policy.slug]),
        reverse("barometer:indicator", args=[indicator.pk]),
        reverse("public:data"),
    ]:
        phone_page.goto(live_server.url + path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[path] = width
    screenshot(phone_page, "phone-width-public")
    assert too_wide == {}
