"""Export one municipality's complete data to JSON, and import it into an empty database.

For moving a municipality to another installation or keeping an independent copy. The file
holds every row the municipality owns (including the audit history and attachments' content)
in Django's fixture format, with ids kept, so an import reproduces it exactly.
Two-factor devices are not exported: staff set up their app again after a move.
"""

import base64
import datetime
import io
import json

from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from policies.models import SDG
from portal.models import Municipality

FORMAT = "integrationsportal-export"
VERSION = 1

# (model label, lookup from the model to its municipality), parents before children.
SCOPED_MODELS = [
    ("portal.Municipality", "pk"),
    ("portal.Committee", "municipality"),
    ("portal.Department", "municipality"),
    ("portal.Organisation", "municipality"),
    ("portal.User", "municipality"),
    ("policies.Policy", "municipality"),
    ("policies.Principle", "policy__municipality"),
    ("policies.Goal", "policy__municipality"),
    ("policies.Target", "goal__policy__municipality"),
    ("policies.ActionPlan", "policy__municipality"),
    ("grants.Scheme", "municipality"),
    ("grants.Pool", "municipality"),
    ("grants.ReservedLine", "pool__municipality"),
    ("grants.Application", "municipality"),
    ("grants.RequestedAmount", "application__municipality"),
    ("grants.ContactPerson", "application__municipality"),
    ("grants.SuccessCriterion", "application__municipality"),
    ("grants.StatusChange", "application__municipality"),
    ("grants.Attachment", "application__municipality"),
    ("grants.Review", "application__municipality"),
    ("grants.ProposedAmount", "review__application__municipality"),
    ("grants.ConflictOfInterest", "application__municipality"),
    ("grants.Recommendation", "application__municipality"),
    ("grants.RecommendedAmount", "recommendation__application__municipality"),
    ("grants.Decision", "application__municipality"),
    ("grants.Allocation", "application__municipality"),
    ("grants.CarryOver", "application__municipality"),
    ("grants.Report", "application__municipality"),
    ("grants.SpentAmount", "report__application__municipality"),
    ("grants.CriterionResult", "report__application__municipality"),
    ("grants.ReportAttachment", "report__application__municipality"),
    # The case: requests for information, messages with their files, the letters issued.
    ("grants.InformationRequest", "application__municipality"),
    ("grants.CaseMessage", "application__municipality"),
    ("grants.CaseReadMark", "application__municipality"),
    ("grants.MessageAttachment", "message__application__municipality"),
    ("grants.Letter", "application__municipality"),
    ("indicators.Indicator", "municipality"),
    ("indicators.Measurement", "indicator__municipality"),
    # Sign-in with the municipality's identity provider: who each user is at the provider,
    # so a moved user signs in as themselves (the client secrets are never in the database).
    ("identity.IdentityProvider", "municipality"),
    ("identity.RoleMapping", "provider__municipality"),
    ("identity.ExternalIdentity", "provider__municipality"),
    ("identity.SignInEvent", "provider__municipality"),
    # The audit trail (django-simple-history): rows whose object belonged to the municipality.
    ("portal.HistoricalOrganisation", "municipality"),
    ("grants.HistoricalPool", "municipality"),
    ("grants.HistoricalReservedLine", "pool__municipality"),
    ("grants.HistoricalApplication", "municipality"),
    ("grants.HistoricalRequestedAmount", "application__municipality"),
    ("grants.HistoricalContactPerson", "application__municipality"),
    ("grants.HistoricalSuccessCriterion", "application__municipality"),
    ("grants.HistoricalReview", "application__municipality"),
    ("grants.HistoricalRecommendation", "application__municipality"),
    ("grants.HistoricalDecision", "application__municipality"),
    ("grants.HistoricalAllocation", "application__municipality"),
    ("grants.HistoricalCarryOver", "application__municipality"),
    ("grants.HistoricalReport", "application__municipality"),
    ("grants.HistoricalSpentAmount", "report__application__municipality"),
    ("grants.HistoricalCriterionResult", "report__application__municipality"),
    ("grants.HistoricalReportAttachment", "report__application__municipality"),
    ("grants.HistoricalConflictOfInterest", "application__municipality"),
    ("grants.HistoricalInformationRequest", "application__municipality"),
    ("grants.HistoricalCaseMessage", "application__municipality"),
    ("policies.HistoricalActionPlan", "policy__municipality"),
    ("policies.HistoricalPolicy", "municipality"),
    ("indicators.HistoricalMeasurement", "indicator__municipality"),
]


# Models whose rows carry stored files (every file field of theirs), exported with the rows.
FILE_MODELS = {
    "grants.Attachment",
    "grants.MessageAttachment",
    "grants.ReportAttachment",
    "grants.Letter",
    "portal.Organisation",  # its statutes and latest accounts
}


class TransferError(Exception):
    pass


class ExactJSONEncoder(DjangoJSONEncoder):
    """Like Django's encoder, but keeps microseconds (Django rounds times to milliseconds),
    so an audit trail's timestamps come back exactly."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if o.utcoffset() is not None else text
        return super().default(o)


def serialize(queryset) -> list[dict]:
    return json.loads(serializers.serialize("json", queryset, cls=ExactJSONEncoder))


def scoped_querysets(municipality: Municipality):
    for label, lookup in SCOPED_MODELS:
        model = apps.get_model(label)
        if label.startswith("grants.Historical") and "__" in lookup:
            # History rows keep plain ids of their parents; follow the parent's own table.
            parent_field, rest = lookup.split("__", 1)
            parent_model = model._meta.get_field(parent_field).related_model
            ids = parent_model._default_manager.filter(**{rest: municipality.pk}).values("pk")
            queryset = model._default_manager.filter(**{f"{parent_field}_id__in": ids})
        else:
            queryset = model._default_manager.filter(**{lookup: municipality.pk})
        yield model, queryset.order_by("pk")


def export_municipality(code: str) -> dict:
    municipality = Municipality.objects.filter(code=code).first()
    if municipality is None:
        raise TransferError(f"No municipality with code {code}")
    objects = []
    files = {}
    for model, queryset in scoped_querysets(municipality):
        objects.extend(serialize(queryset))
        if model._meta.label in FILE_MODELS:
            file_fields = [f.name for f in model._meta.fields if isinstance(f, models.FileField)]
            for row in queryset:
                for name in file_fields:
                    stored = getattr(row, name)
                    if stored:
                        with stored.open("rb") as handle:
                            files[stored.name] = base64.b64encode(handle.read()).decode()
    return {
        "format": FORMAT,
        "version": VERSION,
        "municipality": {"code": municipality.code, "name": municipality.name},
        "exported_at": timezone.now().isoformat(),
        "objects": objects,
        "files": files,
    }


def import_municipality(data: dict) -> Municipality:
    """Load an export into a database that holds no municipality yet; all or nothing."""
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise TransferError("Not an export file of this portal (format/version)")
    if Municipality.objects.exists():
        raise TransferError("The database already holds municipalities; import into an empty one")
    with transaction.atomic():
        SDG.objects.bulk_create([SDG(number=n) for n in range(1, 18)], ignore_conflicts=True)
        load_rows(data["objects"])
        # Rows saved raw send no signal worth acting on: the barometer's stored statuses
        # are assessed here (indicators.stored_status).
        from indicators.stored_status import refresh_statuses

        refresh_statuses()
        for name, content in data.get("files", {}).items():
            default_storage.save(name, ContentFile(base64.b64decode(content)))
        reset_sequences()
    return Municipality.objects.get(code=data["municipality"]["code"])


def load_rows(rows: list[dict]) -> None:
    """Save the exported rows as they are (what `loaddata` does), without adding to the audit
    trail: the export carries it, and setting an object's many-to-many fields would otherwise
    write a new history row for it. `skip_history_when_saving` is django-simple-history's
    per-object switch, so nothing global (a setting) changes while other requests run."""
    deferred = []
    with connection.constraint_checks_disabled():
        for row in serializers.deserialize(
            "json", json.dumps(rows), handle_forward_references=True
        ):
            row.object.skip_history_when_saving = True
            row.save()
            if row.deferred_fields:
                deferred.append(row)
        for row in deferred:
            row.save_deferred_fields()
    tables = {apps.get_model(label)._meta.db_table for label, _lookup in SCOPED_MODELS}
    connection.check_constraints(table_names=sorted(tables))


def reset_sequences() -> None:
    """After rows were inserted with their ids, new rows must not collide (PostgreSQL)."""
    models = [apps.get_model(label) for label, _lookup in SCOPED_MODELS]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def dumps(data: dict) -> str:
    buffer = io.StringIO()
    json.dump(data, buffer, ensure_ascii=False, indent=1)
    return buffer.getvalue()
