"""Who may see what. Every view gets its objects through these querysets, so an id from
another municipality or department is simply not found (404)."""

from django.contrib.auth.mixins import AccessMixin
from django.db.models import QuerySet

from grants.models import Application, Pool, PoolStatus, Report


def caseworker_applications(user) -> QuerySet[Application]:
    """A caseworker sees their own department's applications in their own municipality."""
    if not (user.is_authenticated and user.is_caseworker and user.department_id):
        return Application.objects.none()
    return Application.objects.filter(
        municipality_id=user.municipality_id, department_id=user.department_id
    )


def caseworker_reports(user) -> QuerySet[Report]:
    return Report.objects.filter(application__in=caseworker_applications(user))


def open_pools_for(user) -> QuerySet[Pool]:
    return Pool.objects.filter(municipality_id=user.municipality_id, status=PoolStatus.OPEN)


class CaseworkerRequiredMixin(AccessMixin):
    """Logged-in caseworkers only; others are sent to log in or refused."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_caseworker:
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)
