"""Who may see what. Every view gets its objects through these querysets, so an id from
another municipality or department is simply not found (404)."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404

from grants.models import (
    Applicants,
    Application,
    ApplicationStatus,
    Attachment,
    Pool,
    PoolStatus,
    Report,
)
from portal.models import Role


def caseworker_applications(user) -> QuerySet[Application]:
    """A caseworker sees their own department's applications in their own municipality; an
    organisation's person (who uses the same pages) their own organisation's."""
    if user.is_authenticated and user.is_organisation_person:
        return organisation_applications(user)
    if not (user.is_authenticated and user.is_caseworker and user.department_id):
        return Application.objects.none()
    return Application.objects.filter(
        municipality_id=user.municipality_id, department_id=user.department_id
    )


def caseworker_reports(user) -> QuerySet[Report]:
    return Report.objects.filter(application__in=caseworker_applications(user))


def organisation_applications(user) -> QuerySet[Application]:
    """An organisation's person sees their own organisation's applications: never another
    organisation's, never a department's."""
    if not (user.is_authenticated and user.is_organisation_person):
        return Application.objects.none()
    return Application.objects.filter(organisation_id=user.organisation_id)


def open_pools_for(user) -> QuerySet[Pool]:
    """The open pools a user may apply to: departments' or organisations' pools."""
    pools = Pool.objects.filter(municipality_id=user.municipality_id, status=PoolStatus.OPEN)
    if getattr(user, "is_organisation_person", False):
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
        "pool__policy", "committee", "department", "municipality"
    )
    return get_object_or_404(queryset, pk=pk)


def attachment_response(attachment: Attachment) -> FileResponse:
    """Always a download (never rendered inline), with the checked type and a safe name."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def staff_reports(user) -> QuerySet[Report]:
    return Report.objects.filter(application__in=staff_applications(user))


class StaffRequiredMixin(RoleRequiredMixin):
    required_role = Role.COMMITTEE_STAFF
