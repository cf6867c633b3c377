from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.admin_tools import (
    NUMBER_FORMFIELDS,
    MunicipalityScopedAdmin,
    ReadOnlyInline,
    money_column,
)
from portal.money import format_kroner

from .models import (
    Allocation,
    Application,
    Attachment,
    CarryOver,
    CaseMessage,
    CaseReadMark,
    ConflictOfInterest,
    ContactPerson,
    CriterionResult,
    Decision,
    InformationRequest,
    Letter,
    MessageAttachment,
    Pool,
    ProposedAmount,
    Recommendation,
    RecommendedAmount,
    Report,
    ReportAttachment,
    RequestedAmount,
    ReservedLine,
    Review,
    Scheme,
    SpentAmount,
    StatusChange,
    SuccessCriterion,
)
from .rules import APPLICATION_ACTIONS
from .selectors import with_status_parts
from .services.pools import POOL_FIELDS


class ScopedHistoryAdmin(MunicipalityScopedAdmin, SimpleHistoryAdmin):
    """Scoped to the user's municipality, with the audit history one click away.

    The history is for reading: reverting to an old version would write old money and
    status values past the services, so it is switched off.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        # A status moves only through the services, which check grants.rules and record who
        # did it; the admin shows it but cannot set it.
        fields = list(super().get_readonly_fields(request, obj))
        if "status" not in fields and any(f.name == "status" for f in self.model._meta.fields):
            fields.append("status")
        return fields


POOLS = _(
    "Puljen ændres under Sekretariat → Puljer, hvor reglerne for puljens saldo, datoer og "
    "ansøgere håndhæves."
)
APPLICATIONS = _(
    "Beløb, status og afgørelser ændres i Sekretariatets sagsbehandling af ansøgningen, "
    "hvor reglerne for puljens saldo håndhæves."
)
REPORTS = _("Forbrug og status ændres under Sekretariat → Afrapportering.")


class ReservedLineInline(ReadOnlyInline):
    model = ReservedLine


@admin.register(Scheme)
class SchemeAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name", "description"]


@admin.register(Pool)
class PoolAdmin(ScopedHistoryAdmin):
    where_to_change = POOLS
    # Every field is changed under Sekretariat → Puljer (below), so the admin only shows a
    # pool: no "Gem" buttons that save nothing (fresh eyes round 28).
    money_rows = True
    list_display = [
        "title",
        "scheme",
        "municipality",
        "year",
        "status",
        money_column("budget", _("budget")),
        "application_deadline",
    ]
    list_filter = ["municipality", "status", "year"]
    search_fields = ["title", "description"]
    readonly_fields = ["balance"]
    inlines = [ReservedLineInline]

    def has_add_permission(self, request):
        # A pool's budget is set where it is created: Sekretariat → Puljer.
        return False

    def get_readonly_fields(self, request, obj=None):
        # Moving a pool to another year or municipality would move its allocations with it.
        # Each once (fresh eyes round 22: "Kommune" stood twice, once from the owner guard).
        # Every field the pool form has is changed there, by the service that checks its
        # rules (attack round 24: a deadline before the opening and 0 years were saved here).
        fields = [
            *super().get_readonly_fields(request, obj),
            "municipality",
            *POOL_FIELDS,
            # Set when the pool is made, never after: it moves the pool's grants in or out
            # of the open data (fresh eyes round 25).
            "is_example",
        ]
        return list(dict.fromkeys(fields))

    @admin.display(description=_("saldo"))
    def balance(self, pool: Pool) -> str:
        if pool.pk is None:
            return "–"
        return _(
            "Reserveret %(reserved)s · bevilget %(allocated)s · til rådighed %(available)s"
        ) % {
            "reserved": format_kroner(pool.reserved_total),
            "allocated": format_kroner(pool.allocated_total),
            "available": format_kroner(pool.available),
        }


@admin.register(ReservedLine)
class ReservedLineAdmin(ScopedHistoryAdmin):
    money_rows = True
    where_to_change = POOLS
    municipality_path = "pool__municipality"
    list_display = ["title", "pool", money_column("amount", _("beløb"))]
    list_filter = ["pool__municipality", "pool__year"]
    search_fields = ["title"]


class RequestedAmountInline(ReadOnlyInline):
    model = RequestedAmount


# The statuses the applicant edits in, from the one rule table (grants.rules), not again here.
EDITABLE = APPLICATION_ACTIONS["edit"].allowed_from


def sent_in(application) -> bool:
    """An application sent to the municipality: what the decision rests on, and what the
    public project page shows, is not changed here beside the applicant (fresh eyes round 33:
    an admin changed a granted project's partners and targets, and the public page followed).
    The applicant changes it after a return, on the portal's pages."""
    return application is not None and application.status not in EDITABLE


class SentInRowsAdmin:
    """The own admin page of a case's rows (contact persons, success criteria, attachments):
    shown, not changed or deleted, once the application is sent; no bulk delete, which asks no
    row (attack round 33: a sent application's only contact person was deleted here)."""

    def has_change_permission(self, request, obj=None):
        return not sent_in(obj and obj.application) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not sent_in(obj and obj.application) and super().has_delete_permission(request, obj)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions


class SentInReadOnlyInline(admin.TabularInline):
    def has_change_permission(self, request, obj=None):
        return not sent_in(obj) and super().has_change_permission(request, obj)


class ContactPersonInline(SentInReadOnlyInline):
    def has_add_permission(self, request, obj=None):
        return False  # rows of a case are added on the portal's own pages

    def has_delete_permission(self, request, obj=None):
        return False

    model = ContactPerson
    extra = 0


class SuccessCriterionInline(SentInReadOnlyInline):
    def has_add_permission(self, request, obj=None):
        return False  # rows of a case are added on the portal's own pages

    def has_delete_permission(self, request, obj=None):
        return False

    model = SuccessCriterion
    extra = 0
    formfield_overrides = NUMBER_FORMFIELDS


class AttachmentInline(admin.TabularInline):
    def has_add_permission(self, request, obj=None):
        return False  # rows of a case are added on the portal's own pages

    def has_delete_permission(self, request, obj=None):
        return False

    model = Attachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


class StatusChangeColumns:
    """A status change's from and to as the application names them ("Delvis bevilget" for
    less than asked; the admin said "Bevilget", session 19), with what that reads."""

    @admin.display(description=_("fra"))
    def from_shown(self, change: StatusChange) -> str:
        return change.from_label or "–"  # the first step has none

    @admin.display(description=_("til"))
    def to_shown(self, change: StatusChange) -> str:
        return change.to_label

    @admin.display(description=_("ansøgning"), ordering="application__title")
    def case(self, change: StatusChange) -> str:
        # Shortened, so "fra" and "til" stay in sight at 1280 px beside a long title.
        return Truncator(change.application.title).chars(60)

    def get_queryset(self, request):
        # Each row's application with what its status label reads (with_status_parts).
        applications = with_status_parts(Application.objects.all())
        return (
            super()
            .get_queryset(request)
            .select_related("actor")
            .prefetch_related(Prefetch("application", queryset=applications))
        )


class StatusChangeInline(StatusChangeColumns, ReadOnlyInline):
    """The case's record of what happened: shown, never rewritten (attack round 10 changed
    a status change's note here)."""

    model = StatusChange
    fields = readonly_fields = ["from_shown", "to_shown", "actor", "at", "note", "comment"]


@admin.register(Application)
class ApplicationAdmin(ScopedHistoryAdmin):
    made_by_services = True
    where_to_change = APPLICATIONS
    list_display = [
        "title",
        "number",
        "pool",
        "department",
        "committee",
        "shown_status",
        "requested",
    ]
    list_filter = ["municipality", "status", "pool__year", "committee", "department"]
    search_fields = ["title", "target_group", "description", "contacts__name"]
    autocomplete_fields = ["department", "committee"]
    # What the application links to is written on the portal's pages, where the choices are
    # the municipality's own: here another municipality's committees and projects could be
    # linked in (attack round 11).
    readonly_fields = [
        "created_at",
        "updated_at",
        "submitted_at",
        "created_by",
        "co_committees",
        "continues",
        "goals",
        "sdgs",
    ]
    inlines = [
        RequestedAmountInline,
        ContactPersonInline,
        SuccessCriterionInline,
        AttachmentInline,
        StatusChangeInline,
    ]

    def get_queryset(self, request):
        # What the columns read, with the rows: the pool's municipality (its name), and the
        # amounts the status reads ("Delvis bevilget"): not a query per application.
        return with_status_parts(
            super()
            .get_queryset(request)
            .select_related("pool__municipality", "department", "committee")
        )

    def has_change_permission(self, request, obj=None):
        return not sent_in(obj) and super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        # The record's status as the portal and the list say it (recheck round 33: the list
        # said "Delvis bevilget", the record "Bevilget").
        fields = super().get_fields(request, obj)
        shown = ["shown_status" if name == "status" else name for name in fields]
        return list(dict.fromkeys(shown))

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "shown_status"]

    @admin.display(description=_("status"), ordering="status")
    def shown_status(self, application: Application) -> str:
        # As the portal's pages say it ("Delvis bevilget", fresh eyes round 33: "Bevilget").
        return application.status_label

    @admin.display(description=_("ansøgt"))
    def requested(self, application: Application) -> str:
        # The years asked for, as the portal lists them (recheck round 33: "2028: 0 kr.").
        return " / ".join(
            f"{row.year}: {format_kroner(row.amount)}"
            for row in application.requested_amounts.all()
            if row.amount
        )


@admin.register(RequestedAmount)
class RequestedAmountAdmin(ScopedHistoryAdmin):
    money_rows = True
    where_to_change = APPLICATIONS
    municipality_path = "application__municipality"
    list_display = ["application", "year", money_column("amount", _("beløb"))]
    list_filter = ["application__municipality", "year"]
    search_fields = ["application__title"]


@admin.register(ContactPerson)
class ContactPersonAdmin(SentInRowsAdmin, MunicipalityScopedAdmin):
    made_by_services = True  # added on the caseworker's pages, never to a decided case
    municipality_path = "application__municipality"
    list_display = ["name", "title", "department", "application"]

    list_filter = ["application__municipality"]
    search_fields = ["name", "email", "application__title"]


@admin.register(SuccessCriterion)
class SuccessCriterionAdmin(SentInRowsAdmin, MunicipalityScopedAdmin):
    made_by_services = True  # added on the caseworker's pages, never to a decided case
    municipality_path = "application__municipality"
    list_display = ["__str__", "target_value", "unit", "application"]

    list_filter = ["application__municipality"]
    search_fields = ["text", "application__title"]


@admin.register(StatusChange)
class StatusChangeAdmin(StatusChangeColumns, MunicipalityScopedAdmin):
    municipality_path = "application__municipality"
    money_rows = audit_records = True  # the record of what happened: shown, never changed
    list_display = ["case", "from_shown", "to_shown", "actor", "at"]
    list_filter = ["application__municipality", "to_status"]
    search_fields = ["application__title", "comment"]
    fields = readonly_fields = [
        "application",
        "from_shown",
        "to_shown",
        "actor",
        "at",
        "note",
        "comment",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(Attachment)
class AttachmentAdmin(SentInRowsAdmin, MunicipalityScopedAdmin):
    made_by_services = True  # uploads are checked by content in grants.services.attachments
    municipality_path = "application__municipality"
    list_display = ["original_name", "application", "content_type", "size", "uploaded_at"]
    list_filter = ["application__municipality", "content_type"]
    search_fields = ["original_name", "application__title"]


class ProposedAmountInline(ReadOnlyInline):
    model = ProposedAmount


@admin.register(Review)
class ReviewAdmin(ScopedHistoryAdmin):
    money_rows = True  # a review is its reviewer's own, written on the staff pages
    where_to_change = APPLICATIONS
    municipality_path = "application__municipality"
    list_display = ["application", "reviewer", "average_score", "updated_at"]
    list_filter = ["application__municipality", "application__pool__year"]
    search_fields = ["application__title", "comment"]
    inlines = [ProposedAmountInline]


@admin.register(ProposedAmount)
class ProposedAmountAdmin(MunicipalityScopedAdmin):
    money_rows = True
    where_to_change = APPLICATIONS
    municipality_path = "review__application__municipality"
    list_display = ["review", "year", money_column("amount", _("beløb"))]
    list_filter = ["review__application__municipality", "year"]
    search_fields = ["review__application__title"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(MunicipalityScopedAdmin):
    municipality_path = "application__municipality"
    # Declared through the staff pages (grants.services.review); a declaration is a record.
    money_rows = audit_records = True
    list_display = ["application", "user", "declared_at"]
    list_filter = ["application__municipality"]
    search_fields = ["application__title", "reason"]


class AllocationInline(ReadOnlyInline):
    model = Allocation


@admin.register(Decision)
class DecisionAdmin(ScopedHistoryAdmin):
    money_rows = audit_records = True
    where_to_change = APPLICATIONS
    municipality_path = "application__municipality"
    list_display = ["application", "extent", "committee", "meeting_date", "under_delegation"]
    list_filter = ["application__municipality", "outcome", "under_delegation", "condition"]
    search_fields = ["application__title", "message", "reasons"]
    inlines = [AllocationInline]

    @admin.display(description=_("udfald"), ordering="outcome")
    def extent(self, decision: Decision) -> str:
        # "Delvis bevilget" for less than asked, as the portal, mail and letter say (fresh
        # eyes round 29: the list said "Bevilget").
        return decision.extent_label

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("application", "committee")
            .prefetch_related("application__requested_amounts", "allocations__pool")
        )


@admin.register(Allocation)
class AllocationAdmin(ScopedHistoryAdmin):
    money_rows = True
    where_to_change = APPLICATIONS
    municipality_path = "pool__municipality"
    list_display = ["application", "pool", money_column("amount", _("beløb")), "created_at"]
    list_filter = ["pool__municipality", "pool__year"]
    search_fields = ["application__title"]


@admin.register(CarryOver)
class CarryOverAdmin(ScopedHistoryAdmin):
    money_rows = True
    where_to_change = APPLICATIONS
    municipality_path = "application__municipality"
    list_display = ["application", "from_pool", "to_pool", money_column("amount", _("beløb"))]
    list_filter = ["application__municipality", "to_pool__year"]
    search_fields = ["application__title", "note"]


class SpentAmountInline(ReadOnlyInline):
    model = SpentAmount


class CriterionResultInline(admin.TabularInline):
    def has_add_permission(self, request, obj=None):
        return False  # rows of a case are added on the portal's own pages

    def has_delete_permission(self, request, obj=None):
        return False

    model = CriterionResult
    extra = 0


@admin.register(Report)
class ReportAdmin(ScopedHistoryAdmin):
    made_by_services = True
    where_to_change = REPORTS
    municipality_path = "application__municipality"
    list_display = ["application", "kind", "status", "due_date", "submitted_at"]
    # Who submitted and accepted, and when, is the report's workflow: set by the services.
    readonly_fields = ["submitted_at", "submitted_by", "accepted_at", "accepted_by"]
    list_filter = ["application__municipality", "kind", "status"]
    search_fields = ["application__title", "summary"]
    inlines = [SpentAmountInline, CriterionResultInline]


@admin.register(SpentAmount)
class SpentAmountAdmin(MunicipalityScopedAdmin):
    money_rows = True
    where_to_change = REPORTS
    municipality_path = "report__application__municipality"
    list_display = ["report", "year", money_column("amount", _("forbrugt"))]
    list_filter = ["report__application__municipality", "year"]
    search_fields = ["report__application__title"]


@admin.register(CriterionResult)
class CriterionResultAdmin(MunicipalityScopedAdmin):
    made_by_services = True  # added on the caseworker's pages, never to a decided case
    municipality_path = "report__application__municipality"
    list_display = ["criterion", "achieved_value", "report"]
    list_filter = ["report__application__municipality"]
    search_fields = ["criterion__text", "comment"]


class RecommendedAmountInline(ReadOnlyInline):
    model = RecommendedAmount


@admin.register(Recommendation)
class RecommendationAdmin(ScopedHistoryAdmin):
    money_rows = True  # made by do_recommend, which moves the status with it
    where_to_change = APPLICATIONS
    municipality_path = "application__municipality"
    list_display = ["application", "recommended_by", "created_at"]
    list_filter = ["application__municipality", "application__pool__year"]
    search_fields = ["application__title", "summary"]
    inlines = [RecommendedAmountInline]


@admin.register(RecommendedAmount)
class RecommendedAmountAdmin(MunicipalityScopedAdmin):
    money_rows = True
    where_to_change = APPLICATIONS
    municipality_path = "recommendation__application__municipality"
    list_display = ["recommendation", "year", money_column("amount", _("beløb"))]
    list_filter = ["recommendation__application__municipality", "year"]
    search_fields = ["recommendation__application__title"]


class CaseRecordAdmin(MunicipalityScopedAdmin):
    """The case's messages, requests and letters: written only through the services
    (grants.services.messages, grants.services.letters), shown here, never changed."""

    municipality_path = "application__municipality"
    money_rows = audit_records = made_by_services = True


@admin.register(CaseMessage)
class CaseMessageAdmin(CaseRecordAdmin, ScopedHistoryAdmin):
    list_display = ["application", "side", "author", "sent_at"]
    list_filter = ["application__municipality", "side"]
    search_fields = ["application__title", "text"]


@admin.register(CaseReadMark)
class CaseReadMarkAdmin(CaseRecordAdmin):
    """How far each side has read a case's messages (written by opening the thread)."""

    list_display = ["application", "side", "read_at", "read_by"]
    list_filter = ["application__municipality", "side"]
    search_fields = ["application__title"]


@admin.register(InformationRequest)
class InformationRequestAdmin(CaseRecordAdmin, ScopedHistoryAdmin):
    list_display = ["application", "requested_by", "requested_at", "due_date", "answered_at"]
    list_filter = ["application__municipality"]
    search_fields = ["application__title", "question"]


@admin.register(MessageAttachment)
class MessageAttachmentAdmin(CaseRecordAdmin):
    municipality_path = "message__application__municipality"
    list_display = ["original_name", "message", "content_type", "size"]
    list_filter = ["message__application__municipality"]


@admin.register(ReportAttachment)
class ReportAttachmentAdmin(CaseRecordAdmin, ScopedHistoryAdmin):
    municipality_path = "report__application__municipality"
    list_display = ["original_name", "report", "content_type", "size", "uploaded_at"]
    list_filter = ["report__application__municipality"]
    search_fields = ["original_name", "report__application__title"]


@admin.register(Letter)
class LetterAdmin(CaseRecordAdmin):
    list_display = ["application", "kind", "created_at", "created_by", "sha256"]
    list_filter = ["application__municipality", "kind"]
    search_fields = ["application__title"]
