"""The yearly cycle (årshjul): the dates of one municipality's year, computed from its rows.

Pools open, close for applications and go to the committee; the committee's decisions carry
their meeting dates; funded projects' reports fall due. `events()` gives them in date order
for the staff page and for the calendar feed (grants.views.yearly)."""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from grants.models import Decision, Pool, Report, ReportStatus
from policies.models import Policy

KINDS = {
    "pool_opens": _("Puljen åbner"),
    "deadline": _("Ansøgningsfrist"),
    "pool_closed": _("Lukket før fristen"),
    "committee_meeting": _("Udvalgsmøde"),
    "decisions": _("Afgørelser"),
    "report_due": _("Afrapportering"),
    "barometer": _("Barometeret opdateres"),
}


@dataclass(frozen=True)
class Event:
    uid: str
    kind: str
    day: datetime.date
    title: str
    path: str
    at: datetime.datetime | None = None  # a time of day, when the date has one

    @property
    def kind_label(self):
        return KINDS[self.kind]


def events(municipality_id: int, start: datetime.date, end: datetime.date) -> list[Event]:
    """Every dated event of the municipality with start <= day < end, by date."""
    found: list[Event] = []
    pools = Pool.objects.filter(municipality_id=municipality_id)
    for pool in pools.exclude(opens_at=None):
        found.append(_timed("pool_opens", pool, pool.opens_at))
    for pool in pools.exclude(application_deadline=None):
        # A pool closed early shows when it closed, not a deadline that no longer holds.
        if pool.closed_early:
            found.append(_timed("pool_closed", pool, pool.closed_at))
        else:
            found.append(_timed("deadline", pool, pool.application_deadline))
    for pool in pools.filter(committee_meeting_on__gte=start, committee_meeting_on__lt=end):
        found.append(
            Event(
                uid=f"pool-{pool.pk}-committee-meeting",
                kind="committee_meeting",
                day=pool.committee_meeting_on,
                title=str(pool.title),
                path=reverse("sekretariat:recommendation", args=[pool.pk]),
            )
        )
    meetings = (
        Decision.objects.filter(
            application__municipality_id=municipality_id,
            meeting_date__gte=start,
            meeting_date__lt=end,
        )
        .values(
            "meeting_date",
            "committee__name",
            "committee_id",
            "application__pool_id",
            "application__pool__title",
        )
        .annotate(count=Count("pk"))
        .order_by("meeting_date")
    )
    for meeting in meetings:
        # The committee by name and the pool's applications as the link (fresh eyes round
        # 20: "AUU: 3 afgørelser" linked to the staff's front page).
        decided = ngettext_lazy(
            "%(committee)s: %(count)s afgørelse",
            "%(committee)s: %(count)s afgørelser",
            "count",
        ) % {
            "committee": meeting["committee__name"] or _("Udvalget"),
            "count": meeting["count"],
        }
        pool_id = meeting["application__pool_id"]
        found.append(
            Event(
                uid=f"decisions-{meeting['committee_id']}-{pool_id}-{meeting['meeting_date']:%Y%m%d}",
                kind="decisions",
                day=meeting["meeting_date"],
                title=f"{decided} ({meeting['application__pool__title']})",
                path=reverse("sekretariat:queue", args=[pool_id]),
            )
        )
    reports = Report.objects.filter(
        application__municipality_id=municipality_id, due_date__gte=start, due_date__lt=end
    ).exclude(status=ReportStatus.ACCEPTED)
    for report in reports.select_related("application"):
        found.append(
            Event(
                uid=f"report-{report.pk}-due",
                kind="report_due",
                day=report.due_date,
                title=f"{report.get_kind_display()}: {report.application.title}",
                path=reverse("sekretariat:report", args=[report.pk]),
            )
        )
    policies = Policy.objects.filter(
        municipality_id=municipality_id, barometer_update_month__isnull=False
    ).select_related("municipality")
    newest = (
        Policy.objects.filter(municipality_id=municipality_id)
        .order_by("-period_start", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    for policy in policies:
        # The barometer of a policy's last year is published the next; the municipality's
        # newest policy is measured on until a new one replaces it (fresh eyes round 20:
        # set for the only policy, the update was in the cycle of its years only, not the
        # coming ones).
        last = end.year if policy.pk == newest else policy.period_end + 1
        for year in range(start.year, end.year + 1):
            if not policy.period_start <= year <= last:
                continue
            month = policy.barometer_update_month
            found.append(
                Event(
                    uid=f"policy-{policy.pk}-barometer-{year}",
                    kind="barometer",
                    day=datetime.date(year, month, calendar.monthrange(year, month)[1]),
                    title=str(policy.title),
                    path=reverse("barometer:policy", args=[policy.municipality.slug, policy.slug]),
                )
            )
    found = [event for event in found if start <= event.day < end]
    return sorted(found, key=lambda e: (e.day, e.at.time() if e.at else datetime.time.min, e.uid))


def _timed(kind: str, pool: Pool, at: datetime.datetime) -> Event:
    return Event(
        uid=f"pool-{pool.pk}-{kind.replace('_', '-')}",
        kind=kind,
        day=timezone.localdate(at),
        title=str(pool.title),
        path=reverse("sekretariat:pool", args=[pool.pk]),
        at=timezone.localtime(at),
    )
