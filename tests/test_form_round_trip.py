"""What the server renders in a form must survive being submitted back unchanged.

Every form page of every role – found from the URL configuration, plus the admin's change
form of every model with a number – is opened with the demo data, every `<form
method="post">` on it is read the way a browser reads it (`tests/form_pages.py`: a
`type=number` the browser cannot parse is sent empty), and posted back as rendered.

* An edit form (it shows stored data) must then store nothing different: a snapshot of
  every row of the portal's tables is the same before and after, except version counters and
  timestamps.
* A form that acts (decides, adds, imports) must either act with exactly the values shown,
  or come back with every value the user "typed" still in it – never a 500.

A new URL fails `test_every_form_page_is_classified` until it gets a line in PAGES or
NO_FORM_PAGE; a new form action fails until it is in EDIT_ACTIONS or ACT_ACTIONS."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models, transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from grants.models import (
    Application,
    ApplicationStatus,
    CriterionResult,
    Decision,
    Pool,
    ProposedAmount,
    Recommendation,
    RecommendedAmount,
    Report,
    ReportStatus,
    RequestedAmount,
    Review,
    SpentAmount,
    SuccessCriterion,
)
from indicators.models import Indicator
from policies.models import ActionPlan
from portal.forms import parse_danish_number
from portal.models import Committee, User
from tests.form_pages import parse_forms, typed_values
from tests.test_permission_matrix import discover
from worker.services import do_update_preferences

VOLATILE = {"version", "updated_at", "modified", "last_login", "history_date", "saved_at"}


def snapshot() -> dict:
    """Every row of the portal's own tables, without counters and timestamps."""
    state = {}
    for label in ("grants", "indicators", "policies", "portal", "worker"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model.__name__.startswith("Historical"):
                continue
            names = [
                f.attname
                for f in model._meta.concrete_fields
                if f.attname not in VOLATILE and not isinstance(f, models.DateTimeField)
            ]
            state[model._meta.label] = list(model.objects.order_by("pk").values_list(*names))
    return state


def diff(before: dict, after: dict) -> dict:
    changed = {}
    for label, rows in before.items():
        if rows != after[label]:
            old, new = set(rows), set(after[label])
            changed[label] = {"removed": sorted(old - new)[:3], "added": sorted(new - old)[:3]}
    return changed


# --- The world: one object in every state a form page needs ---------------------------


@pytest.fixture
def world(demo):
    caseworker = User.objects.get(username="frb-sagsbehandler")
    staff = User.objects.get(username="frb-sekretariat")
    # Their settings exist, as after their first visit to the settings page.
    do_update_preferences(actor=caseworker, values={"remind_report_due": False})
    do_update_preferences(actor=staff, values={"language": "en"})
    frb = caseworker.municipality
    pool = Pool.objects.get(is_example=True, municipality=frb)
    committee = Committee.objects.filter(municipality=frb).order_by("pk").first()

    def application(title, status, **extra):
        made = Application.objects.create(
            municipality=frb,
            pool=pool,
            department=caseworker.department,
            committee=committee,
            created_by=caseworker,
            title=title,
            status=status,
            target_group="Kvinder uden for arbejdsmarkedet",
            **extra,
        )
        RequestedAmount.objects.create(application=made, year=pool.year, amount=Decimal("150000"))
        SuccessCriterion.objects.create(
            application=made, order=1, text="Andel i job", target_value=Decimal("80.00"), unit="%"
        )
        SuccessCriterion.objects.create(
            application=made,
            order=2,
            text="Deltagere",
            target_value=Decimal("1234.50"),
            unit="stk.",
        )
        return made

    now = timezone.now()
    draft = application("Sprogcafé", ApplicationStatus.DRAFT)
    in_review = application("Job-mentor", ApplicationStatus.IN_REVIEW, submitted_at=now)
    review = Review.objects.create(
        application=in_review, reviewer=staff, comment="Godt projekt", score_goal_fit=4
    )
    ProposedAmount.objects.create(review=review, year=pool.year, amount=Decimal("120000.50"))
    recommended = application("Mødrecafé", ApplicationStatus.RECOMMENDED, submitted_at=now)
    recommendation = Recommendation.objects.create(
        application=recommended, summary="Indstilles", recommended_by=staff
    )
    RecommendedAmount.objects.create(
        recommendation=recommendation, year=pool.year, amount=Decimal("99999.99")
    )
    funded = Application.objects.get(title="Kvinder i job", municipality=frb)
    report = Report.objects.get(application=funded)
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.REQUESTED)
    submitted_report = Report.objects.create(
        application=funded,
        kind=report.kind,
        status=ReportStatus.SUBMITTED,
        due_date=datetime.date(2030, 1, 31),
        summary="Det gik godt",
        unspent_amount=Decimal("1000.50"),
    )
    criterion = funded.success_criteria.order_by("pk").first()
    for made in (report, submitted_report):
        SpentAmount.objects.create(report=made, year=funded_year(funded), amount=Decimal("5000.5"))
        if criterion is not None:
            CriterionResult.objects.create(
                report=made, criterion=criterion, achieved_value=Decimal("72.50"), comment="Tæt på"
            )
    return {
        "caseworker": caseworker,
        "staff": staff,
        "admin": User.objects.get(username="admin"),
        "pool": pool,
        "draft": draft,
        "in_review": in_review,
        "recommended": recommended,
        "funded": funded,
        "report": report,
        "submitted_report": submitted_report,
        "indicator": Indicator.objects.filter(municipality=frb).order_by("pk").first(),
        "action_plan": ActionPlan.objects.filter(policy__municipality=frb).order_by("pk").first(),
    }


def funded_year(application) -> int:
    return application.allocations.order_by("pool__year").first().pool.year


# url name → (who, the object whose id goes in the URL)
PAGES = {
    "mine:dashboard": ("caseworker", None),
    "mine:archive": ("caseworker", None),
    "mine:start": ("caseworker", "pool"),
    "mine:edit": ("caseworker", "draft"),
    "mine:submit": ("caseworker", "draft"),
    "mine:withdraw": ("caseworker", "draft"),
    "mine:delete": ("caseworker", "draft"),
    "mine:detail": ("caseworker", "funded"),
    "mine:report": ("caseworker", "report"),
    "sekretariat:home": ("staff", None),
    "sekretariat:pool-create": ("staff", None),
    "sekretariat:pool": ("staff", "pool"),
    "sekretariat:pool-edit": ("staff", "pool"),
    "sekretariat:queue": ("staff", "pool"),
    "sekretariat:recommendation": ("staff", "pool"),
    "sekretariat:application": ("staff", "funded"),
    "sekretariat:review": ("staff", "in_review"),
    "sekretariat:recommend": ("staff", "in_review"),
    "sekretariat:decide": ("staff", "recommended"),
    "sekretariat:reports": ("staff", None),
    "sekretariat:report": ("staff", "submitted_report"),
    "sekretariat:personal-data": ("staff", None),
    "sekretariat:calendar": ("staff", None),
    "preferences": ("caseworker", None),
    "dokumenter:action-plans": ("staff", None),
    "dokumenter:action-plan": ("staff", "action_plan"),
    "dokumenter:action-plan-create": ("staff", None),
    "dokumenter:action-plan-edit": ("staff", "action_plan"),
    "dokumenter:results": ("staff", None),
    "indikatorer:list": ("staff", None),
    "indikatorer:create": ("staff", None),
    "indikatorer:import": ("staff", None),
    "indikatorer:edit": ("staff", "indicator"),
}
# Also opened for the other application states the staff application page has forms for.
EXTRA_PAGES = [
    ("sekretariat:application", "staff", "in_review"),
    ("sekretariat:application", "staff", "recommended"),
]

NO_FORM_PAGE = {
    "public:projects-xlsx": "a download",
    "catalogue": "no form: the DCAT-AP record (JSON-LD)",
    **{
        f"api:{name}": "no form: the read API answers JSON (docs: Swagger UI, no form posts)"
        for name in (
            "root",
            "projects",
            "project",
            "pools",
            "pool",
            "policies",
            "policy",
            "indicators",
            "indicator",
            "schema",
            "docs",
            "not-found",
        )
    },  # fmt: skip
    "mine:autosave": "POST only; the JSON twin of mine:edit (tested in test_caseworker_forms)",
    "mine:receipt": "no form: a receipt",
    "mine:pdf": "a download",
    "mine:attachment": "a download",
    "sekretariat:attachment": "a download",
    **dict.fromkeys(
        [
            "mine:message-attachment",
            "mine:letter",
            "sekretariat:message-attachment",
            "mine:report-attachment",
            "sekretariat:report-attachment",
        ],
        "a download",
    ),
    "sekretariat:letter": "a download",
    # The case's forms post files and are tested from the user's side in
    # tests/test_case_messages.py (and in a browser: tests/browser/test_case_browser.py).
    "mine:messages": "tested in test_case_messages (a form with files)",
    "mine:answer": "tested in test_case_messages (a form with files)",
    "sekretariat:messages": "tested in test_case_messages (a form with files)",
    "sekretariat:request-information": "POST only: a form on sekretariat:messages",
    **{
        f"sekretariat:{name}": "POST only: an action button on the application or pool page"
        for name in (
            "pool-status",
            "start-review",
            "return",
            "conflict",
            "reopen-review",
            "agreement",
            "activate",
            "close",
            "request-report",
            "carry-over",
        )
    },
    "indikatorer:measurement-add": "POST only: the form on indikatorer:edit",
    "sso-start": "no form: a redirect to the identity provider (test_sign_in_browser)",
    "sso-callback": "no form: the identity provider's answer (test_sign_in_browser)",
    "sso-refused": "no form: why a sign-in was refused",
    "sekretariat:calendar-renew": "POST only: the button on sekretariat:calendar",
    "indikatorer:measurement-delete": "POST only: the delete buttons on indikatorer:edit",
    "indikatorer:barometer-update": "POST only: the month forms on indikatorer:list",
}

# Form actions whose form shows stored data: posting it unchanged changes nothing.
EDIT_ACTIONS = {
    "mine:edit",
    "mine:report",
    "sekretariat:pool-edit",
    "sekretariat:review",
    "dokumenter:action-plan",
    "dokumenter:action-plan-edit",
    "indikatorer:edit",
    "preferences",
}
# Form actions that act; what "as rendered" must do there.
ACT_ACTIONS = {
    "mine:start": "starts an application (a page, since no empty draft is saved)",
    "mine:submit": "submits",
    "mine:withdraw": "withdraws",
    "mine:delete": "deletes the draft",
    "sekretariat:pool-create": "creates a pool",
    "dokumenter:action-plan-create": "creates an action plan (a title is required)",
    "sekretariat:pool-status": "changes the pool's status",
    "sekretariat:start-review": "starts the review",
    "sekretariat:return": "returns the application (a comment is required)",
    "sekretariat:conflict": "declares a conflict of interest (a reason is required)",
    "sekretariat:reopen-review": "reopens the review",
    "sekretariat:recommend": "recommends with the amounts shown",
    "sekretariat:decide": "decides with the amounts shown",
    "sekretariat:agreement": "records the agreement (a date is required)",
    "sekretariat:activate": "starts the project",
    "sekretariat:close": "closes the project",
    "sekretariat:request-report": "requests a report (a date is required)",
    "sekretariat:carry-over": "carries money over (an amount is required)",
    "sekretariat:report": "accepts or returns the report",
    "indikatorer:create": "creates an indicator",
    "indikatorer:import": "imports a CSV file (a file is required)",
    "indikatorer:measurement-add": "adds a measurement (year and value are required)",
    "indikatorer:measurement-delete": "deletes a measurement",
    "indikatorer:barometer-update": "sets the barometer's month (as shown: unchanged)",
    "sekretariat:calendar-renew": "makes a new private calendar address",
}
# In every page's header: they store nothing typed, and posting them would log the test out.
NOT_POSTED = {"logout", "logout-everywhere", "set_language"}
# Everything public, the login, the downloads: no form that stores typed data.
NOT_IN_SCOPE_PREFIXES = ("public:", "politikker:", "barometer:")
NOT_IN_SCOPE = {
    "home": "public",
    "start": "a redirect",
    "login": "login (tested in test_two_factor)",
    "login-verify": "login (tested in test_two_factor)",
    "email-sign-in": "login by e-mail link (tested in test_email_sign_in)",
    "email-sign-in-link": "one button, no fields (tested in test_email_sign_in)",
    "mine:organisation": "inviting a colleague (tested in test_email_sign_in)",
    "mine:organisation-details": "saved as rendered in test_organisation_details",
    "mine:organisation-document": "a download",
    "sekretariat:organisation-document": "a download",
    "mine:remove-colleague": "a button without fields (tested in test_email_sign_in)",
    "two-factor-setup": "login (tested in test_two_factor)",
    "logout-everywhere": "POST only",
    "own-sign-ins": "a list; its one form is the »Log ud overalt« button (logout-everywhere)",
    "logout": "POST only",
    "accessibility": "public",
    "sitemap": "XML",
    "sitemap-section": "XML",
    "robots": "text",
    "sekretariat:calendar-feed": "an ICS feed (tested in test_yearly_cycle)",
}


def is_download(name: str) -> bool:
    return name.endswith(("-pdf", "-xlsx", "-csv")) or name in {"mine:pdf"}


def test_every_form_page_is_classified():
    unclassified = []
    for name, _route, _kwargs, _view in discover():
        if name.startswith(NOT_IN_SCOPE_PREFIXES) or name in NOT_IN_SCOPE or is_download(name):
            continue
        if name not in PAGES and name not in NO_FORM_PAGE:
            unclassified.append(name)
    assert unclassified == [], f"add to PAGES (or NO_FORM_PAGE with a reason): {unclassified}"


def action_name(form, page_url: str) -> str:
    path = form.action.split("?")[0] or page_url
    match = resolve(path)
    return match.view_name


def post(client, url, data):
    return client.post(url, data)


def visit(world, name, who, key):
    client = Client()
    client.force_login(world[who])
    url = reverse(name, args=[world[key].pk]) if key else reverse(name)
    response = client.get(url)
    assert response.status_code == 200, (name, response.status_code)
    return client, url, response


def check_form(world, client, url, name, form, failures):
    action = action_name(form, url)
    if form.unreadable_numbers:
        unreadable = [(f.name, f.rendered) for f in form.unreadable_numbers]
        failures.append(f"{name}: the browser cannot read {unreadable}")
    if action in NOT_POSTED:
        return
    if action not in EDIT_ACTIONS and action not in ACT_ACTIONS:
        failures.append(f"{name}: a form posting to {action} – add it to EDIT/ACT_ACTIONS")
        return
    target = form.action or url
    button = next((b for b in form.buttons if b[0] != "submit"), None)
    data = form.data(button)
    if action in EDIT_ACTIONS:
        before = snapshot()
        response = post(client, target, data)
        changed = diff(before, snapshot())
        if response.status_code != 302:
            failures.append(f"{name} → {action}: {response.status_code}, not saved as rendered")
        if changed:
            failures.append(f"{name} → {action}: saving as rendered changed {changed}")
        return
    # A form that acts: try it and roll back, so the next form sees the same world.
    with transaction.atomic():
        response = post(client, target, data)
        if response.status_code >= 500:
            failures.append(f"{name} → {action}: {response.status_code}")
        elif response.status_code in (200, 400, 409, 503):
            again = [
                f
                for f in parse_forms(response.content.decode())
                if action_name(f, target) == action
            ]
            sent = typed_values(form)
            if again and typed_values(again[0]) != sent:
                failures.append(
                    f"{name} → {action}: the form came back changed: "
                    f"sent {sent}, shown {typed_values(again[0])}"
                )
        elif action == "sekretariat:decide":
            check_decision(resolve(target.split("?")[0]).kwargs["pk"], form, failures)
        transaction.set_rollback(True)


def check_decision(application_id, form, failures):
    """The decision was recorded with exactly the amounts the form showed."""
    decision = Decision.objects.filter(application_id=application_id).first()
    if decision is None:
        data = {k: v for k, v in form.data().items() if k != "csrfmiddlewaretoken"}
        failures.append(f"decide {application_id}: redirected, no decision {sorted(data)}")
        return
    shown = {
        int(f.name.removeprefix("amount_")): parse_danish_number(f.value)
        for f in form.fields
        if f.name.startswith("amount_") and f.value
    }
    stored = {a.pool.year: a.amount for a in decision.application.allocations.all()}
    if shown != stored:
        failures.append(f"decide: shown {shown}, stored {stored}")


@pytest.mark.django_db
def test_every_form_posted_back_as_rendered_keeps_what_it_showed(world):
    failures = []
    visited = 0
    pages = [(name, who, key) for name, (who, key) in PAGES.items()] + EXTRA_PAGES
    for name, who, key in pages:
        client, url, response = visit(world, name, who, key)
        for form in parse_forms(response.content.decode()):
            visited += 1
            check_form(world, client, url, name, form, failures)
    assert failures == []
    assert visited > 20


def test_the_draft_form_shows_targets_the_browser_can_read(world):
    """The class of bug the round trip guards, at its first sighting: `80,00` in a number
    input is empty to the browser, and the next save erased the target."""
    client, url, response = visit(world, "mine:edit", "caseworker", "draft")
    form = next(f for f in parse_forms(response.content.decode()) if f.id == "application-form")
    values = form.data()
    assert values["criteria-0-target_value"] == ["80"]
    assert values["criteria-1-target_value"] == ["1.234,5"]
    assert client.post(url, values).status_code == 302
    targets = SuccessCriterion.objects.filter(application=world["draft"]).order_by("pk")
    assert [c.target_value for c in targets] == [Decimal("80.00"), Decimal("1234.50")]


# --- The admin: the change form of every model with a number --------------------------


def admin_models_with_numbers():
    for model, model_admin in admin.site._registry.items():
        if any(isinstance(f, models.DecimalField) for f in model._meta.concrete_fields):
            yield model, model_admin


def test_every_admin_form_with_a_number_saves_unchanged(world):
    client = Client()
    client.force_login(world["admin"])
    failures = []
    tried = []
    request = type("Request", (), {"user": world["admin"]})()
    for model, model_admin in admin_models_with_numbers():
        # One the admin lets change, where it shows any (a sent application's criteria are
        # only shown: test_admin.py), else the first.
        rows = list(model.objects.order_by("pk")[:200])
        assert rows, f"the demo has no {model.__name__}: add one to the world"
        obj = next((r for r in rows if model_admin.has_change_permission(request, r)), rows[0])
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
        )
        response = client.get(url)
        assert response.status_code == 200, url
        form = next(f for f in parse_forms(response.content.decode()) if f.id.endswith("_form"))
        if form.unreadable_numbers:
            failures.append(f"{url}: {[(f.name, f.rendered) for f in form.unreadable_numbers]}")
        tried.append(model.__name__)
        if getattr(model_admin, "money_rows", False) or not model_admin.has_change_permission(
            request, obj
        ):
            continue  # view-only in the admin: nothing to post (tests/test_admin_money.py)
        before = snapshot()
        data = form.data(("_save", "Gem", "Gem"))
        response = client.post(url, data)
        if response.status_code != 302:
            failures.append(f"{url}: {response.status_code} (not saved as rendered)")
        changed = diff(before, snapshot())
        if changed:
            failures.append(f"{url}: saving as rendered changed {changed}")
    assert failures == []
    assert {"Pool", "SuccessCriterion", "Indicator", "Measurement"} <= set(tried)
