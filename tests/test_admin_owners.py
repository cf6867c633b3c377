"""The admin cannot move a case or its money to another owner, nor delete the record of what
happened (found by an attack: an approved application moved to another municipality's pool,
a report moved to another application made carry-over possible, status changes deleted)."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from grants.models import (
    Application,
    ApplicationStatus,
    ConflictOfInterest,
    Pool,
    Report,
    StatusChange,
)
from portal.admin_tools import MoneyGuardedAdmin, owner_field_names
from portal.models import User
from tests.form_pages import parse_forms


def admin_client():
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    return client


def change_form(client, obj):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200, url
    form = next(f for f in parse_forms(page.content.decode()) if f.id.endswith("_form"))
    return url, {k: v if len(v) > 1 else v[0] for k, v in form.data(("_save", "", "")).items()}


@pytest.mark.django_db
def test_every_guarded_admin_fixes_its_owners_once_the_row_exists(demo):
    """The class: every admin of a row with money, a status or money below it shows the
    row's owners (pool, application, municipality, policy …) read-only on the change form."""
    checked = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, MoneyGuardedAdmin):
            continue
        obj = model.objects.first()
        owners = owner_field_names(model)
        if obj is None or not owners:
            continue
        request = type("R", (), {"user": User.objects.get(username="admin")})()
        readonly = model_admin.get_readonly_fields(request, obj)
        from portal.admin_tools import guarded_field_names, holds_money

        if guarded_field_names(model) or holds_money(model) or model_admin.audit_records:
            assert set(owners) <= set(readonly), (model.__name__, set(owners) - set(readonly))
            checked.append(model.__name__)
    assert {"Application", "Report", "Pool", "StatusChange"} <= set(checked)


@pytest.mark.django_db
def test_an_approved_application_cannot_move_to_another_pool_or_municipality(demo):
    application = Application.objects.filter(status=ApplicationStatus.ACTIVE).first()
    other = Pool.objects.exclude(municipality=application.municipality).first()
    client = admin_client()
    url, data = change_form(client, application)
    data.update(pool=str(other.pk), municipality=str(other.municipality_id))
    client.post(url, data)
    moved = Application.objects.get(pk=application.pk)
    assert (moved.pool_id, moved.municipality_id) == (
        application.pool_id,
        application.municipality_id,
    )


@pytest.mark.django_db
def test_a_report_cannot_move_to_another_application(demo):
    report = Report.objects.first()
    other = Application.objects.exclude(pk=report.application_id).first()
    client = admin_client()
    url, data = change_form(client, report)
    data["application"] = str(other.pk)
    client.post(url, data)
    assert Report.objects.get(pk=report.pk).application_id == report.application_id


@pytest.mark.django_db
def test_status_changes_and_conflict_declarations_cannot_be_deleted(demo):
    from grants.services.review import do_declare_conflict

    application = Application.objects.filter(status=ApplicationStatus.ACTIVE).first()
    staff = User.objects.get(username="frb-sekretariat")
    do_declare_conflict(application_id=application.pk, user=staff, reason="Min søster")
    client = admin_client()
    for obj in (StatusChange.objects.first(), ConflictOfInterest.objects.first()):
        name = f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete"
        response = client.post(reverse(name, args=[obj.pk]), {"post": "yes"})
        assert response.status_code == 403
        assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.django_db
def test_rows_the_services_make_cannot_be_added_in_the_admin(demo):
    """Round-two attack: reviews and recommendations could be added in anyone's name, and
    applications and attachments beside the rules (an HTML "attachment", an application of
    one municipality in another's pool)."""
    client = admin_client()
    for name in ("application", "review", "recommendation", "attachment", "report", "decision"):
        response = client.get(reverse(f"admin:grants_{name}_add"))
        assert response.status_code == 403, name


@pytest.mark.django_db
def test_a_decision_cannot_be_deleted_even_without_money(demo):
    from grants.models import Decision, DecisionOutcome

    decision = Decision.objects.first()
    Decision.objects.filter(pk=decision.pk).update(outcome=DecisionOutcome.REJECTED)
    decision.allocations.all().delete()
    response = admin_client().post(
        reverse("admin:grants_decision_delete", args=[decision.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Decision.objects.filter(pk=decision.pk).exists()


@pytest.mark.django_db
def test_an_attachment_or_contact_cannot_move_to_another_application(demo):
    from grants.models import ContactPerson

    contact = ContactPerson.objects.first()
    other = Application.objects.exclude(pk=contact.application_id).last()
    client = admin_client()
    url, data = change_form(client, contact)
    data["application"] = str(other.pk)
    client.post(url, data)
    assert ContactPerson.objects.get(pk=contact.pk).application_id == contact.application_id


@pytest.mark.django_db
def test_admin_text_has_the_portals_limit(demo):
    from grants.services.drafts import do_create_draft
    from portal.forms import TEXT_MAX_LENGTH
    from portal.models import User

    # A draft: a sent application's text is not edited in the admin (test_admin.py).
    caseworker = User.objects.get(username="frb-sagsbehandler")
    application = do_create_draft(
        pool_id=Pool.objects.get(is_example=True, municipality=caseworker.municipality).pk,
        actor=caseworker,
    )
    client = admin_client()
    url, data = change_form(client, application)
    data["description"] = "x" * (TEXT_MAX_LENGTH + 1)
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the error
    assert Application.objects.get(pk=application.pk).description != data["description"]


@pytest.mark.django_db
def test_a_decided_case_gets_no_new_rows_through_the_admin(demo):
    """Round three: a success criterion added in the admin to a decided application showed
    as a promise on the public page and in the caseworker's report form."""
    client = admin_client()
    for name in ("successcriterion", "contactperson", "criterionresult"):
        assert client.get(reverse(f"admin:grants_{name}_add")).status_code == 403, name
    application = Application.objects.filter(status=ApplicationStatus.ACTIVE).first()
    url, data = change_form(client, application)
    assert "criteria-TOTAL_FORMS" not in data or data.get("successcriterion_set-TOTAL_FORMS")
    data["success_criteria-TOTAL_FORMS"] = str(int(data.get("success_criteria-TOTAL_FORMS", 0)) + 1)
    before = application.success_criteria.count()
    client.post(url, data)
    assert application.success_criteria.count() == before


@pytest.mark.django_db
def test_no_inline_rewrites_a_record_of_what_happened_or_money(demo):
    """The class: an inline showing rows whose own admin keeps them unchanged (audit records,
    money rows) is read-only too; the application's change form offers no field of them."""
    request = type("R", (), {"user": User.objects.get(username="admin")})()
    checked = []
    for parent_admin in admin.site._registry.values():
        for inline in parent_admin.get_inline_instances(request):
            own = admin.site._registry.get(inline.model)
            if own is None or not (
                getattr(own, "audit_records", False) or getattr(own, "money_rows", False)
            ):
                continue
            assert not inline.has_change_permission(request), inline
            assert not inline.has_add_permission(request, None), inline
            checked.append(inline.model.__name__)
    assert "StatusChange" in checked

    application = Application.objects.filter(status=ApplicationStatus.ACTIVE).first()
    client = admin_client()
    url, data = change_form(client, application)
    row = [name for name in data if name.startswith("status_changes-0-")]
    assert set(row) <= {"status_changes-0-id", "status_changes-0-application"}  # hidden keys
    note = application.status_changes.first().note
    data["status_changes-0-note"] = "Omskrevet"
    client.post(url, data)
    assert application.status_changes.first().note == note


@pytest.mark.django_db
def test_an_application_cannot_move_to_another_association(demo):
    application = Application.objects.filter(organisation__isnull=False).first()
    other = Application.objects.exclude(organisation=application.organisation).filter(
        organisation__isnull=False
    )
    client = admin_client()
    url, data = change_form(client, application)
    assert "organisation" not in data
    target = other.first().organisation_id if other.exists() else application.organisation_id
    client.post(url, {**data, "organisation": str(target)})
    assert Application.objects.get(pk=application.pk).organisation_id == (
        application.organisation_id
    )


@pytest.mark.django_db
def test_the_admin_links_no_application_to_another_municipalitys_rows(demo):
    """Attack round 11: the admin linked an application to another municipality's committees
    and continued another municipality's project."""
    kbh = Application.objects.filter(municipality__slug="koebenhavn").first()
    frb = Application.objects.filter(municipality__slug="frederiksberg").first()
    client = admin_client()
    url, data = change_form(client, kbh)
    assert not {"co_committees", "continues", "goals", "sdgs"} & set(data)
    from portal.models import Committee

    foreign = Committee.objects.filter(municipality=frb.municipality).first()
    client.post(url, {**data, "co_committees": [str(foreign.pk)], "continues": [str(frb.pk)]})
    kbh.refresh_from_db()
    assert not kbh.co_committees.filter(pk=foreign.pk).exists()
    assert not kbh.continues.filter(pk=frb.pk).exists()
