"""Who may open the committee staff's pages ("sekretariat"). Anonymous visitors are sent to
log in, caseworkers are refused (403), staff of another municipality find nothing (404), a
caseworker's unsent draft is not staff's business (404), and none of them change anything."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from grants.models import (
    Allocation,
    Application,
    ApplicationStatus,
    CarryOver,
    ConflictOfInterest,
    Decision,
    Pool,
    Recommendation,
    Report,
    ReportKind,
    ReportStatus,
    RequestedAmount,
    ReservedLine,
    Review,
    SpentAmount,
    StatusChange,
)
from grants.services.attachments import do_add_attachment
from grants.services.decisions import do_record_decision
from grants.services.drafts import do_create_draft
from grants.services.workflow import do_withdraw
from portal.models import Committee, User

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TODAY = timezone.localdate()

# Pages staff read: (url name, which object).
PAGES = [
    ("home", None),
    ("pool-create", None),
    ("pool", "pool"),
    ("pool-edit", "pool"),
    ("queue", "pool"),
    ("recommendation", "pool"),
    ("application", "submitted"),
    ("review", "submitted"),
    ("recommend", "in_review"),
    ("decide", "recommended"),
    ("reports", None),
    ("report", "report"),
    ("attachment", "attachment"),
]

# Everything that writes: (url name, which object, form data that would succeed).
ACTIONS = [
    ("pool-create", None, "new_pool_form"),
    ("pool-edit", "pool", "pool_form"),
    ("pool-status", "pool", {"status": "closed", "confirm": "1"}),
    ("start-review", "submitted", {}),
    ("return", "to_return", {"comment": "Uddyb budgettet."}),
    ("review", "to_review", {"score_goal_fit": "4", "comment": "Fin."}),
    ("conflict", "to_declare", {"reason": "Min bror leder projektet."}),
    ("recommend", "in_review", {"summary": "Indstilles.", "amount_YEAR": "50.000"}),
    ("decide", "recommended", "decision_form"),
    ("agreement", "active", {"signed_on": TODAY.isoformat()}),
    ("activate", "approved", {}),
    ("close", "finished", {"comment": "Afsluttet."}),
    ("request-report", "active", {"kind": "status", "due_date": "2030-01-31"}),
    ("carry-over", "active", {"from_year": "2021", "amount": "1.000", "note": ""}),
    (
        "report",
        "report",
        {"accept": "", "comment": "Godkendt.", "amount_2021": "100.000"},
    ),
]
POOL_ACTIONS = {"pool-create", "pool-edit", "pool-status"}
ACTION_ONLY = [name for name, _key, _data in ACTIONS if name not in dict(PAGES)]


@pytest.fixture
def media_root(tmp_path):
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        yield tmp_path


@pytest.fixture
def frb(demo, media_root):
    """Frederiksberg's objects in every state a staff URL works on."""
    owner = User.objects.get(username="frb-sagsbehandler")
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    committee = Committee.objects.filter(municipality=pool.municipality).first()

    def application(title, status, *, attach=False):
        draft = do_create_draft(pool_id=pool.pk, actor=owner)
        RequestedAmount.objects.create(application=draft, year=pool.year, amount=Decimal(50000))
        attachment = attach and do_add_attachment(
            application=draft, upload=SimpleUploadedFile("budget.pdf", PDF), actor=owner
        )
        Application.objects.filter(pk=draft.pk).update(
            title=title, committee=committee, status=status, submitted_at=timezone.now()
        )
        return Application.objects.get(pk=draft.pk), attachment

    objects = {"pool": pool, "committee": committee, "owner": owner}
    objects["submitted"], objects["attachment"] = application(
        "Sprogcafé", ApplicationStatus.SUBMITTED, attach=True
    )
    for key, status in [
        ("to_return", ApplicationStatus.SUBMITTED),
        ("to_review", ApplicationStatus.SUBMITTED),
        ("to_declare", ApplicationStatus.SUBMITTED),
        ("in_review", ApplicationStatus.IN_REVIEW),
        ("recommended", ApplicationStatus.RECOMMENDED),
        ("approved", ApplicationStatus.RECOMMENDED),
    ]:
        objects[key], _ = application(f"Indsats {key}", status)
    do_record_decision(
        application_id=objects["approved"].pk,
        outcome="approved",
        actor=None,
        amounts={pool.year: Decimal(50000)},
        committee=committee,
    )
    objects["draft"], objects["draft_attachment"] = application(
        "Hemmelig kladde", ApplicationStatus.DRAFT, attach=True
    )
    # A funded demo project: its final report is in, and an accepted status report shows
    # 100.000 of the 150.000 for 2021 spent, so unspent money can be carried over.
    active = Application.objects.get(title="Kvinder i job", municipality=pool.municipality)
    objects["active"] = active
    objects["report"] = Report.objects.get(application=active, kind=ReportKind.FINAL)
    Report.objects.filter(pk=objects["report"].pk).update(
        status=ReportStatus.SUBMITTED, submitted_at=timezone.now()
    )
    accepted = Report.objects.create(
        application=active,
        kind=ReportKind.STATUS,
        due_date=TODAY,
        status=ReportStatus.ACCEPTED,
        accepted_at=timezone.now(),
    )
    SpentAmount.objects.create(report=accepted, year=2021, amount=Decimal(100000))
    finished = Application.objects.filter(
        municipality=pool.municipality, status=ApplicationStatus.ACTIVE
    ).exclude(pk=active.pk)[0]
    finished.reports.update(status=ReportStatus.ACCEPTED)
    objects["finished"] = finished
    return objects


def url_for(name, key, objects, *, pk=None):
    if key is None:
        return reverse(f"sekretariat:{name}")
    return reverse(f"sekretariat:{name}", args=[pk or objects[key].pk])


def form_data(data, objects) -> dict:
    pool = objects["pool"]
    if data == "new_pool_form":
        return form_data("pool_form", objects) | {
            "year": "2031",
            "application_deadline": "2031-01-31T12:00",
            "reserved-INITIAL_FORMS": "0",
            "reserved-0-id": "",
        }
    if data == "pool_form":
        line = pool.reserved_lines.get()
        deadline = timezone.localtime(pool.application_deadline)
        return {
            "title": "Ny titel",
            "year": pool.year,
            "policy": pool.policy_id,
            "budget": "800.000",
            # The pool's own deadline: one years away from its year is refused.
            "application_deadline": f"{deadline:%Y-%m-%dT%H:%M}",
            "evaluation_threshold": "100.000",
            "version": Pool.objects.get(pk=pool.pk).version,
            "reserved-TOTAL_FORMS": "1",
            "reserved-INITIAL_FORMS": "1",
            "reserved-MIN_NUM_FORMS": "0",
            "reserved-MAX_NUM_FORMS": "20",
            "reserved-0-id": line.pk,
            "reserved-0-title": line.title,
            "reserved-0-amount": "40.000",
        }
    if data == "decision_form":
        return {
            "outcome": "approved",
            "committee": objects["committee"].pk,
            f"amount_{pool.year}": "50.000",
            "appeal_guidance": "Klagevejledning.",
        }
    return {key.replace("YEAR", str(pool.year)): value for key, value in data.items()}


def snapshot() -> tuple:
    """Everything a staff action could change."""
    return (
        list(Application.objects.order_by("pk").values_list("pk", "status", "version")),
        list(Pool.objects.order_by("pk").values_list("pk", "status", "version", "budget", "title")),
        list(Report.objects.order_by("pk").values_list("pk", "status", "version")),
        list(Decision.objects.order_by("pk").values_list("pk", "agreement_signed_on")),
        list(CarryOver.objects.order_by("pk").values_list("pk", "amount")),
        [
            model.objects.count()
            for model in (
                Review,
                ConflictOfInterest,
                Recommendation,
                Allocation,
                StatusChange,
                ReservedLine,
            )
        ],
    )


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def test_own_staff_open_every_page(client, frb):
    login(client, "frb-sekretariat")
    for name, key in PAGES:
        response = client.get(url_for(name, key, frb))
        assert response.status_code == 200, name


def test_each_action_works_for_the_municipalitys_own_staff(
    client, frb, django_capture_on_commit_callbacks
):
    """The control for the tests below: every request they send would change something."""
    login(client, "frb-sekretariat")
    for name, key, data in ACTIONS:
        before = snapshot()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url_for(name, key, frb), form_data(data, frb), follow=True)
        errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
        assert errors == [], name
        assert snapshot() != before, name


def test_anonymous_visitors_are_sent_to_log_in(client, frb, mailoutbox):
    before = snapshot()
    requests = [("get", name, key, None) for name, key in PAGES]
    requests += [("post", name, key, data) for name, key, data in ACTIONS]
    for method, name, key, data in requests:
        url = url_for(name, key, frb)
        response = getattr(client, method)(url, data and form_data(data, frb))
        assert response.status_code == 302, (method, name)
        assert response["Location"] == f"/login/?next={url}", (method, name)
    assert snapshot() == before
    assert mailoutbox == []


def test_caseworkers_are_refused(client, frb, mailoutbox):
    login(client, "frb-sagsbehandler")
    before = snapshot()
    for name, key in PAGES:
        assert client.get(url_for(name, key, frb)).status_code == 403, name
    for name, key, data in ACTIONS:
        assert client.post(url_for(name, key, frb), form_data(data, frb)).status_code == 403, name
    assert snapshot() == before
    assert mailoutbox == []


def test_staff_of_another_municipality_find_nothing_of_frederiksberg(
    client, frb, mailoutbox, django_capture_on_commit_callbacks
):
    login(client, "kbh-sekretariat")
    before = snapshot()
    for name, key in PAGES:
        if key is not None:
            assert client.get(url_for(name, key, frb)).status_code == 404, name
    with django_capture_on_commit_callbacks(execute=True):
        for name, key, data in ACTIONS:
            if key is not None:
                response = client.post(url_for(name, key, frb), form_data(data, frb))
                assert response.status_code == 404, name
        # Their own pool form does not accept Frederiksberg's policy.
        response = client.post(reverse("sekretariat:pool-create"), form_data("new_pool_form", frb))
        assert response.status_code == 400
    assert snapshot() == before
    assert mailoutbox == []


def test_pages_without_an_id_show_only_the_own_municipality(client, frb):
    login(client, "kbh-sekretariat")
    home = client.get(reverse("sekretariat:home")).content.decode()
    assert reverse("sekretariat:pool", args=[frb["pool"].pk]) not in home
    reports = client.get(reverse("sekretariat:reports")).content.decode()
    assert "Kvinder i job" not in reports
    assert reverse("sekretariat:report", args=[frb["report"].pk]) not in reports
    form = client.get(reverse("sekretariat:pool-create")).content.decode()
    # In the policy list only: another list's ids (schemes) may equal the policy's id.
    policies = re.search(r'<select name="policy".*?</select>', form, re.S).group(0)
    assert f'<option value="{frb["pool"].policy_id}"' not in policies
    assert "Københavns Kommune" in form


def test_a_draft_is_not_found_by_its_own_municipalitys_staff(
    client, frb, mailoutbox, django_capture_on_commit_callbacks
):
    login(client, "frb-sekretariat")
    draft = frb["draft"]
    for name in ("application", "review", "recommend", "decide"):
        assert client.get(url_for(name, "draft", frb)).status_code == 404, name
    assert client.get(url_for("attachment", "draft_attachment", frb)).status_code == 404
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        for name, _key, data in ACTIONS:
            if name in POOL_ACTIONS or name == "report":
                continue
            url = url_for(name, "draft", frb, pk=draft.pk)
            assert client.post(url, form_data(data, frb)).status_code == 404, name
    assert snapshot() == before
    assert mailoutbox == []
    queue = client.get(url_for("queue", "pool", frb)).content.decode()
    assert "Hemmelig kladde" not in queue
    assert "Sprogcafé" in queue


def test_action_urls_only_accept_post(client, frb):
    login(client, "frb-sekretariat")
    before = snapshot()
    for name in ACTION_ONLY:
        key = next(key for action, key, _data in ACTIONS if action == name)
        assert client.get(url_for(name, key, frb)).status_code == 405, name
    assert snapshot() == before


def test_the_attachment_is_a_download_for_staff(client, frb):
    login(client, "frb-sekretariat")

    response = client.get(url_for("attachment", "attachment", frb))

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_a_draft_withdrawn_before_submission_stays_hidden(
    client, staff_user, caseworker, make_application
):
    draft = make_application(title="Løs idé", created_by=caseworker)
    do_withdraw(application_id=draft.pk, actor=caseworker, comment="Droppet.")
    client.force_login(staff_user)

    response = client.get(reverse("sekretariat:application", args=[draft.pk]))

    assert response.status_code == 404
    queue = client.get(reverse("sekretariat:queue", args=[draft.pool_id])).content.decode()
    assert "Løs idé" not in queue
