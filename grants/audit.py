"""The audit trail staff see on an object's page: who changed what, when, from what to what.

Built from django-simple-history's records. Consecutive records of the same object are
compared in memory, and related objects are looked up in one query per model, so the page's
query count does not grow with the length of the history.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.money import MoneyField, format_kroner
from portal.numbers import format_number

from .models import (
    Allocation,
    Application,
    CarryOver,
    CaseMessage,
    ConflictOfInterest,
    ContactPerson,
    CriterionResult,
    Decision,
    InformationRequest,
    Pool,
    Recommendation,
    Report,
    RequestedAmount,
    ReservedLine,
    Review,
    SpentAmount,
    SuccessCriterion,
)

KIND_LABELS = {"+": _("oprettet"), "~": _("ændret"), "-": _("slettet")}
# Kept for the portal itself, not for reading (fresh eyes round 33: "creation token: df20…").
SKIPPED_FIELDS = {
    "id",
    "version",
    "updated_at",
    "created_at",
    "creation_token",
    "committee_from_decision",
}
MONEY_FIELDS = {"amount", "budget", "evaluation_threshold", "delegation_limit", "unspent_amount"}


@dataclass
class AuditEntry:
    at: datetime
    user: object
    what: str
    kind: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    model: type | None = None  # the model the row is of, for code that asks (not shown)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


def _tracked_fields(model) -> list[models.Field]:
    """The fields the audit trail records (HistoricalRecords may exclude some)."""
    recorded = {f.attname for f in model.history.model._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SKIPPED_FIELDS and f.attname in recorded
    ]


def _show(value, field: models.Field, related: dict) -> str:
    if value is None or value == "":
        return "–"
    if field.is_relation:
        shown = related.get((field.related_model, value), value)
        # A person by name, never by login name (fresh eyes round 33: "bedømmer: t33-staff").
        return str(getattr(shown, "shown_name", shown))
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nej"))
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    # Every money field as kroner (fresh eyes round 14: "højeste beløb: 150000.00").
    if isinstance(field, MoneyField) or field.name in MONEY_FIELDS:
        return format_kroner(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return format_number(value)  # "80,5", as typed (fresh eyes round 33: "80.50")
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def _around_change(old: str, new: str, width: int = 120) -> tuple[str, str]:
    """Both texts shortened to the part around their first difference."""
    same = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        same += 1
    start = max(0, same - 40)

    def excerpt(text: str) -> str:
        part = text[start : start + width - 2]
        return ("…" if start else "") + part + ("…" if start + width - 2 < len(text) else "")

    return excerpt(old), excerpt(new)


def _label(record, related: dict) -> str:
    """Model name and a readable attribute, from the record or its already loaded relations
    (no queries)."""
    name = str(record.instance_type._meta.verbose_name)
    if (
        criterion := related.get((SuccessCriterion, getattr(record, "criterion_id", None)))
    ) is not None:
        text = criterion.text
        return f"{name}: {text if len(text) <= 60 else text[:57] + '…'}"
    for attribute in ("title", "name", "year", "text"):
        value = getattr(record, attribute, None)
        if isinstance(value, str | int) and value != "":
            text = str(value)
            return f"{name}: {text if len(text) <= 60 else text[:57] + '…'}"
    return name


def audit_entries(history_querysets) -> list[AuditEntry]:
    """Newest first, for the given simple-history querysets (any mix of models)."""
    records = []
    for queryset in history_querysets:
        records.extend(queryset.select_related("history_user").order_by("history_date"))
    wanted = defaultdict(set)
    for record in records:
        for f in _tracked_fields(record.instance_type):
            value = getattr(record, f.attname)
            if f.is_relation and value is not None:
                wanted[f.related_model].add(value)
    related = {
        (model, pk): obj
        for model, ids in wanted.items()
        for pk, obj in model._default_manager.in_bulk(ids).items()
    }
    previous = {}
    entries = []
    for record in sorted(records, key=lambda r: r.history_date):
        model = record.instance_type
        key = (model, record.id)
        before = previous.get(key)
        changes = []
        for f in _tracked_fields(model):
            new = getattr(record, f.attname)
            old = getattr(before, f.attname) if before is not None else None
            if record.history_type == "~" and old == new:
                continue
            if record.history_type == "+" and new in (None, ""):
                continue
            if record.history_type == "-":
                continue
            shown_old = _show(old, f, related) if before else ""
            shown_new = _show(new, f, related)
            if shown_old == shown_new and isinstance(old, str) and isinstance(new, str):
                # A long text changed after its first 117 characters: show where it changed
                # (fresh eyes: edits to a pool's description never reached the log).
                shown_old, shown_new = _around_change(old, new)
            if record.history_type == "~" and shown_old == shown_new:
                continue  # no change anyone could see (e.g. seconds of a time in minutes)
            changes.append((str(f.verbose_name), shown_old, shown_new))
        previous[key] = record
        if record.history_type == "~" and not changes:
            continue
        entries.append(
            AuditEntry(
                at=record.history_date,
                user=record.history_user,
                what=_label(record, related),
                kind=record.history_type,
                changes=changes,
                model=model,
            )
        )
    return list(reversed(entries))


def application_audit(application: Application) -> list[AuditEntry]:
    pk = application.pk
    return audit_entries(
        [
            application.history.all(),
            RequestedAmount.history.filter(application_id=pk),
            ContactPerson.history.filter(application_id=pk),
            SuccessCriterion.history.filter(application_id=pk),
            Review.history.filter(application_id=pk),
            Recommendation.history.filter(application_id=pk),
            Decision.history.filter(application_id=pk),
            Allocation.history.filter(application_id=pk),
            CarryOver.history.filter(application_id=pk),
            Report.history.filter(application_id=pk),
            SpentAmount.history.filter(report__application_id=pk),
            CriterionResult.history.filter(report__application_id=pk),
            ConflictOfInterest.history.filter(application_id=pk),
            CaseMessage.history.filter(application_id=pk),
            InformationRequest.history.filter(application_id=pk),
        ]
    )


def pool_audit(pool: Pool) -> list[AuditEntry]:
    return audit_entries([pool.history.all(), ReservedLine.history.filter(pool_id=pool.pk)])


@dataclass(frozen=True)
class SinceReturn:
    """What the applicant changed between the last return for changes and sending again."""

    returned_at: datetime
    resubmitted_at: datetime
    changes: list[tuple[str, str, str, str]]  # what, field, before, after


def changes_since_return(application: Application, audit: list[AuditEntry]) -> SinceReturn | None:
    """For staff reading a resubmitted application (fresh eyes round 31: "Indsendt" again,
    with the old review beside the new text and nothing saying what changed): the audit's
    entries of the application's parts between the last return and the sending after it.
    None when the application was not returned, or not sent again since."""
    from .models import ApplicationStatus

    changes = list(application.status_changes.order_by("at", "pk"))
    returns = [c for c in changes if c.to_status == ApplicationStatus.RETURNED]
    if not returns:
        return None
    returned = returns[-1]
    sent = next(
        (
            c
            for c in changes
            if c.at >= returned.at
            and c.pk != returned.pk
            and c.to_status == ApplicationStatus.SUBMITTED
        ),
        None,
    )
    if sent is None:
        return None
    # The status and the time of sending are the sending itself, said above; the rest is
    # what was edited (recheck round 32: "indsendt: kl. 21:40 → kl. 21:42" was counted).
    sending = {
        str(Application._meta.get_field(name).verbose_name) for name in ("status", "submitted_at")
    }
    edited = [
        (entry.what, name, before, after)
        for entry in audit
        if returned.at < entry.at < sent.at and entry.user is not None
        for name, before, after in entry.changes
        if not (entry.model is Application and str(name) in sending)
    ]
    return SinceReturn(returned.at, sent.at, edited)
