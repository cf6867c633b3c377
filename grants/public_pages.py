"""Which of this app's rows the public pages show, for the public page cache
(portal/public_cache.py): pools and money always; applications and their success criteria
only once funded."""

from django.db.models.signals import pre_save

from portal.public_cache import watch

from .models import FUNDED_STATUSES, Application


def _funded_application(application_id) -> bool:
    return Application.objects.filter(pk=application_id, status__in=FUNDED_STATUSES).exists()


def _application_shows(application) -> bool:
    return application.status in FUNDED_STATUSES or getattr(application, "_was_funded", False)


def _criterion_shows(criterion) -> bool:
    return _funded_application(criterion.application_id)


def _remember_whether_funded(sender, instance, **_kwargs) -> None:
    """Before an application is saved: was it public? (An edit could take it out.)"""
    instance._was_funded = (
        instance.pk is not None
        and instance.status not in FUNDED_STATUSES
        and _funded_application(instance.pk)
    )


def watch_public_rows() -> None:
    watch(
        "grants.Pool",
        "grants.ReservedLine",
        "grants.Allocation",
        "grants.CarryOver",
        "grants.Report",
        "grants.CriterionResult",
    )
    watch("grants.Application", shows=_application_shows)
    watch("grants.SuccessCriterion", shows=_criterion_shows)
    pre_save.connect(
        _remember_whether_funded, sender=Application, dispatch_uid="cache-application-was-funded"
    )
