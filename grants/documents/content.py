"""What goes into the documents staff hand to politicians, assembled from the data.

The same content feeds the web page, the PDF and the Excel file, so the three always agree.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from grants.models import (
    FUNDED_STATUSES,
    Allocation,
    Application,
    ApplicationStatus,
    CarryOver,
    GrantCondition,
    Pool,
    RequestedAmount,
)
from grants.models.review import RecommendedAmount
from grants.selectors import PlanTable, action_plan_table, pool_balance, with_status_parts
from policies.models import ActionPlan, Goal, GoalKind
from portal.money import ZERO
from portal.numbers import format_number

# The application form's headings in order (DESIGN.md), as (label, attribute).
SECTION_HEADINGS = [
    (
        _("Hvilke målsætninger fra andre politikker knytter indsatsen sig til?"),
        "other_policy_goals",
    ),
    (_("Hvem er målgruppen for indsatsen?"), "target_group"),
    (_("Hvilken udfordring søger indsatsen at håndtere?"), "challenge"),
    (_("Formål/forandringsteori"), "purpose"),
    (_("Beskrivelse af indsatsen (herunder evt. samspil med andre indsatser)"), "description"),
    (_("Hvad har virket, og hvad justeres?"), "continuation_learnings"),
    (_("Hvad er forankringsperspektivet for indsatsen?"), "anchoring"),
    (_("Hvilke øvrige samarbejdspartnere er med? (eksterne og interne)"), "partners"),
    (_("Er der anden finansiering udover integrationspuljen?"), "other_funding"),
]


def criterion_line(criterion) -> str:
    """A success criterion with its target, as the application copy shows it."""
    if criterion.target_value is None:
        return criterion.text
    target = " ".join(filter(None, [format_number(criterion.target_value), criterion.unit]))
    return str(_("%(text)s (mål: %(target)s)") % {"text": criterion.text, "target": target})


def decision_lines(decision) -> list[tuple[str, str]]:
    """The decision as the applicant reads it, after its outcome and amounts: (label, text)
    pairs without empty ones. The way to complain is the letter's (appeal_paragraphs)."""
    lines = []
    if decision.meeting_date and not decision.under_delegation:
        committee = str(decision.committee or "")
        when = date_format(decision.meeting_date, "DATE_FORMAT")
        lines.append((_("Udvalg og møde"), ", ".join(filter(None, [committee, when]))))
    if decision.message:
        lines.append((_("Meddelelse"), decision.message))
    if decision.reasons:
        lines.append((_("Begrundelse"), decision.reasons))
    if decision.condition != GrantCondition.NONE:
        condition = decision.get_condition_display()
        if decision.evaluation_due:
            condition += " – " + str(_("senest")) + " "
            condition += date_format(decision.evaluation_due, "DATE_FORMAT")
        lines.append((_("Vilkår"), condition))
    if decision.other_conditions:
        lines.append((_("Øvrige vilkår"), decision.other_conditions))
    return [(str(label), str(value)) for label, value in lines]


@dataclass
class ActionPlanDocument:
    plan: ActionPlan
    table: PlanTable
    goals: list[Goal]  # the columns of goal marks (the policy's objectives)
    projects: list[Application]  # one section each, in table order
    continuing: list[CarryOver] = field(default_factory=list)
    # The schemes of the plan's pools, by name, for the headings (fresh eyes round 21: a
    # § 18 plan was headed "Integrationspuljen").
    schemes: str = ""

    @property
    def title(self) -> str:
        return self.plan.title

    def marks(self, application: Application) -> list[bool]:
        served = {goal.pk for goal in application.goals.all()}
        return [goal.pk in served for goal in self.goals]


def action_plan_document(plan: ActionPlan) -> ActionPlanDocument:
    table = action_plan_table(plan)
    goals = list(plan.policy.goals.filter(kind=GoalKind.OBJECTIVE).order_by("number"))
    ids = [row.application.pk for row in table.rows]
    projects = {
        a.pk: a
        for a in Application.objects.filter(pk__in=ids)
        .select_related("committee", "department", "pool")
        .prefetch_related(
            "co_committees",
            "contacts",
            "success_criteria",
            "continues__pool",
            Prefetch("goals", queryset=Goal.objects.order_by("kind", "number")),
            Prefetch("requested_amounts", queryset=RequestedAmount.objects.order_by("year")),
        )
    }
    continuing = list(
        CarryOver.objects.filter(
            to_pool__year__in=plan.years,
            from_pool__year__lt=plan.year_start,
            application__status__in=FUNDED_STATUSES,
            to_pool__municipality=plan.policy.municipality_id,
        )
        .exclude(application__in=ids)
        .select_related("application__committee", "from_pool", "to_pool")
        .prefetch_related(Prefetch("application__goals", queryset=Goal.objects.order_by("number")))
        .order_by("application__title")
    )
    schemes = (
        Pool.objects.filter(action_plan=plan)
        .order_by("scheme__name")
        .values_list("scheme__name", flat=True)
        .distinct()
    )
    for row in table.rows:
        # What the plan's pools granted, shown above the project's own text, whose amounts
        # are what was asked (fresh eyes round 21: read as the grant).
        projects[row.application.pk].plan_granted = sorted(
            (year, amount) for year, amount in row.amounts.items() if amount
        )
    return ActionPlanDocument(
        plan=plan,
        table=table,
        goals=goals,
        projects=[projects[i] for i in ids],
        continuing=continuing,
        schemes=", ".join(schemes),
    )


@dataclass
class RecommendationRow:
    application: Application
    requested: list[Decimal | None]
    recommended: list[Decimal | None]
    summary: str

    @property
    def cells(self) -> list[tuple[Decimal | None, Decimal | None]]:
        return list(zip(self.requested, self.recommended, strict=True))


@dataclass
class RecommendationDocument:
    pool: Pool
    years: list[int]
    rows: list[RecommendationRow]
    available: dict[int, Decimal | None]
    include_decided: bool = False

    @property
    def title(self) -> str:
        return str(_("Indstilling: %(pool)s") % {"pool": self.pool.title})

    @property
    def column_sums(self) -> list[tuple[Decimal, Decimal]]:
        """Asked and recommended per year over all rows: the table's "I alt" row, on the page
        and in the PDF as in the Excel file (fresh eyes round 19: only the Excel had it)."""
        return [
            (
                sum((row.requested[i] or ZERO for row in self.rows), ZERO),
                sum((row.recommended[i] or ZERO for row in self.rows), ZERO),
            )
            for i in range(len(self.years))
        ]

    @property
    def sums(self) -> dict[int, Decimal]:
        return {
            year: sum((row.recommended[i] or ZERO for row in self.rows), ZERO)
            for i, year in enumerate(self.years)
        }

    @property
    def totals(self) -> list[dict]:
        sums = self.sums
        return [
            {
                "year": year,
                "recommended": sums[year],
                "available": self.available[year],
                "remaining": None
                if self.available[year] is None
                else self.available[year] - sums[year],
                # Said in words where the amounts would be (fresh eyes round 18: "–" read as
                # if the recommended amount could be granted).
                "no_pool": str(_("ingen pulje endnu")) if self.available[year] is None else "",
            }
            for year in self.years
        ]


RECOMMENDATION_STATUSES = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.IN_REVIEW,
    ApplicationStatus.RECOMMENDED,
]


# Decided since the recommendation: kept in the document when asked for, as it went to the
# committee (fresh eyes round 16: after the meeting the recommendation could not be fetched).
DECIDED_STATUSES = [*FUNDED_STATUSES, ApplicationStatus.REJECTED]


def recommendation_document(
    pool: Pool, applications, include_decided: bool = False
) -> RecommendationDocument:
    """`applications`: the staff-visible applications of the pool (already scoped). With
    `include_decided`, also those decided since they were recommended, each with the
    recommendation it had; the money available is then counted as before their grants."""
    years = pool.years  # the pool's longest grant period (Frederiksberg 2, § 18 up to 3)
    rows = []
    wanted = Q(status__in=RECOMMENDATION_STATUSES)
    if include_decided:
        wanted |= Q(status__in=DECIDED_STATUSES, recommendation__isnull=False)
    queryset = with_status_parts(
        applications.filter(wanted, pool=pool)
        .select_related("committee", "recommendation")
        .prefetch_related(
            "co_committees",
            Prefetch(
                "recommendation__amounts", queryset=RecommendedAmount.objects.order_by("year")
            ),
        )
        .order_by("number", "title")
    )
    for application in queryset:
        requested = {r.year: r.amount for r in application.requested_amounts.all()}
        recommendation = getattr(application, "recommendation", None)
        recommended = (
            {r.year: r.amount for r in recommendation.amounts.all()} if recommendation else {}
        )
        rows.append(
            RecommendationRow(
                application=application,
                requested=[requested.get(year) for year in years],
                recommended=[recommended.get(year) for year in years],
                summary=recommendation.summary if recommendation else "",
            )
        )
    pools = {p.year: p for p in Pool.objects.rounds_of(pool).filter(year__in=years)}
    available = {
        year: pool_balance(pools[year])["available"] if year in pools else None for year in years
    }
    decided = [row.application.pk for row in rows if row.application.status in DECIDED_STATUSES]
    if decided:
        # Their grants are in the balance already; the recommendation stands in for them.
        granted = (
            Allocation.objects.filter(application__in=decided, pool__in=pools.values())
            .values("pool__year")
            .annotate(total=Sum("amount"))
        )
        for item in granted:
            year = item["pool__year"]
            if available.get(year) is not None:
                available[year] += item["total"]
    return RecommendationDocument(
        pool=pool, years=years, rows=rows, available=available, include_decided=include_decided
    )
