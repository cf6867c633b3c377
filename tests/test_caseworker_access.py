"""Who may open the caseworker's pages. An id from another department or municipality is
simply not found (404), committee staff are refused (403) and anonymous visitors are sent
to log in; none of them can change anything."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from grants.models import Application, ApplicationStatus, Attachment, Pool, Report, ReportKind
from grants.services.attachments import do_add_attachment
from grants.services.drafts import do_create_draft
from portal.models import Department, Role, User
from tests.test_caseworker_forms import PDF, edit_post

# (url name, which object, method)
ROUTES = [
    ("detail", "draft", "get"),
    ("edit", "draft", "get"),
    ("edit", "draft", "post"),
    ("autosave", "draft", "post"),
    ("submit", "draft", "get"),
    ("submit", "draft", "post"),
    ("receipt", "submitted", "get"),
    ("withdraw", "draft", "get"),
    ("withdraw", "submitted", "post"),
    ("attachment", "attachment", "get"),
    ("report", "report", "get"),
    ("report", "report", "post"),
]
ROUTE_IDS = [f"{method}-{name}" for name, _obj, method in ROUTES]


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
def objects(demo, media_root):
    """Frederiksberg's Center for Integration: a draft with an attachment, a submitted
    application and the final report of the funded 'Kvinder i job'."""
    owner = User.objects.get(username="frb-sagsbehandler")
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    draft = do_create_draft(pool_id=pool.pk, actor=owner)
    submitted = do_create_draft(pool_id=pool.pk, actor=owner)
    Application.objects.filter(pk=submitted.pk).update(
        title="Allerede indsendt", status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
    )
    attachment = do_add_attachment(
        application=draft, upload=SimpleUploadedFile("bilag.pdf", PDF), actor=owner
    )
    report = Report.objects.get(
        application__title="Kvinder i job", application__municipality=pool.municipality
    )
    assert report.kind == ReportKind.FINAL
    return {
        "owner": owner,
        "draft": draft,
        "submitted": submitted,
        "attachment": attachment,
        "report": report,
    }


def state(objects) -> tuple:
    """Everything a foreign request might try to change."""
    draft = Application.objects.get(pk=objects["draft"].pk)
    submitted = Application.objects.get(pk=objects["submitted"].pk)
    report = Report.objects.get(pk=objects["report"].pk)
    return (
        draft.title,
        draft.status,
        draft.version,
        submitted.status,
        report.summary,
        report.status,
        report.version,
        Attachment.objects.count(),
    )


def request(client, objects, name, key, method):
    target = objects[key]
    url = reverse(f"mine:{name}", args=[target.pk])
    if method == "get":
        return client.get(url)
    if name in ("edit", "autosave"):
        data = edit_post(target, title="Overtaget af en anden")
    elif name == "report":
        data = {"version": str(target.version), "summary": "Skrevet af en anden", "submit": ""}
    else:
        data = {"comment": "Trukket af en anden"}
    return client.post(url, data)


def logged_in(username) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def other_department_caseworker(objects):
    municipality = objects["owner"].municipality
    return User.objects.create_user(
        username="frb-skole",
        password="x",
        role=Role.CASEWORKER,
        municipality=municipality,
        department=Department.objects.get(municipality=municipality, name="Skoleafdelingen"),
    )


@pytest.mark.parametrize(("name", "key", "method"), ROUTES, ids=ROUTE_IDS)
def test_the_owning_department_can_open_every_page(objects, name, key, method):
    if method == "post":
        pytest.skip("only the pages themselves are checked here")
    response = request(logged_in("frb-sagsbehandler"), objects, name, key, method)
    assert response.status_code == 200
    response.close()


@pytest.mark.parametrize(("name", "key", "method"), ROUTES, ids=ROUTE_IDS)
def test_caseworker_of_another_department_gets_not_found(
    objects, other_department_caseworker, name, key, method
):
    before = state(objects)
    client = Client()
    client.force_login(other_department_caseworker)
    assert request(client, objects, name, key, method).status_code == 404
    assert state(objects) == before


@pytest.mark.parametrize(("name", "key", "method"), ROUTES, ids=ROUTE_IDS)
def test_caseworker_of_another_municipality_gets_not_found(objects, name, key, method):
    before = state(objects)
    response = request(logged_in("kbh-sagsbehandler"), objects, name, key, method)
    assert response.status_code == 404
    assert state(objects) == before


@pytest.mark.parametrize(("name", "key", "method"), ROUTES, ids=ROUTE_IDS)
def test_committee_staff_are_refused(objects, name, key, method):
    before = state(objects)
    response = request(logged_in("frb-sekretariat"), objects, name, key, method)
    assert response.status_code == 403
    assert state(objects) == before


@pytest.mark.parametrize(("name", "key", "method"), ROUTES, ids=ROUTE_IDS)
def test_anonymous_visitor_is_sent_to_log_in(objects, name, key, method):
    before = state(objects)
    response = request(Client(), objects, name, key, method)
    assert response.status_code == 302
    path = reverse(f"mine:{name}", args=[objects[key].pk])
    assert response.url == f"/login/?next={path}"
    assert state(objects) == before


def test_dashboard_sends_anonymous_visitors_to_log_in(db):
    response = Client().get(reverse("mine:dashboard"))
    assert response.status_code == 302
    assert response.url == "/login/?next=/mine/"


def test_dashboard_refuses_committee_staff(demo):
    assert logged_in("frb-sekretariat").get(reverse("mine:dashboard")).status_code == 403


def test_dashboard_shows_only_the_own_municipalitys_pools(demo):
    text = logged_in("kbh-sagsbehandler").get(reverse("mine:dashboard")).content.decode()
    frederiksberg = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    assert reverse("mine:start", args=[frederiksberg.pk]) not in text
    assert "Kvinder i job" not in text


def test_pool_of_another_municipality_cannot_be_started(demo):
    frederiksberg = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    url = reverse("mine:start", args=[frederiksberg.pk])
    before = Application.objects.count()

    assert logged_in("kbh-sagsbehandler").post(url).status_code == 404
    assert logged_in("frb-sekretariat").post(url).status_code == 403
    assert Client().post(url).url == f"/login/?next={url}"
    assert Application.objects.count() == before
