"""Who may see what. Every view gets its objects through these querysets, so an id from
another municipality or department is simply not found (404)."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.text import get_valid_filename

from grants.models import (
    Applicants,
    Application,
    ApplicationStatus,
    Attachment,
    Pool,
    PoolStatus,
    Report,
)
from portal.models import Organisation, Role

# The columns `applicant_scope` may name, with their kinds (portal.prepared_queries).
SCOPE_KINDS = {"municipality_id": int, "department_id": int, "organisation_id": int}


def applicant_scope(user) -> dict[str, int] | None:
    """Whose applications `user` applies for, as the columns that say so: an organisation's
    person their own organisation's, a caseworker their own department's in their own
    municipality; None for anyone else. The rule of `caseworker_applications` as plain values,
    which the dashboard's prepared queries take (issue #17)."""
    # An organisation's person: never another organisation's, never a department's.
    if user.is_authenticated and user.is_organisation_person:
        return {"organisation_id": user.organisation_id}
    if user.is_authenticated and user.is_caseworker and user.department_id:
        return {"municipality_id": user.municipality_id, "department_id": user.department_id}
    return None


def applications_in(scope: dict | None) -> QuerySet[Application]:
    return Application.objects.filter(**scope) if scope else Application.objects.none()


def caseworker_applications(user) -> QuerySet[Application]:
    """A caseworker sees their own department's applications in their own municipality; an
    organisation's person (who uses the same pages) their own organisation's."""
    return applications_in(applicant_scope(user))


def is_applicant_of(user, application: Application) -> bool:
    """Is `user` on the applicant's side of this application? The one answer for every kind
    of applicant (today a caseworker of the applying department; a new applicant role adds
    its rule here and in `applicant_applications`, and gets messages and letters with it)."""
    if not (user is not None and user.is_authenticated and user.municipality_id):
        return False
    if user.is_caseworker:
        return (
            user.department_id is not None
            and application.municipality_id == user.municipality_id
            and application.department_id == user.department_id
        )
    if user.is_organisation_person:
        return (
            user.organisation_id is not None and application.organisation_id == user.organisation_id
        )
    return False


def applicant_applications(user) -> QuerySet[Application]:
    """The applications `user` applies for, whatever kind of applicant they are; the same
    rule as `is_applicant_of`, as a queryset."""
    if user.is_authenticated and (user.is_caseworker or user.is_organisation_person):
        return caseworker_applications(user)
    return Application.objects.none()


def case_applications(user) -> QuerySet[Application]:
    """Applications whose case `user` may read and write in: as applicant or as staff."""
    if user.is_authenticated and user.is_committee_staff:
        return staff_applications(user)
    return applicant_applications(user)


def caseworker_reports(user) -> QuerySet[Report]:
    return Report.objects.filter(application__in=caseworker_applications(user))


def open_pools_for(user) -> QuerySet[Pool]:
    """The open pools a user may apply to: departments' or organisations' pools."""
    return open_pools_in(
        user.municipality_id, organisations=getattr(user, "is_organisation_person", False)
    )


def open_pools_in(municipality_id: int, *, organisations: bool) -> QuerySet[Pool]:
    pools = Pool.objects.filter(municipality_id=municipality_id, status=PoolStatus.OPEN)
    if organisations:
        return pools.filter(applicants__in=[Applicants.ORGANISATIONS, Applicants.BOTH])
    return pools.filter(applicants__in=[Applicants.DEPARTMENTS, Applicants.BOTH])


class RoleRequiredMixin(AccessMixin):
    """Logged-in users of one role only; others are sent to log in or refused (403)."""

    required_role: str
    also_role: str = ""  # a second role the pages serve too

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.role not in (self.required_role, self.also_role):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CaseworkerRequiredMixin(RoleRequiredMixin):
    """The applicant's pages: a department's caseworker or an organisation's person."""

    required_role = Role.CASEWORKER
    also_role = Role.ORGANISATION


# The roles that apply for grants. A new applicant role is added here and in
# `is_applicant_of`/`applicant_applications`; the case's pages (messages, letters) follow.
APPLICANT_ROLES = frozenset({Role.CASEWORKER, Role.ORGANISATION})


class ApplicantRequiredMixin(AccessMixin):
    """Logged-in applicants of any kind; others are sent to log in or refused (403)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.user.role not in APPLICANT_ROLES:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def staff_pools(user) -> QuerySet[Pool]:
    """Committee staff work on their own municipality's pools only."""
    if not (user.is_authenticated and user.is_committee_staff and user.municipality_id):
        return Pool.objects.none()
    return Pool.objects.filter(municipality_id=user.municipality_id)


def staff_applications(user) -> QuerySet[Application]:
    """Submitted work of the municipality; a caseworker's unsent draft is not staff's business."""
    if not (user.is_authenticated and user.is_committee_staff and user.municipality_id):
        return Application.objects.none()
    return (
        Application.objects.filter(municipality_id=user.municipality_id)
        .exclude(status=ApplicationStatus.DRAFT)
        .exclude(status=ApplicationStatus.WITHDRAWN, submitted_at__isnull=True)
    )


def get_staff_application(request, pk) -> Application:
    """One application of the staff user's municipality, with what its pages show, or 404."""
    queryset = staff_applications(request.user).select_related(
        "pool__policy", "committee", "department", "organisation", "municipality"
    )
    return get_object_or_404(queryset, pk=pk)


def stored_file_response(file, *, filename: str, content_type: str) -> FileResponse:
    """A stored file, always as a download (never rendered inline), with the type the portal
    checked and a safe name: every file a user uploaded or the portal issued goes out here."""
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def attachment_response(attachment: Attachment) -> FileResponse:
    return stored_file_response(
        attachment.file, filename=attachment.original_name, content_type=attachment.content_type
    )


def letter_response(letter) -> FileResponse:
    """A stored letter, exactly the bytes that were issued."""
    return stored_file_response(
        letter.file, filename=letter.filename, content_type="application/pdf"
    )


ORGANISATION_DOCUMENTS = {"vedtaegter": "statutes", "regnskab": "accounts"}


def organisation_document_response(organisation, slug: str) -> FileResponse:
    """An organisation's statutes or accounts as a download, named after the organisation;
    404 when it has none."""
    field = ORGANISATION_DOCUMENTS.get(slug)
    file = getattr(organisation, field) if field else None
    if not file:
        raise Http404
    from grants.services.attachments import KINDS  # the services import this module

    extension = file.name.rsplit(".", 1)[-1].lower()
    if extension not in KINDS:
        raise Http404
    stem = get_valid_filename(f"{slug}-{organisation.name}")[:100] or slug
    return stored_file_response(
        file, filename=f"{stem}.{extension}", content_type=KINDS[extension].content_type
    )


def staff_organisations(user) -> QuerySet[Organisation]:
    """The applicant organisations of the staff user's municipality."""
    if not (user.is_authenticated and user.is_committee_staff and user.municipality_id):
        return Organisation.objects.none()
    return Organisation.objects.filter(municipality_id=user.municipality_id)


def staff_reports(user) -> QuerySet[Report]:
    return Report.objects.filter(application__in=staff_applications(user))


class StaffRequiredMixin(RoleRequiredMixin):
    required_role = Role.COMMITTEE_STAFF
