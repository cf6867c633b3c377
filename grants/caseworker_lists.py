"""The caseworker's list of the department's or association's applications (Mine
ansøgninger, Tidligere): which are archived, and each row's words, amounts and address, in a
fixed number of queries."""

from typing import NamedTuple

from django.db.models import FETCH_PEERS, Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from grants.cards import shown_asked, with_row_status, year_lines
from grants.decision_extent import approved_at, years_without_pool_for
from grants.models import ENDED_STATUSES, FUNDED_STATUSES, ApplicationStatus
from grants.rules import may
from grants.services.submission import submission_refusal
from portal.money import format_kroner
from portal.site import id_address_pattern


class GrantedLine(NamedTuple):
    year: int
    shown: str  # "100.000 kr.", or why nothing was granted for the year
    is_note: bool  # a sentence, not an amount: it may wrap (fresh eyes round 36)


def granted_lines(application, asked, granted, without_pool: dict[int, set[int]]) -> list:
    """ "2027: 100.000 kr." per year granted, and for an approved application a year asked for
    without a grant: not decided for want of a pool, or refused (fresh eyes round 20: the
    list showed only the granted year, as if the others were refused). `asked`, `granted`:
    the application's [(year, amount)]; `without_pool`: `years_without_pool_for` of the
    listed applications. [GrantedLine] in year order."""
    lines = {year: GrantedLine(year, format_kroner(amount), False) for year, amount in granted}
    if application.status in FUNDED_STATUSES and application.pk in without_pool:
        undecided = without_pool[application.pk]
        for year, amount in asked:
            if amount and year not in lines:
                lines[year] = GrantedLine(
                    year,
                    _("ikke afgjort (ingen pulje, da ansøgningen blev behandlet)")
                    if year in undecided
                    else _("ikke bevilget"),
                    True,
                )
    return [lines[year] for year in sorted(lines)]


def granted_cell(application, lines: list[GrantedLine]) -> str:
    """The list's cell of what was granted: its lines, a note in small print; "Intet
    (afslag)" for a refusal, "–" while nothing is decided."""
    note = '<span class="small">{}</span>'
    return year_lines(
        (
            (line.year, format_html(note, line.shown) if line.is_note else line.shown)
            for line in lines
        ),
        empty=_("Intet (afslag)") if application.status == ApplicationStatus.REJECTED else "–",
    )


ARCHIVE_PAGE_SIZE = 50


def archived_before() -> int:
    """Finished applications of pools before last year are listed apart (Tidligere): the
    dashboard grew with every year's history (issue #17); this year's and last year's stay."""
    return timezone.localdate().year - 1


def is_archived(before: int | None = None) -> Q:
    """`before`: `archived_before()` unless given (a prepared query sends it as a parameter)."""
    return Q(
        status__in=ENDED_STATUSES, pool__year__lt=archived_before() if before is None else before
    )


def archived(queryset, before: int | None = None):
    return queryset.filter(is_archived(before))


def not_archived(queryset, before: int | None = None):
    """The rest: one condition on the rows, not a second list of the archived to leave out."""
    return queryset.exclude(is_archived(before))


# What a row of the list reads of an application and its pool (the rules `may("edit")` and
# `submission_refusal` included): a department's list is long, and whole rows with their
# long texts were a fifth of its SQL work (issue #17).
ROW_FIELDS = (
    "title",
    "status",
    "updated_at",
    "municipality_id",
    "department_id",
    "organisation_id",
    "pool__title",
    "pool__year",
    "pool__status",
    "pool__opens_at",
    "pool__application_deadline",
    "pool__scheme_id",
    "pool__is_example",
    "pool__municipality_id",
)


def with_rows(applications, user):
    """The list's rows, `applications` evaluated in a fixed number of queries, each with
    `link` (its form while `user` may edit it, else its page), `asked_cell` (the years
    asked for, "2027: 100.000 kr.<br>…"), `granted_cell` (`granted_lines` the same way),
    `row_status` (the status in the applicant's words, "Delvis bevilget" from the same
    amounts) and `cannot_be_sent`. The amounts are plain values, not prefetched relations,
    and the row's words, cells and addresses are made here once, not by filters, loops and a
    tag per row in the template: a manager per relation and a reverse() per row were a large
    part of the caseworker's list (issue #17)."""
    return row_parts(list(row_queryset(applications)), user)


def row_queryset(applications):
    """What a row reads of `applications`, in the list's order."""
    # A field left out of ROW_FIELDS is then read once for all rows, not once per row.
    return (
        applications.select_related("pool")
        .only(*ROW_FIELDS)
        # Read with the rows: the time of each approval, a query less (issue #17).
        .annotate(approved_at=approved_at())
        .fetch_mode(FETCH_PEERS)
        .order_by("-pool__year", "title")
    )


def row_parts(applications: list, user) -> list:
    """`with_rows` of rows already read through `row_queryset`."""
    asked, granted = with_row_status(applications, applicant=True)
    funded = [a for a in applications if a.status in FUNDED_STATUSES]
    without_pool = years_without_pool_for(
        funded,
        asked,
        granted,
        recorded={a.pk: a.approved_at for a in funded if a.approved_at is not None},
    )
    edit, detail = id_address_pattern("mine:edit"), id_address_pattern("mine:detail")
    for application in applications:
        application.link = (edit if may(user, "edit", application) else detail).format(
            application.pk
        )
        application.asked_cell = year_lines(shown_asked(application.asked))
        application.cannot_be_sent = application.status == ApplicationStatus.DRAFT and bool(
            submission_refusal(application)
        )
        application.granted_cell = granted_cell(
            application,
            granted_lines(
                application, asked[application.pk], granted[application.pk], without_pool
            ),
        )
    return applications
