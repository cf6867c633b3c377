"""A municipality's complete data survives export and import into an empty database."""

import contextlib
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from simple_history.signals import pre_create_historical_record

from grants.models import Application, Attachment, DecisionOutcome, Pool, Report
from grants.services.attachments import do_add_attachment
from grants.services.decisions import do_record_decision
from grants.services.review import do_recommend, do_save_review
from grants.services.submission import do_submit
from identity.models import IdentityProvider, RoleMapping
from identity.services import do_sign_in
from portal.models import Municipality, User
from transfer.municipality import (
    SCOPED_MODELS,
    TransferError,
    export_municipality,
    import_municipality,
    scoped_querysets,
    serialize,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def snapshot(code: str) -> dict:
    """Every exported row as plain data, per model, for comparing before and after."""
    municipality = Municipality.objects.get(code=code)
    return {
        model._meta.label: serialize(queryset) for model, queryset in scoped_querysets(municipality)
    }


@contextlib.contextmanager
def audit_records_written():
    """The django-simple-history records created inside the block."""
    written = []

    def record(sender, history_instance, **_kwargs):
        written.append(history_instance)

    pre_create_historical_record.connect(record)
    try:
        yield written
    finally:
        pre_create_historical_record.disconnect(record)


@pytest.fixture
def busy_frederiksberg(demo, tmp_path):
    """The demo data plus one application that went through review, decision and report."""
    with override_settings(
        STORAGES={
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_path)},
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        caseworker = User.objects.get(username="frb-sagsbehandler")
        staff = User.objects.get(username="frb-sekretariat")
        pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
        application = Application.objects.create(
            municipality=pool.municipality,
            pool=pool,
            department=caseworker.department,
            created_by=caseworker,
            committee=pool.municipality.committees.first(),
            title="Sprogcafé",
            target_group="Nytilkomne",
            challenge="Sprog",
            purpose="Dansk",
            description="Café",
            anchoring="Biblioteket",
        )
        application.requested_amounts.create(year=pool.year, amount=Decimal("50000"))
        application.contacts.create(name="Demo", email="demo@example.org")
        application.goals.set(pool.policy.goals.all()[:1])
        application.success_criteria.create(text="80 % deltager", target_value=80, unit="%")
        do_add_attachment(
            application=application,
            upload=SimpleUploadedFile("budget.pdf", PDF, "application/pdf"),
            actor=caseworker,
        )
        do_submit(application_id=application.pk, actor=caseworker)
        do_save_review(
            application_id=application.pk,
            reviewer=staff,
            scores={"score_budget": 4},
            comment="God",
            amounts={pool.year: Decimal("40000")},
            expected_version=None,
        )
        do_recommend(
            application_id=application.pk,
            actor=staff,
            summary="Indstilles",
            amounts={pool.year: Decimal("40000")},
        )
        do_record_decision(
            application_id=application.pk,
            outcome=DecisionOutcome.APPROVED,
            actor=staff,
            amounts={pool.year: Decimal("40000")},
            committee=application.committee,
            reasons="Mindre end ansøgt",
            appeal_guidance="Kan ikke påklages",
        )
        # A person who signs in with the municipality's identity provider.
        provider = IdentityProvider.objects.create(
            municipality=pool.municipality,
            slug="frederiksberg",
            issuer="https://login.frederiksberg.dk",
            client_id="portal",
            client_secret_name="OIDC_FREDERIKSBERG_SECRET",
        )
        RoleMapping.objects.create(
            provider=provider,
            group="integration",
            role="caseworker",
            department=caseworker.department,
        )
        do_sign_in(
            provider=provider, claims={"sub": "p-1", "name": "Per", "groups": ["integration"]}
        )
        yield tmp_path


@pytest.mark.django_db(transaction=True)
def test_round_trip_loses_nothing(busy_frederiksberg, tmp_path):
    """Ids are kept; after `flush` the id sequences restart at 1, so any row the import
    wrote on its own (e.g. a spurious history row) would show up as a difference."""
    before = snapshot("147")
    export_file = tmp_path / "frederiksberg.json"
    call_command("export_municipality", "147", str(export_file))
    data = json.loads(export_file.read_text(encoding="utf-8"))
    assert data["files"], "the attachment's content is in the export"

    call_command("flush", interactive=False)
    assert not Municipality.objects.exists() and not Application.objects.exists()

    with override_settings(
        STORAGES={
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_path / "restored")},
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        with audit_records_written() as written:
            call_command("import_municipality", str(export_file))
        # Rows written on top would be overwritten by the exported rows with the same ids, so
        # the snapshot alone cannot see them: the import itself must write no audit record.
        assert written == []
        after = snapshot("147")
        assert after == before
        attachment = Attachment.objects.get()
        assert attachment.file.open("rb").read() == PDF
    assert len(after["grants.HistoricalApplication"]) > 0  # the audit trail came along
    assert Report.objects.filter(application__title="Sprogcafé").exists()
    # New rows get fresh ids after the import (sequences reset on PostgreSQL).
    User.objects.create_user(username="ny-bruger", role="administrator")


def test_every_model_of_the_portal_is_exported():
    from django.apps import apps

    exported = {label for label, _lookup in SCOPED_MODELS}
    own = {
        model._meta.label
        for app in ("portal", "policies", "grants", "indicators", "identity")
        for model in apps.get_app_config(app).get_models()
    }
    # The search's word list is rebuilt from the funded projects (a nightly job, a trigger),
    # the catalogue's counts by triggers when the projects are imported.
    # Used backup codes are digests keyed to this installation's secret (as the codes
    # themselves, django-otp's, they stay behind).
    not_per_municipality = {
        "policies.SDG",
        "grants.SearchWord",
        "grants.CatalogueCount",
        "portal.UsedBackupCode",
    } | {label for label in own if label.startswith("grants.HistoricalApplication_")}
    assert own - exported - not_per_municipality == set()


def test_import_refuses_a_database_that_is_not_empty(demo):
    data = export_municipality("147")
    with pytest.raises(TransferError, match="empty"):
        import_municipality(data)
    with pytest.raises(TransferError, match="format"):
        import_municipality({"format": "something else"})
