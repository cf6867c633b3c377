"""The permission matrix: every URL of the portal, discovered from the URL configuration,
visited as every role. A new page fails the first test until it gets a row in EXPECTED.
Also: no role changes anything by POSTing where it does not belong, and no object of another
municipality or department is reachable by trying every id in the database."""

import os
from fnmatch import fnmatch

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from grants.models import (
    Application,
    ApplicationStatus,
    Attachment,
    CaseMessage,
    InformationRequest,
    Letter,
    MessageAttachment,
    Pool,
    Report,
    ReportAttachment,
    Scheme,
)
from grants.organisations import new_person
from grants.services.attachments import do_add_attachment, do_add_report_attachment
from grants.services.drafts import do_create_draft
from grants.services.letters import issue_letters
from grants.services.messages import do_request_information, do_send_message
from grants.services.people import sign_in_token
from identity.models import IdentityProvider
from indicators.models import Indicator, Measurement
from policies.models import ActionPlan, Goal, Policy
from portal.models import Committee, Department, Organisation, Role, User
from worker.services import do_renew_calendar_token

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
SKIPPED_PREFIXES = ("admin/", "static/", "i18n/")
ROLES = ("anon", "cw_own", "cw_dept", "cw_kbh", "staff_kbh", "staff_frb", "admin", "org")
# cw_dept is made by the fixture: a caseworker of Ungecenter Frederiksberg; org a person of
# an association in Frederiksberg, with a draft of its own in a pool open to organisations.
USERNAMES = {"cw_own": "frb-sagsbehandler", "cw_dept": "frb-ungecenter"}
USERNAMES |= {"cw_kbh": "kbh-sagsbehandler", "staff_kbh": "kbh-sekretariat"}
USERNAMES |= {"staff_frb": "frb-sekretariat", "admin": "admin", "org": "frb-forening"}
LOGIN = "login"  # 302 to /login/?next=<the url>
OK = "ok"  # in a POST row: the role may post here (not tested as a wrong role)


def row(*values):
    assert len(values) == len(ROLES)
    return dict(zip(ROLES, values, strict=True))


#               anon   own  dept  kbh  s-kbh s-frb admin org
PUBLIC = row(200, 200, 200, 200, 200, 200, 200, 200)
CW_PAGE = row(LOGIN, 200, 404, 404, 403, 403, 403, 404)
CW_LIST = row(LOGIN, 200, 200, 200, 403, 403, 403, 200)
CW_ONLY_POST = row(LOGIN, 405, 405, 405, 403, 403, 403, 405)
CW_POST = row(LOGIN, OK, 404, 404, 403, 403, 403, 404)
STAFF_PAGE = row(LOGIN, 403, 403, 403, 404, 200, 403, 403)
STAFF_LIST = row(LOGIN, 403, 403, 403, 200, 200, 403, 403)
STAFF_ONLY_POST = row(LOGIN, 403, 403, 403, 405, 405, 403, 403)
STAFF_POST = row(LOGIN, 403, 403, 403, 404, OK, 403, 403)
STAFF_LIST_POST = row(LOGIN, 403, 403, 403, OK, OK, 403, 403)
ANY_USER = row(LOGIN, OK, OK, OK, OK, OK, OK, OK)
ANYONE = row(OK, OK, OK, OK, OK, OK, OK, OK)

# url name → (GET expectation per role, POST expectation per role or None if GET only).
EXPECTED = {
    "home": (PUBLIC, None),
    "start": (
        row("/", "/mine/", "/mine/", "/mine/", *["/sekretariat/"] * 2, "/admin/", "/mine/"),
        None,
    ),
    "login": (row(200, *["/start/"] * 7), ANYONE),
    "login-verify": (row(*["/login/"] * 8), ANYONE),
    # E-mail sign-in for organisations' people (development and demo): anyone may ask for
    # a link (the answer is the same for every address); the link's page shows a button.
    "email-sign-in": (PUBLIC, ANYONE),
    "email-sign-in-link": (PUBLIC, ANYONE),
    # An association's people have no password or second factor of the portal's: their
    # account page is the association's.
    "two-factor-setup": (row(LOGIN, *[200] * 6, "/mine/forening/"), ANY_USER),
    "preferences": (row(LOGIN, *[200] * 7), ANY_USER),
    "own-sign-ins": (row(LOGIN, *[200] * 7), None),
    "logout-everywhere": (row(LOGIN, *[405] * 7), ANY_USER),
    "logout": (row(*[405] * 8), ANYONE),
    # Frederiksberg's provider cannot be reached here: starting says so (503), an answer
    # cannot be checked (400). The sign-in itself: tests/browser/test_sign_in_browser.py.
    "sso-start": (row(*[503] * 8), None),
    # A refused answer: "Login mislykkedes" (400), or to the start page when signed in.
    "sso-callback": (row(400, *["/start/"] * 7), None),
    # Why a provider's person was refused, from the session: without one, the general page.
    "sso-refused": (row(*[403] * 8), None),
    "accessibility": (PUBLIC, None),
    "sitemap": (PUBLIC, None),
    "sitemap-section": (PUBLIC, None),
    "robots": (PUBLIC, None),
    **dict.fromkeys(
        [f"public:{n}" for n in ("catalogue", "project", "pools", "pool", "data")]
        + ["public:pool-round", "public:call"]
        + ["public:projects-csv", "public:giving-json", "politikker:list", "politikker:goal"]
        + ["public:municipality-projects-csv", "public:municipality-giving-json"]
        + ["politikker:policy", "barometer:index", "barometer:policy", "barometer:indicator"]
        + ["barometer:indicator-csv", "public:projects-xlsx", "catalogue"]
        + [f"api:{n}" for n in ("root", "projects", "project", "pools", "pool", "policies")]
        + [f"api:{n}" for n in ("policy", "indicators", "indicator", "schema", "docs")],
        (PUBLIC, None),
    ),
    "api:not-found": (row(*[404] * 8), None),
    "mine:dashboard": (CW_LIST, None),
    "mine:archive": (CW_LIST, None),
    # The association's own page (its people, inviting a colleague): its people only.
    "mine:organisation": (
        row(LOGIN, 403, 403, 403, 403, 403, 403, 200),
        row(LOGIN, 403, 403, 403, 403, 403, 403, OK),
    ),
    # The association's own details and documents: its people only (the Matrix association
    # has statutes); its municipality's staff download them with its applications.
    "mine:organisation-details": (
        row(LOGIN, 403, 403, 403, 403, 403, 403, 200),
        row(LOGIN, 403, 403, 403, 403, 403, 403, OK),
    ),
    "mine:organisation-document": (row(LOGIN, 403, 403, 403, 403, 403, 403, 200), None),
    "sekretariat:organisation-document": (STAFF_PAGE, None),
    # Taking a colleague's access away: the association's own people only ("are you sure?",
    # then the POST).
    "mine:remove-colleague": (
        row(LOGIN, 403, 403, 403, 403, 403, 403, 200),
        row(LOGIN, 403, 403, 403, 403, 403, 403, OK),
    ),
    # An open pool of the municipality: any of its caseworkers may start an application;
    # it is open to departments only, so an organisation finds no such pool.
    # An association's person is sent to their page, told the pool is for departments only.
    "mine:start": (
        row(LOGIN, 200, 200, 404, 403, 403, 403, "/mine/"),
        row(LOGIN, OK, OK, 404, 403, 403, 403, "/mine/"),
    ),
    "mine:autosave": (CW_ONLY_POST, CW_POST),
    **{f"mine:{n}": (CW_PAGE, CW_POST) for n in ("edit", "submit", "withdraw", "delete", "report")},
    **{f"mine:{n}": (CW_PAGE, None) for n in ("detail", "receipt", "pdf", "attachment")},
    # The case (messages, requests for information, letters): the applicant's side.
    **{f"mine:{n}": (CW_PAGE, CW_POST) for n in ("messages", "answer")},
    **{f"mine:{n}": (CW_PAGE, None) for n in ("message-attachment", "letter")},
    "mine:report-attachment": (CW_PAGE, None),
    # ... and staff's side.
    "sekretariat:messages": (STAFF_PAGE, STAFF_POST),
    "sekretariat:request-information": (STAFF_ONLY_POST, STAFF_POST),
    **{f"sekretariat:{n}": (STAFF_PAGE, None) for n in ("message-attachment", "letter")},
    "sekretariat:report-attachment": (STAFF_PAGE, None),
    **{f"sekretariat:{n}": (STAFF_LIST, None) for n in ("home", "reports", "personal-data")},
    "sekretariat:calendar": (STAFF_LIST, None),
    "sekretariat:calendar-renew": (STAFF_ONLY_POST, STAFF_LIST_POST),
    # Frederiksberg staff's private feed: the token in the address is the credential
    # (calendar programs send no cookie), so whoever has the address gets the feed.
    "sekretariat:calendar-feed": (PUBLIC, None),
    "sekretariat:pool-create": (STAFF_LIST, STAFF_LIST_POST),
    **{f"sekretariat:{n}": (STAFF_PAGE, None) for n in ("pool", "queue", "recommendation")},
    **{f"sekretariat:{n}": (STAFF_PAGE, None) for n in ("application", "attachment")},
    **{
        f"sekretariat:{n}": (STAFF_PAGE, STAFF_POST)
        for n in ("pool-edit", "review", "recommend", "decide", "report")
    },
    **{
        f"sekretariat:{n}": (STAFF_ONLY_POST, STAFF_POST)
        for n in ("pool-status", "start-review", "return", "conflict", "reopen-review")
        + ("agreement", "activate", "close", "request-report", "carry-over")
    },
    **{f"dokumenter:{n}": (STAFF_LIST, None) for n in ("action-plans", "results", "results-xlsx")},
    "dokumenter:action-plan": (STAFF_PAGE, STAFF_POST),
    "dokumenter:action-plan-create": (STAFF_LIST, STAFF_LIST_POST),
    "dokumenter:action-plan-edit": (STAFF_PAGE, STAFF_POST),
    **{f"dokumenter:{n}": (STAFF_PAGE, None) for n in ("action-plan-pdf", "action-plan-xlsx")},
    **{
        f"dokumenter:{n}": (STAFF_PAGE, None)
        for n in ("recommendation-pdf", "recommendation-xlsx", "queue-xlsx", "queue-csv")
        + ("pool-xlsx", "pool-csv")
    },
    "indikatorer:list": (STAFF_LIST, None),
    **{f"indikatorer:{n}": (STAFF_LIST, STAFF_LIST_POST) for n in ("create", "import")},
    "indikatorer:edit": (STAFF_PAGE, STAFF_POST),
    **{
        f"indikatorer:{n}": (STAFF_ONLY_POST, STAFF_POST)
        for n in ("measurement-add", "measurement-delete")
    },
    "indikatorer:barometer-update": (STAFF_ONLY_POST, STAFF_POST),
}

# (url name pattern, kwarg) → which object's id; the first match wins.
OBJECT_FOR = [
    ("*:organisation-document", "document", "document_slug"),
    ("sekretariat:organisation-document", "pk", "organisation"),
    ("mine:remove-colleague", "person_id", "colleague"),
    ("mine:start", "pool_id", "open_pool"),
    ("mine:receipt", "pk", "submitted"),
    ("mine:messages", "pk", "submitted"),
    ("mine:answer", "pk", "info_request"),
    ("*:message-attachment", "pk", "message_attachment"),
    ("*:report-attachment", "pk", "report_attachment"),
    ("*:letter", "pk", "letter"),
    ("*:attachment", "pk", "attachment"),
    ("*:report", "pk", "report"),
    ("mine:*", "pk", "draft"),
    ("sekretariat:pool*", "pk", "pool"),
    ("sekretariat:queue", "pk", "pool"),
    ("sekretariat:recommendation", "pk", "pool"),
    # Their forms open only while the rules allow the action (grants.rules).
    ("sekretariat:recommend", "pk", "in_review"),
    ("sekretariat:decide", "pk", "in_review"),
    ("sekretariat:*", "pk", "submitted"),
    ("dokumenter:action-plan*", "pk", "action_plan"),
    ("dokumenter:*", "pk", "pool"),
    ("indikatorer:*", "measurement_pk", "measurement"),
    ("indikatorer:barometer-update", "pk", "policy"),
    ("*:indicator*", "pk", "indicator"),
    ("indikatorer:*", "pk", "indicator"),
    ("public:project", "pk", "funded"),
    ("public:pool-round", "pk", "pool_round"),
    ("public:call", "pk", "open_pool"),
    ("api:project", "pk", "funded"),
    ("api:pool", "pk", "pool_round"),  # the open demo pool is example data: not in the API
    ("api:policy", "pk", "policy"),
    ("api:not-found", "rest", "api_rest"),
    ("politikker:goal", "pk", "goal"),
    ("*:policy", "slug", "policy_slug"),
    ("sekretariat:calendar-feed", "token", "calendar_token"),
    ("email-sign-in-link", "token", "sign_in_token"),
    ("sitemap-section", "section", "sitemap_section"),
    ("*", "kommune", "municipality_slug"),
    ("sso-*", "slug", "provider_slug"),
    ("*", "aar", "pool_year"),
]
KEY_MODEL = {"draft": Application, "submitted": Application, "open_pool": Pool, "pool": Pool}
KEY_MODEL |= {"in_review": Application}
KEY_MODEL |= {"attachment": Attachment, "report": Report, "indicator": Indicator}
KEY_MODEL |= {"measurement": Measurement, "action_plan": ActionPlan, "policy": Policy}
KEY_MODEL |= {"info_request": InformationRequest, "message_attachment": MessageAttachment}
KEY_MODEL |= {"letter": Letter, "colleague": User, "organisation": Organisation}
KEY_MODEL |= {"report_attachment": ReportAttachment}


def discover(patterns=None, prefix="", namespace="", kwargs=()):
    """(url name, route, kwarg names, view class or None) for every pattern of the portal."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        names = (*kwargs, *pattern.pattern.regex.groupindex)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from discover(pattern.url_patterns, route, inner, names)
        else:
            name = f"{namespace}{pattern.name}" if pattern.name else route
            yield name, route, names, getattr(pattern.callback, "view_class", None)


def object_key(name: str, kwarg: str) -> str:
    for pattern, arg, key in OBJECT_FOR:
        if arg == kwarg and fnmatch(name, pattern):
            return key
    raise AssertionError(f"{name}: add the object for <{kwarg}> to OBJECT_FOR")


def url_for(name, kwarg_names, objects, **overrides) -> str:
    kwargs = {}
    for kwarg in kwarg_names:
        value = overrides.get(kwarg, objects[object_key(name, kwarg)])
        kwargs[kwarg] = getattr(value, "pk", value)
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def media_root(tmp_path, settings):
    default = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")},
    }
    with override_settings(STORAGES={**settings.STORAGES, "default": default}):
        yield tmp_path


@pytest.fixture
def frb(demo, media_root):
    """Frederiksberg's objects: one of each kind every URL works on."""
    owner = User.objects.get(username="frb-sagsbehandler")
    User.objects.create_user(
        username="frb-ungecenter",
        password="x",
        role=Role.CASEWORKER,
        municipality=owner.municipality,
        department=Department.objects.get(name="Ungecenter Frederiksberg"),
    )
    pool = Pool.objects.get(is_example=True, municipality=owner.municipality)
    draft = do_create_draft(pool_id=pool.pk, actor=owner)
    submitted = do_create_draft(pool_id=pool.pk, actor=owner)
    in_review = do_create_draft(pool_id=pool.pk, actor=owner)
    attachment = do_add_attachment(
        application=submitted, upload=SimpleUploadedFile("budget.pdf", PDF), actor=owner
    )
    hidden = do_add_attachment(
        application=draft, upload=SimpleUploadedFile("kladde.pdf", PDF), actor=owner
    )
    committee = Committee.objects.filter(municipality=owner.municipality).first()
    Application.objects.filter(pk=submitted.pk).update(
        title="Sprogcafé",
        committee=committee,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    Application.objects.filter(pk=in_review.pk).update(
        title="Lektiecafé",
        committee=committee,
        status=ApplicationStatus.IN_REVIEW,
        submitted_at=timezone.now(),
    )
    funded = Application.objects.get(title="Kvinder i job", municipality=owner.municipality)
    staff = User.objects.get(username="frb-sekretariat")
    message = do_send_message(
        application_id=submitted.pk,
        actor=owner,
        text="Et spørgsmål",
        uploads=[SimpleUploadedFile("tilbud.pdf", PDF)],
    )
    info_request = do_request_information(
        application_id=submitted.pk, actor=staff, question="Hvor mange deltagere?"
    )
    letter = issue_letters(decision=funded.decision, actor=staff)[0]
    association = Organisation.objects.create(
        municipality=owner.municipality, name="Foreningen Matrix"
    )
    org_person = User.objects.create_user(
        username="frb-forening",
        password="x",
        role=Role.ORGANISATION,
        municipality=owner.municipality,
        organisation=association,
    )
    pool_round = Pool.objects.create(
        municipality=owner.municipality,
        scheme=Scheme.objects.create(municipality=owner.municipality, name="Frivilligpuljen"),
        policy=pool.policy,
        year=2021,  # the year the URLs of the matrix name ("pool_year")
        title="Frivilligpuljen 2021",
        applicants="organisations",
        status="open",
        budget=100000,
        application_deadline=pool.application_deadline,
    )
    org_draft = do_create_draft(pool_id=pool_round.pk, actor=org_person)
    measurement = Measurement.objects.filter(indicator__municipality=owner.municipality).first()
    policy = Policy.objects.get(municipality=owner.municipality)
    colleague = new_person(organisation=association, email="kollega@example.org")
    association.statutes.save("vedtaegter.pdf", ContentFile(PDF))
    return {
        "owner": owner,
        "committee": committee,
        "open_pool": pool,
        "pool": pool,
        "draft": Application.objects.get(pk=draft.pk),
        "org_draft": org_draft,
        "pool_round": pool_round,
        "submitted": Application.objects.get(pk=submitted.pk),
        "in_review": Application.objects.get(pk=in_review.pk),
        "attachment": attachment,
        "draft_attachment": hidden,
        "message_attachment": message.attachments.get(),
        "info_request": info_request,
        "letter": letter,
        "funded": funded,
        "report": Report.objects.get(application=funded),
        "report_attachment": do_add_report_attachment(
            report_id=Report.objects.get(application=funded).pk,
            upload=SimpleUploadedFile("regnskab.pdf", PDF),
            actor=owner,
        ),
        "indicator": measurement.indicator,
        "measurement": measurement,
        "action_plan": ActionPlan.objects.filter(policy=policy).order_by("pk").first(),
        "goal": Goal.objects.filter(policy=policy).first(),
        "policy_slug": policy.slug,
        "policy": policy,
        "api_rest": "findes-ikke/",
        "municipality_slug": "frederiksberg",
        "sitemap_section": "projects",
        "provider_slug": unreachable_provider(owner.municipality).slug,
        "pool_year": 2021,
        # A colleague who has never signed in: the clients' sign-ins do not use the link up.
        "sign_in_token": sign_in_token(colleague),
        "colleague": colleague,
        "organisation": association,
        "document_slug": "vedtaegter",
        "calendar_token": do_renew_calendar_token(
            actor=User.objects.get(username="frb-sekretariat")
        ).calendar_token,
    }


def unreachable_provider(municipality):
    """A provider whose issuer answers nobody (the discard port on the loopback)."""
    os.environ.setdefault("OIDC_MATRIX_SECRET", "matrix-secret")
    return IdentityProvider.objects.create(
        municipality=municipality,
        slug="frederiksberg",
        issuer="http://127.0.0.1:9",
        client_id="portal",
        client_secret_name="OIDC_MATRIX_SECRET",
    )


@pytest.fixture
def clients(frb):
    result = {"anon": Client()}
    for role, username in USERNAMES.items():
        result[role] = Client()
        result[role].force_login(User.objects.get(username=username))
    return result


def check(response, expected, url, context):
    status = response.status_code
    if getattr(response, "streaming", False):
        # Read to the end: the test client then finishes the request the way a server does
        # (closing it by hand would close the test's database connection on PostgreSQL).
        b"".join(response.streaming_content)
    if expected == LOGIN:
        assert (status, response.get("Location")) == (302, f"/login/?next={url}"), context
    elif isinstance(expected, str):
        assert (status, response.get("Location")) == (302, expected), context
    else:
        assert status == expected, context


def snapshot() -> dict:
    """Every row of the portal's own tables (users without their last login)."""
    state = {}
    for label in ("grants", "indicators", "policies", "portal"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            rows = model.objects.order_by("pk").values()
            if model is User:
                rows = rows.values_list("pk", "role", "is_active", "session_generation")
            state[model._meta.label] = list(rows)
    return state


def payload(objects, target) -> dict:
    """What a successful form on any of the portal's POST URLs would need."""
    pool, year = objects["pool"], objects["pool"].year
    version = getattr(type(target).objects.filter(pk=target.pk).first(), "version", 1)
    data = dict.fromkeys(["title", "comment", "reason", "summary", "introduction"], "Overtaget")
    data |= {"version": str(version), "status": "closed", "kind": "status", "accept": ""}
    data |= {"signed_on": timezone.localdate().isoformat(), "due_date": "2030-01-31"}
    data |= {"from_year": "2021", "amount": "1.000", f"amount_{year}": "50.000"}
    data |= {"outcome": "approved", "committee": str(objects["committee"].pk)}
    data |= {"text": "Overtaget", "question": "Overtaget", "confirm": "1"}
    data |= {"score_goal_fit": "4", "year": "1995", "value": "12", "token": "123456"}
    data |= {"policy": str(pool.policy_id), "budget": "800.000", "evaluation_threshold": "0"}
    data["application_deadline"] = "2031-01-31T12:00"
    csv_file = f"indikator_id;aar;vaerdi\n{objects['indicator'].pk};2030;5\n".encode()
    data["file"] = SimpleUploadedFile("maalinger.csv", csv_file)
    for prefix in ("contacts", "criteria", "reserved"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def target_of(name, kwarg_names, objects):
    keys = [object_key(name, kwarg) for kwarg in kwarg_names if kwarg != "measurement_pk"]
    return objects[keys[0]] if keys and hasattr(objects[keys[0]], "pk") else objects["pool"]


def test_every_url_has_an_expectation():
    discovered = {name for name, _route, _kwargs, _view in discover()}
    missing = sorted(discovered - set(EXPECTED))
    assert missing == [], f"add these URL names to EXPECTED: {missing}"
    assert sorted(set(EXPECTED) - discovered) == [], "EXPECTED names URLs that no longer exist"
    for name, _route, _kwargs, view in discover():
        accepts_post = view is not None and hasattr(view, "post")
        assert accepts_post == (EXPECTED[name][1] is not None), f"{name}: POST row"


def test_every_url_as_every_role(frb, clients):
    for name, route, kwarg_names, _view in discover():
        url = url_for(name, kwarg_names, frb)
        for role in ROLES:
            response = clients[role].get(url)
            check(response, EXPECTED[name][0][role], url, (name, role, route))


# The same URLs with an object in another state: (url name, object, expectation; {pk} is
# the object's id).
STATE_VARIANTS = [
    ("mine:edit", "submitted", row(LOGIN, "/mine/ansoegninger/{pk}/", *[404] * 2, *[403] * 3, 404)),
    (
        "mine:submit",
        "submitted",
        row(LOGIN, "/mine/ansoegninger/{pk}/", *[404] * 2, *[403] * 3, 404),
    ),
    ("mine:receipt", "draft", row(LOGIN, 404, 404, 404, 403, 403, 403, 404)),
    # The association's own draft: its person's page only.
    ("mine:edit", "org_draft", row(LOGIN, 404, 404, 404, 403, 403, 403, 200)),
    ("mine:detail", "org_draft", row(LOGIN, 404, 404, 404, 403, 403, 403, 200)),
    ("mine:attachment", "draft_attachment", CW_PAGE),
    ("mine:messages", "draft", CW_PAGE),
    ("sekretariat:messages", "draft", row(LOGIN, 403, 403, 403, 404, 404, 403, 403)),
    # A caseworker's unsent draft is not staff's business, not even their own municipality's.
    *[
        (f"sekretariat:{name}", "draft", row(LOGIN, 403, 403, 403, 404, 404, 403, 403))
        for name in ("application", "review", "recommend", "decide")
    ],
    ("sekretariat:attachment", "draft_attachment", row(LOGIN, *[403] * 3, 404, 404, 403, 403)),
    # A form the rules do not allow now sends staff back to the application, saying why.
    *[
        (
            f"sekretariat:{name}",
            "submitted",
            row(LOGIN, 403, 403, 403, 404, "/sekretariat/ansoegninger/{pk}/", 403, 403),
        )
        for name in ("recommend", "decide")
    ],
]


def test_objects_in_other_states(frb, clients):
    for name, key, expectations in STATE_VARIANTS:
        pk = frb[key].pk
        url = reverse(name, args=[pk])
        for role in ROLES:
            expected = expectations[role]
            if isinstance(expected, str) and expected.startswith("/"):
                expected = expected.format(pk=pk)
            check(clients[role].get(url), expected, url, (name, key, role))


def test_wrong_roles_change_nothing_by_posting(
    frb, clients, mailoutbox, django_capture_on_commit_callbacks
):
    before = snapshot()
    posted = 0
    with django_capture_on_commit_callbacks(execute=True):
        for name, _route, kwarg_names, _view in discover():
            post_row = EXPECTED[name][1]
            if post_row is None:
                continue
            url = url_for(name, kwarg_names, frb)
            target = target_of(name, kwarg_names, frb)
            for role, expected in post_row.items():
                if expected != OK:
                    response = clients[role].post(url, payload(frb, target))
                    check(response, expected, url, (name, role))
                    posted += 1
            assert snapshot() == before, name
    assert posted > 100
    assert mailoutbox == []


CONTROLS = [
    ("mine:edit", "cw_own"),
    ("mine:start", "cw_dept"),
    ("sekretariat:return", "staff_frb"),
    ("mine:messages", "cw_own"),
    ("mine:answer", "cw_own"),
    ("sekretariat:messages", "staff_frb"),
    ("sekretariat:request-information", "staff_frb"),
    ("sekretariat:pool-status", "staff_frb"),
    ("dokumenter:action-plan", "staff_frb"),
    ("indikatorer:measurement-add", "staff_frb"),
    ("indikatorer:measurement-delete", "staff_frb"),
    ("indikatorer:barometer-update", "staff_frb"),
]


def test_the_same_posts_work_for_the_right_role(frb, clients):
    """The control: the payload above is good enough to change something."""
    routes = {name: kwargs for name, _route, kwargs, _view in discover()}
    for name, role in CONTROLS:
        url = url_for(name, routes[name], frb)
        before = snapshot()
        response = clients[role].post(url, payload(frb, target_of(name, routes[name], frb)))
        assert response.status_code == 302, name
        assert snapshot() != before, name


def test_non_staff_are_sent_to_the_admin_login(frb, clients):
    urls = ["/admin/"] + [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m in admin.site._registry
    ]
    for role in ROLES:
        for url in urls:
            response = clients[role].get(url)
            if role == "admin":
                assert response.status_code == 200, url
            else:
                assert response.status_code == 302, (role, url)
                assert response["Location"] == f"/admin/login/?next={url}", (role, url)


def in_scope(user, key, obj) -> bool:
    """May this user work on this object at all (its municipality, its department)?"""
    if isinstance(obj, MessageAttachment):
        obj = obj.message
    if isinstance(obj, ReportAttachment):
        obj = obj.report
    if isinstance(obj, Attachment | Report | InformationRequest | Letter | CaseMessage):
        obj = obj.application
    if isinstance(obj, Measurement):
        obj = obj.indicator
    if isinstance(obj, User):  # a colleague: a person of one's own organisation
        return user.is_organisation_person and obj.organisation_id == user.organisation_id
    municipality = getattr(obj, "municipality_id", None)
    if isinstance(obj, ActionPlan):
        municipality = obj.policy.municipality_id
    if municipality != user.municipality_id:
        return False
    if isinstance(obj, Application) and user.is_caseworker:
        return obj.department_id is not None and obj.department_id == user.department_id
    if isinstance(obj, Application) and user.is_organisation_person:
        return obj.organisation_id == user.organisation_id
    if isinstance(obj, Pool) and user.is_organisation_person:
        # An open pool of their municipality answers them (if only to say it is not for
        # them), a closed one that it is closed (public anyway); a planned one is not there.
        return obj.status in ("open", "closed")
    if isinstance(obj, Application):
        return obj.status != ApplicationStatus.DRAFT
    if isinstance(obj, Pool) and user.is_caseworker:
        return obj.status in ("open", "closed")
    return True


@pytest.mark.parametrize(
    "username",
    ["kbh-sekretariat", "frb-sekretariat", "frb-ungecenter", "kbh-sagsbehandler", "frb-forening"],
)
def test_no_object_of_another_municipality_or_department_is_reachable(
    frb, username, client, mailoutbox
):
    user = User.objects.get(username=username)
    client.force_login(user)
    applicant = user.is_caseworker or user.is_organisation_person
    own = ("mine",) if applicant else ("sekretariat", "dokumenter", "indikatorer")
    before = snapshot()
    tried = 0
    foreign_measurements = Measurement.objects.order_by("indicator__municipality_id", "pk")
    for name, _route, kwarg_names, view in discover():
        if not kwarg_names or name.split(":")[0] not in own:
            continue
        if name == "sekretariat:calendar-feed":
            continue  # no id: the address's token is the credential (tests/test_yearly_cycle.py)
        if name == "mine:organisation-document":
            continue  # no id: always one's own organisation's (tests/test_organisation_details.py)
        if name == "mine:remove-colleague" and not user.is_organisation_person:
            continue  # refused by role whatever the id (403, the URL matrix above)
        key = object_key(name, kwarg_names[0])
        for obj in KEY_MODEL[key].objects.all():
            overrides = {kwarg_names[0]: obj.pk}
            if "measurement_pk" in kwarg_names:
                # Another's indicator with its own measurement; an own one with another's.
                if in_scope(user, key, obj):
                    other = next(m for m in foreign_measurements if not in_scope(user, "", m))
                else:
                    other = obj.measurements.first() or frb["measurement"]
                overrides["measurement_pk"] = other.pk
            elif in_scope(user, key, obj):
                continue
            url = url_for(name, kwarg_names, frb, **overrides)
            method = "get" if hasattr(view, "get") else "post"
            args = (payload(frb, obj),) if method == "post" else ()
            response = getattr(client, method)(url, *args)
            check(response, 404, url, (username, name, obj.pk))
            tried += 1
    assert tried > 50
    assert snapshot() == before
    assert mailoutbox == []
