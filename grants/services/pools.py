"""Creating, editing, opening and closing a pool. The budget rule holds here too: a budget
or reserved lines can never be set so that the pool is over-committed."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants.models import (
    Allocation,
    Applicants,
    Pool,
    PoolStatus,
    RequestedAmount,
    ReservedLine,
    Scheme,
)
from grants.models.schemes import DEFAULT_SCHEME_NAME
from grants.notifications import (
    notify_deadline_moved_earlier,
    notify_pool_closed_early,
    notify_pool_reopened,
)
from grants.rules import check
from portal.models import User
from portal.money import ZERO, format_kroner

from .errors import DomainError, EditConflict

POOL_FIELDS = (
    "scheme",
    "policy",
    "action_plan",
    "year",
    "title",
    "description",
    "budget",
    "opens_at",
    "application_deadline",
    "committee_meeting_on",
    "evaluation_threshold",
    "delegation_limit",
    "legal_basis",
    "applicants",
    "max_grant_years",
    "max_amount",
    "short_form_below",
    "criteria",
    "contact",
)


@dataclass
class PoolContent:
    fields: dict = field(default_factory=dict)
    reserved_lines: list[dict] = field(default_factory=list)  # {"id"?, "title", "amount"}
    new_scheme_name: str = ""  # a new scheme of the municipality, instead of fields["scheme"]
    # Only when a pool is made: an example pool for trying the portal (kept out of open data),
    # e.g. the following year of an example pool; never changed after (its grants would move
    # in or out of the open data).
    is_example: bool = False


# Times the pool form shows and takes in whole minutes (datetime-local without seconds).
MINUTE_FIELDS = ("opens_at", "application_deadline")


def same_minute(old, new) -> bool:
    """The same time to the minute, or both empty: the form judges "changed" as `_apply`
    keeps a stored time (one rule for both)."""
    if old is None or new is None:
        return old is new
    return old.replace(second=0, microsecond=0) == new.replace(second=0, microsecond=0)


def _apply(pool: Pool, content: PoolContent, actor: User) -> None:
    for name in POOL_FIELDS:
        if name in content.fields:
            new = content.fields[name]
            if name in MINUTE_FIELDS and same_minute(getattr(pool, name), new):
                # The form showed the stored time to the minute: saving it unchanged must not
                # cut off its seconds (12:18:01 became 12:18:00, logged as a change).
                continue
            setattr(pool, name, new)
    if content.new_scheme_name.strip():
        pool.scheme, _created = Scheme.objects.get_or_create(
            municipality_id=actor.municipality_id, name=content.new_scheme_name.strip()
        )
    if pool.scheme_id is None:
        pool.scheme = Scheme.default_for(pool.municipality_id)
    if pool.scheme.municipality_id != pool.municipality_id:
        raise DomainError(_("Puljeordningen hører ikke til kommunen."), field="scheme")
    if pool.policy.municipality_id != pool.municipality_id:
        raise DomainError(_("Politikken hører ikke til kommunen."), field="policy")


def _rounds_of_scheme(municipality_id, scheme):
    """The scheme's rounds; no scheme chosen is the default one, as a new pool's is."""
    rounds = Pool.objects.filter(municipality_id=municipality_id)
    if scheme is not None:
        return rounds.filter(scheme=scheme)
    return rounds.filter(scheme__name=DEFAULT_SCHEME_NAME)


def first_free_year(*, municipality_id, scheme=None) -> int:
    """From next year on, the first year the scheme has no round for: a blank new pool's
    year (fresh eyes round 21: the default year was taken, and the first save refused it)."""
    taken = set(_rounds_of_scheme(municipality_id, scheme).values_list("year", flat=True))
    year = timezone.localdate().year + 1
    while year in taken:
        year += 1
    return year


def round_taken(*, municipality_id, scheme, year, new_scheme_name="", exclude_pk=None):
    """The message when the scheme already has a round for the year, else None: the pool
    form asks it with its other checks (fresh eyes round 14 met it only on a third save).
    The database's unique constraint stays the rule when two save at once (`_save`)."""
    if new_scheme_name.strip() or not year:
        return None
    rounds = _rounds_of_scheme(municipality_id, scheme).filter(year=year)
    taken = rounds.exclude(pk=exclude_pk).select_related("scheme").first()
    if taken is not None:
        # Which one, so it can be found (fresh eyes round 16); a new scheme is the way to
        # run a second pool the same year.
        return _(
            "Ordningen »%(scheme)s« har allerede en pulje for %(year)s: »%(title)s«. Vælg en "
            "anden ordning, eller skriv navnet på en ny."
        ) % {"scheme": taken.scheme.name, "year": year, "title": taken.title}
    return None


def _save(pool: Pool, actor: User) -> None:
    """Save the pool, its history row naming the actor; one round per scheme and year."""
    pool._history_user = actor
    try:
        with transaction.atomic():
            pool.save()
    except IntegrityError:
        raise DomainError(
            _("Der findes allerede en pulje for %(year)s.") % {"year": pool.year}, field="year"
        ) from None


def _save_reserved_lines(pool: Pool, rows: list[dict], actor: User) -> None:
    existing = {line.pk: line for line in pool.reserved_lines.all()}
    if any(row.get("id") is not None and row["id"] not in existing for row in rows):
        # A line of another pool, or one deleted meanwhile: a made-up or stale form, not
        # a new line (attack round 16: this pool's own line was deleted and made again).
        raise DomainError(
            _(
                "En af de reserverede linjer hører ikke til puljen, eller den er slettet i "
                "mellemtiden. Hent siden igen. Intet er gemt."
            )
        )
    kept = set()
    for row in rows:
        line = existing.get(row.get("id")) or ReservedLine(pool=pool)
        line.title, line.amount = row["title"], row["amount"]
        line._history_user = actor
        line.save()
        kept.add(line.pk)
    for line in pool.reserved_lines.exclude(pk__in=kept):
        line._history_user = actor
        line.delete()


def budget_problem(*, budget, allocated, reserved) -> str | None:
    """The budget holds what is granted and reserved; the pool form asks it too, so the
    error comes with the form's others (fresh eyes round 13)."""
    if budget is None or allocated + reserved <= budget:
        return None
    if not allocated:
        return _("Budgettet (%(budget)s) er mindre end de reserverede beløb (%(reserved)s).") % {
            "budget": format_kroner(budget),
            "reserved": format_kroner(reserved),
        }
    return _(
        "Budgettet (%(budget)s) er mindre end det allerede bevilgede og reserverede "
        "(%(committed)s)."
    ) % {"budget": format_kroner(budget), "committed": format_kroner(allocated + reserved)}


def allocated_in(pool: Pool | None):
    if pool is None or pool.pk is None:
        return ZERO
    return pool.allocations.aggregate(total=Sum("amount"))["total"] or ZERO


def delegation_problem(*, budget, limit) -> str | None:
    """A delegation limit the pool could never pay (fresh eyes round 21: 500.000 kr.
    delegated in a pool of 100.000 kr.); the pool form asks it too."""
    if budget is not None and limit and limit > budget:
        return _("Grænsen kan ikke være højere end puljens budget (%(budget)s).") % {
            "budget": format_kroner(budget)
        }
    return None


def _check_budget(pool: Pool) -> None:
    reserved = pool.reserved_lines.aggregate(total=Sum("amount"))["total"] or ZERO
    problem = budget_problem(budget=pool.budget, allocated=allocated_in(pool), reserved=reserved)
    if problem:
        raise DomainError(problem, field="budget")
    if problem := delegation_problem(budget=pool.budget, limit=pool.delegation_limit):
        raise DomainError(problem, field="delegation_limit")


def _what_ties_the_year(pool: Pool) -> str:
    """Why the pool's year and scheme are fixed now, or "": applications ask money for
    years counted from the pool's year, and grants and carried-over money are booked by
    the pool's year (attack round 10 moved 80.000 kr. of carry-over from 2023 to 2024)."""
    if pool.allocations.exists():
        return _("der er bevilget penge fra puljen")
    if pool.carry_overs_in.exists() or pool.carry_overs_out.exists():
        return _("der er overført restmidler til eller fra puljen")
    if pool.applications.exists():
        return _("der er ansøgninger til puljen, også kladder")
    return ""


def _check_existing_applications_fit(pool: Pool, fields: dict) -> None:
    """Who may apply and the longest grant period cannot shut out applications the pool
    already has (attack round 11: a pool with associations' grants was switched to
    departments only, and a 3-year request was headed "op til 1 år")."""
    applicants = fields.get("applicants", pool.applicants)
    if applicants != pool.applicants:
        applications = pool.applications.all()
        if (
            applicants == Applicants.DEPARTMENTS
            and applications.filter(organisation__isnull=False).exists()
        ):
            raise DomainError(
                _("Puljen har ansøgninger fra foreninger, så de kan ikke udelukkes nu."),
                field="applicants",
            )
        if (
            applicants == Applicants.ORGANISATIONS
            and applications.filter(department__isnull=False).exists()
        ):
            raise DomainError(
                _("Puljen har ansøgninger fra kommunens afdelinger, så de kan ikke udelukkes nu."),
                field="applicants",
            )
    most = fields.get("max_amount", pool.max_amount)
    if most is not None and most != pool.max_amount:
        # Nor can the highest amount drop below a grant the pool has made (fresh eyes round
        # 21: lowered to 50.000 kr. beside a grant of 150.000 kr.).
        largest = (
            Allocation.objects.filter(application__pool=pool)
            .values("application")
            .annotate(total=Sum("amount"))
            .order_by("-total")
            .values_list("total", flat=True)
            .first()
        )
        if largest is not None and largest > most:
            raise DomainError(
                _(
                    "Puljen har givet %(largest)s til én ansøgning, så det højeste beløb pr. "
                    "ansøgning kan ikke være lavere."
                )
                % {"largest": format_kroner(largest)},
                field="max_amount",
            )
    years = fields.get("max_grant_years", pool.max_grant_years)
    if years is not None and years < pool.max_grant_years:
        last = (
            RequestedAmount.objects.filter(application__pool=pool, amount__gt=0)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        if last is not None and last >= pool.year + years:
            raise DomainError(
                _(
                    "Puljen har ansøgninger om penge for %(last)s, så den længste periode kan "
                    "ikke være kortere end %(years)s år."
                )
                % {"last": last, "years": last - pool.year + 1},
                field="max_grant_years",
            )


def _deadline_behind(pool: Pool) -> bool:
    """An open pool's deadline lies ahead, or the pool would say "Søg puljen" to applicants
    who can no longer submit: the rule for setting a deadline and for opening."""
    return _behind(pool.application_deadline)


def _behind(moment) -> bool:
    return moment is not None and moment <= timezone.now()


# Only a closed pool may be without one, but a new pool cannot be closed: not said (fresh
# eyes round 38).
DEADLINE_MISSING = gettext_lazy("Angiv en ansøgningsfrist.")


def needs_deadline(status: str) -> bool:
    """A pool that is to take applications has a deadline; a closed one may have none (an
    earlier year's round brought in from before the portal: fresh eyes round 37, its budget
    could not be corrected without making up a deadline)."""
    return status != PoolStatus.CLOSED


def pool_date_problems(
    *, status: str, year, opens_at, deadline, opening_changed: bool, deadline_changed: bool
) -> list[tuple[str, str]]:
    """The pool's date rules as (field, message) pairs, all at once: the pool form asks them
    while validating, so staff see every date error in one round (fresh eyes round 13: the
    opening in the past showed only after the form's own errors were fixed)."""
    problems = []
    if deadline is None and needs_deadline(status):
        problems.append(("application_deadline", str(DEADLINE_MISSING)))
    this_year = timezone.localdate().year
    if deadline_changed and deadline and year and abs(timezone.localtime(deadline).year - year) > 1:
        # A typed year is the usual slip (fresh eyes round 13: a 2029 pool saved with a
        # deadline in 2027 showed in the 2027 calendar).
        problems.append(
            (
                "application_deadline",
                _("Fristen ligger i %(deadline_year)s, men puljen er for %(year)s. Tjek årstallet.")
                % {"deadline_year": timezone.localtime(deadline).year, "year": year},
            )
        )
    elif (
        deadline_changed
        and status == PoolStatus.PLANNED
        and year
        and year >= this_year
        and _behind(deadline)
    ):
        # A round still to come with its deadline already passed (an earlier year's round
        # may record its past deadline).
        problems.append(
            (
                "application_deadline",
                _("Fristen ligger før nu. Vælg en frist senere end nu."),
            )
        )
    if deadline_changed and status == PoolStatus.OPEN and _behind(deadline):
        problems.append(
            (
                "application_deadline",
                _(
                    "Fristen ligger før nu, men puljen er åben for ansøgninger. Vælg en frist "
                    "senere end nu, eller luk puljen."
                ),
            )
        )
    # A planned pool set to open by itself opens at a time still ahead (fresh eyes round 12:
    # an opening in the past was saved, and the yearly cycle showed an opening that never
    # came). The form keeps the opening before the deadline.
    if opening_changed and status == PoolStatus.PLANNED and _behind(opens_at):
        problems.append(
            (
                "opens_at",
                _(
                    "Tidspunktet for åbning ligger før nu. Vælg et senere tidspunkt, eller lad "
                    "feltet være tomt og åbn puljen med knappen på puljens side."
                ),
            )
        )
    return problems


def _check_open_deadline(pool: Pool, *, changed: bool, opening_changed: bool = False) -> None:
    for name, message in pool_date_problems(
        status=pool.status,
        year=pool.year,
        opens_at=pool.opens_at,
        deadline=pool.application_deadline,
        opening_changed=opening_changed,
        deadline_changed=changed,
    ):
        raise DomainError(message, field=name)


def do_create_pool(*, actor: User, content: PoolContent) -> Pool:
    with transaction.atomic():
        pool = Pool(
            municipality_id=actor.municipality_id,
            status=PoolStatus.PLANNED,
            is_example=content.is_example,
        )
        check(actor, "edit", pool)
        _apply(pool, content, actor)
        _check_open_deadline(pool, changed=True, opening_changed=True)
        _save(pool, actor)
        _save_reserved_lines(pool, content.reserved_lines, actor)
        _check_budget(pool)
        return pool


def do_update_pool(
    *, pool_id: int, actor: User, expected_version: int, content: PoolContent
) -> Pool:
    with transaction.atomic():
        pool = Pool.objects.select_for_update().get(pk=pool_id)
        check(actor, "edit", pool)
        if pool.version != expected_version:
            raise EditConflict()
        scheme = content.fields.get("scheme")
        moved = content.new_scheme_name.strip() or (scheme and scheme.pk != pool.scheme_id)
        new_year = content.fields.get("year", pool.year) != pool.year
        # Asked only when the year or scheme changes (up to four queries).
        tied = _what_ties_the_year(pool) if new_year or moved else ""
        if tied and new_year:
            raise DomainError(
                _("Året kan ikke ændres, når %(what)s.") % {"what": tied}, field="year"
            )
        if tied and moved:
            raise DomainError(
                _("Ordningen kan ikke ændres, når %(what)s.") % {"what": tied}, field="scheme"
            )
        _check_existing_applications_fit(pool, content.fields)
        deadline_before, opening_before = pool.application_deadline, pool.opens_at
        _apply(pool, content, actor)
        _check_open_deadline(
            pool,
            changed=pool.application_deadline != deadline_before,
            opening_changed=pool.opens_at != opening_before,
        )
        pool.version += 1
        _save(pool, actor)
        _save_reserved_lines(pool, content.reserved_lines, actor)
        _check_budget(pool)
        if (
            pool.status == PoolStatus.OPEN
            and deadline_before is not None
            and pool.application_deadline is not None
            and pool.application_deadline < deadline_before
        ):
            # An earlier deadline closes drafts out as closing early does: their people are
            # told (fresh eyes round 18: nobody heard, the pool closed 19 minutes early).
            notify_deadline_moved_earlier(pool, deadline_before)
        return pool


# The pool action that leads to each status (grants.rules.POOL_ACTIONS); none leads back
# to "planned".
ACTION_FOR_STATUS = {PoolStatus.OPEN: "open", PoolStatus.CLOSED: "close"}


def open_problem(pool: Pool) -> str | None:
    """Why the pool cannot open now, or None. The pool page asks it too, and offers the
    button only when there is nothing (fresh eyes round 21: "Åbn" on a closed pool past its
    deadline answered with an error)."""
    if pool.budget is None or pool.application_deadline is None:
        return _("En pulje skal have budget og ansøgningsfrist, før den kan åbnes.")
    if _deadline_behind(pool):
        return _(
            "Ansøgningsfristen er overskredet. Vælg en ny frist under »Rediger pulje«, før "
            "puljen åbnes."
        )
    return None


def do_set_pool_status(*, pool_id: int, actor: User, status: str) -> Pool:
    with transaction.atomic():
        pool = Pool.objects.select_for_update().get(pk=pool_id)
        if status not in ACTION_FOR_STATUS:
            raise DomainError(_("En pulje kan ikke sættes tilbage til »Planlagt«."))
        check(actor, ACTION_FOR_STATUS[status], pool)
        if status == PoolStatus.OPEN and (problem := open_problem(pool)):
            raise DomainError(problem)
        now = timezone.now()
        # Early is a person's doing; the schedule closes a pool at its deadline.
        closed_early = (
            actor is not None
            and status == PoolStatus.CLOSED
            and pool.status == PoolStatus.OPEN
            and pool.application_deadline is not None
            and now < pool.application_deadline
        )
        reopened = status == PoolStatus.OPEN and pool.status == PoolStatus.CLOSED
        fields = ["status", "version", "closed_at"]
        # The dates say what happened, for the yearly cycle, its feed and the pool form
        # (fresh eyes round 20: a pool opened by hand kept its planned opening, shown as
        # still to come, and the form held the deadline to it). Closing records when; the
        # deadline stays as chosen, so a pool closed early reopens without retyping it
        # (fresh eyes round 21). The history keeps the dates as planned.
        if status == PoolStatus.OPEN and (pool.opens_at is None or pool.opens_at > now or reopened):
            pool.opens_at = now
            fields.append("opens_at")
        pool.closed_at = now if status == PoolStatus.CLOSED else None
        pool.status = status
        pool.version += 1
        pool._history_user = actor
        pool.save(update_fields=fields)
        if closed_early:
            notify_pool_closed_early(pool, now, pool.application_deadline)
        if reopened:
            notify_pool_reopened(pool)
        return pool
