"""The reminders the worker sends each morning (grants.tasks.send_reminders):

- whoever wrote an unsent draft (draft or returned) in an open pool, a caseworker or an
  association's person, 14 and 3 days before its deadline;
- the applicant's side of a project (`ApplicantSide`) and the committee staff of the
  municipality: reports due within 30 days, and reports past their due date;
- the applicant's side: an unanswered question of the municipality 3 days before its reply
  date, and once more when the date has passed.

Each goes once per user and occasion (`worker.reminders.claim`), one mail per user listing
the items, in the user's language, and only if the user has that reminder on."""

import datetime
from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from grants.models import Application, ApplicationStatus, Pool, PoolStatus, Report, ReportStatus
from grants.notifications import applicant_link
from grants.organisations import people_in_the_case
from grants.rules import is_conflicted
from portal import site
from portal.models import Role, User
from worker.mail import language_of, send_in_languages
from worker.models import SentReminder
from worker.reminders import claim, wants

DRAFT_DAYS = (14, 3)
REPORT_DUE_DAYS = 30
UNSENT = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)
WAITING = (ReportStatus.REQUESTED, ReportStatus.RETURNED)


def _day(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _send(user, kind: str, items: list[tuple[str, str]], subject, intro) -> bool:
    """Claim each (key, line) for the user; mail the lines that were not sent before."""
    # Most items were reminded on an earlier day: skip them with one query instead of a
    # refused insert each (the insert below still decides when two workers race).
    done = set(
        SentReminder.objects.filter(user=user, key__in=[key for key, _ in items]).values_list(
            "key", flat=True
        )
    )
    items = [(key, line) for key, line in items if key not in done]
    if not items:
        return False
    with transaction.atomic():
        lines = [line for key, line in items if claim(user, key)]
        if not lines:
            return False

        def render():
            # Who it is for, why it came and where to stop it (fresh eyes round 12: a bare
            # list, with no word of the setting that sends it).
            settings_link = site.absolute(reverse("preferences"))
            body = "\n".join(
                [
                    _("Hej %(name)s") % {"name": user.get_full_name() or user.username},
                    "",
                    intro(),
                    "",
                    *[f"- {line()}" for line in lines],
                    "",
                    _(
                        "Du får denne påmindelse én gang pr. frist, fordi den er slået til i "
                        "dine indstillinger. Du kan slå den fra her: %(link)s"
                    )
                    % {"link": settings_link},
                    "",
                    _("Venlig hilsen"),
                    _("Integrationsportalen"),
                ]
            )
            return subject(), body

        send_in_languages(recipients=[(user.email, language_of(user))], render=render, kind=kind)
        return True


def draft_deadline_reminders(now: datetime.datetime) -> int:
    sent = 0
    today = timezone.localdate(now)
    pools = Pool.objects.filter(
        status=PoolStatus.OPEN,
        application_deadline__gt=now,
        application_deadline__lte=now + datetime.timedelta(days=max(DRAFT_DAYS)),
    )
    for pool in pools:
        deadline = pool.application_deadline
        days_left = (timezone.localdate(deadline) - today).days
        occasions = [days for days in DRAFT_DAYS if days_left <= days]
        stamp = timezone.localtime(deadline).strftime("%Y%m%d%H%M")
        drafts = defaultdict(list)
        for application in Application.objects.filter(
            pool=pool, status__in=UNSENT, created_by__isnull=False
        ).select_related("created_by__preferences"):
            drafts[application.created_by].append(application)
        for user, applications in drafts.items():
            if user.role not in APPLICANT_ROLES or not wants(user, "remind_draft_deadline"):
                continue
            # The nearest occasion is the one mailed; the earlier ones are recorded with it,
            # so a pool opened 5 days before its deadline gets one mail, not two.
            keys = [f"draft-deadline:{pool.pk}:{stamp}:{days}" for days in occasions]
            with transaction.atomic():
                for application in applications:
                    for key in keys[:-1]:
                        claim(user, f"{key}:{application.pk}")
                items = [(f"{keys[-1]}:{a.pk}", _line_for_application(a)) for a in applications]
                sent += _send(
                    user,
                    "reminder_draft_deadline",
                    items,
                    lambda pool=pool: (
                        _("Påmindelse: ansøgningsfristen for %(pool)s nærmer sig")
                        % {"pool": pool.title}
                    ),
                    lambda pool=pool, days_left=days_left: (
                        _(
                            "Ansøgningsfristen for %(pool)s er %(deadline)s (om %(days)s dage). "
                            "Disse ansøgninger er ikke indsendt endnu:"
                        )
                        % {
                            "pool": pool.title,
                            "deadline": formats.date_format(
                                timezone.localtime(pool.application_deadline), "DATETIME_FORMAT"
                            ),
                            "days": days_left,
                        }
                    ),
                )
    return sent


APPLICANT_ROLES = (Role.CASEWORKER, Role.ORGANISATION)


class ApplicantSide:
    """Who answers for a project's reports, as "Venter på dig" shows them: who wrote the
    application; for an association, its people who have signed in; and for a department's
    project with no writer left (imported from an action plan, or the writer has gone) the
    department's caseworkers (fresh eyes round 22: the demo's overdue reports, all imported,
    reminded no caseworker and no association). The department's and the association's
    people are read once per run."""

    def __init__(self):
        self._department: dict[int, list[User]] = {}
        self._organisation: dict[int, list[User]] = {}

    def people(self, application: Application) -> list[User]:
        people = []
        writer = application.created_by
        if (
            writer is not None
            and writer.is_active
            and writer.role in APPLICANT_ROLES
            and writer.organisation_id == application.organisation_id
        ):
            people.append(writer)
        if application.organisation_id:
            people += self._of_organisation(application.organisation_id)
        elif not people and application.department_id:
            people += self._of_department(application.department_id)
        unique = {person.pk: person for person in people}
        return list(unique.values())

    def _of_department(self, department_id: int) -> list[User]:
        if department_id not in self._department:
            self._department[department_id] = list(
                User.objects.filter(
                    department_id=department_id, role=Role.CASEWORKER, is_active=True
                ).select_related("preferences")
            )
        return self._department[department_id]

    def _of_organisation(self, organisation_id: int) -> list[User]:
        if organisation_id not in self._organisation:
            self._organisation[organisation_id] = list(
                people_in_the_case(organisation_id).select_related("preferences")
            )
        return self._organisation[organisation_id]


def _line_for_application(application):
    link = applicant_link(application, reverse("mine:detail", args=[application.pk]))
    return lambda: "{}: {}".format(application.title or _("(uden titel)"), link)


def _line_for_report(report, user):
    if user.role == Role.COMMITTEE_STAFF:
        link = site.absolute(reverse("sekretariat:report", args=[report.pk]))
    else:
        link = applicant_link(
            report.application, reverse("mine:detail", args=[report.application_id])
        )
    return lambda: (
        _("%(kind)s for »%(title)s«, frist %(due)s: %(link)s")
        % {
            "kind": report.get_kind_display(),
            "title": report.application.title,
            "due": _day(report.due_date),
            "link": link,
        }
    )


def report_reminders(now: datetime.datetime) -> int:
    today = timezone.localdate(now)
    reports = (
        Report.objects.filter(
            status__in=WAITING,
            due_date__lte=today + datetime.timedelta(days=REPORT_DUE_DAYS),
        )
        .select_related("application__created_by__preferences", "application")
        .order_by("due_date", "pk")
    )
    staff_by_municipality: dict[int, list[User]] = {}
    applicant_side = ApplicantSide()
    pending: dict[tuple[User, str], list] = defaultdict(list)
    for report in reports:
        overdue = report.due_date < today
        kind = "remind_report_overdue" if overdue else "remind_report_due"
        key = f"{'report-overdue' if overdue else 'report-due'}:{report.pk}:{report.due_date}"
        application = report.application
        municipality_id = application.municipality_id
        if municipality_id not in staff_by_municipality:
            staff_by_municipality[municipality_id] = list(
                User.objects.filter(
                    municipality_id=municipality_id, role=Role.COMMITTEE_STAFF
                ).select_related("preferences")
            )
        people = [*staff_by_municipality[municipality_id], *applicant_side.people(application)]
        for user in people:
            if not wants(user, kind):
                continue
            if user.role == Role.COMMITTEE_STAFF and is_conflicted(user, application):
                continue  # a recused staff member takes no part in the case
            pending[(user, kind)].append((key, _line_for_report(report, user)))
    sent = 0
    for (user, kind), items in pending.items():
        if kind == "remind_report_overdue":
            subject = lambda: _("Påmindelse: afrapportering over fristen")  # noqa: E731
            intro = lambda: _("Disse afrapporteringer er ikke indsendt til tiden:")  # noqa: E731
        else:
            subject = lambda: _("Påmindelse: afrapportering inden for 30 dage")  # noqa: E731
            intro = lambda: _("Disse afrapporteringer skal indsendes inden for 30 dage:")  # noqa: E731
        sent += _send(user, f"reminder_{kind[7:]}", items, subject, intro)
    return sent


INFORMATION_DAYS = 3


def information_reminders(now: datetime.datetime) -> int:
    """The applicant's side, for each unanswered question of the municipality with a reply
    date: 3 days before it, and once more when it has passed (fresh eyes round 22: the
    settings page promised reminders of deadlines, and this one had none)."""
    from grants.models import InformationRequest

    today = timezone.localdate(now)
    requests = (
        InformationRequest.objects.filter(
            answered_at__isnull=True,
            due_date__isnull=False,
            due_date__lte=today + datetime.timedelta(days=INFORMATION_DAYS),
        )
        .exclude(application__status=ApplicationStatus.WITHDRAWN)
        .select_related("application__created_by__preferences", "application")
        .order_by("due_date", "pk")
    )
    applicant_side = ApplicantSide()
    pending: dict[tuple[User, bool], list] = defaultdict(list)
    for request in requests:
        overdue = request.due_date < today
        key = f"information-{'overdue' if overdue else 'due'}:{request.pk}:{request.due_date}"
        application = request.application
        link = applicant_link(application, reverse("mine:messages", args=[application.pk]))

        def line(application=application, request=request, link=link):
            return _("»%(title)s«, svarfrist %(due)s: %(link)s") % {
                "title": application.title or _("(uden titel)"),
                "due": _day(request.due_date),
                "link": link,
            }

        for user in applicant_side.people(application):
            if wants(user, "remind_information_due"):
                pending[(user, overdue)].append((key, line))
    sent = 0
    for (user, overdue), items in pending.items():
        if overdue:
            subject = lambda: _("Påmindelse: kommunen venter stadig på dit svar")  # noqa: E731
            intro = lambda: _("Svarfristen er gået for disse spørgsmål fra kommunen:")  # noqa: E731
        else:
            subject = lambda: _("Påmindelse: kommunen venter på dit svar")  # noqa: E731
            intro = lambda: _("Kommunen har spurgt om noget, og svarfristen nærmer sig:")  # noqa: E731
        sent += _send(user, "reminder_information_due", items, subject, intro)
    return sent


def send_reminders(now: datetime.datetime | None = None) -> int:
    """Every reminder that is due now and was not sent before; returns how many mails."""
    now = now or timezone.now()
    return draft_deadline_reminders(now) + report_reminders(now) + information_reminders(now)
