"""A realistic synthetic data set for performance work: N municipalities × Y years × K
applications, with goals, success criteria, reviews, decisions, allocations, reports and
indicators with yearly measurements. Bulk inserts; marked synthetic; never loaded by the demo.

The money rule holds here too: each pool's budget is larger than what is allocated from it.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from grants.models import (
    Allocation,
    Application,
    ApplicationStatus,
    ContactPerson,
    CriterionResult,
    Decision,
    DecisionOutcome,
    GrantCondition,
    Pool,
    PoolStatus,
    Report,
    ReportKind,
    ReportStatus,
    RequestedAmount,
    ReservedLine,
    Review,
    SpentAmount,
    StatusChange,
    SuccessCriterion,
)
from indicators.models import Direction, Indicator, Measurement, TargetKind, Unit
from policies.models import Goal, GoalKind, Policy, Target
from portal.models import Committee, Department, Municipality, Role, User

BATCH = 2000
WORDS = (
    "sprog",
    "job",
    "uddannelse",
    "kvinder",
    "unge",
    "familier",
    "sundhed",
    "fællesskab",
    "forening",
    "bibliotek",
    "mentor",
    "praktik",
    "lektiecafé",
    "idræt",
    "rådgivning",
    "boligområde",
    "netværk",
    "frivillige",
    "forældre",
    "brobygning",
    "medborgerskab",
    "fritid",
    "virksomheder",
    "kultur",
    "integration",
    "vejledning",
)
# One project per municipality has a rare word in its title, for the benchmark's searches
# (bench/prepare.py): 2 of 1,000 applications, 100 of 50,000. Not drawn from the random
# generator, so the other data stay as they were.
RARE_WORD = "cricketklubben"
RARE_AT = (7, 2020)
COMMITTEES = [
    ("AUU", "Arbejdsmarkeds- og Uddannelsesudvalget"),
    ("BUU", "Børne- og Ungdomsudvalget"),
    ("KFU", "Kultur- og Fritidsudvalget"),
    ("SU", "Socialudvalget"),
    ("SUU", "Sundhedsudvalget"),
]
GOALS = [
    "Er aktive på arbejdsmarkedet",
    "Gennemfører en uddannelse",
    "Har et sundt liv",
    "Er aktive medborgere",
    "Bor i sammenhængende lokalområder",
]
STATUS_WEIGHTS = [
    (ApplicationStatus.CLOSED, 40),
    (ApplicationStatus.ACTIVE, 20),
    (ApplicationStatus.REJECTED, 25),
    (ApplicationStatus.WITHDRAWN, 5),
    (ApplicationStatus.SUBMITTED, 10),
]
FUNDED = {ApplicationStatus.CLOSED, ApplicationStatus.ACTIVE}


@dataclass
class ScaleResult:
    municipalities: int = 0
    applications: int = 0
    allocations: int = 0
    measurements: int = 0


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def generate(*, municipalities: int, years: int, per_year: int, first_year: int, seed: int = 1):
    # Synthetic test data: a seeded generator for repeatable runs, not for security.
    rng = random.Random(seed)  # noqa: S311  # nosec B311
    result = ScaleResult()
    start = Municipality.objects.filter(is_synthetic=True).count()
    for index in range(start + 1, start + municipalities + 1):
        with transaction.atomic():
            _municipality(rng, index, years, per_year, first_year, result)
        result.municipalities += 1
    return result


def _municipality(rng, index, years, per_year, first_year, result):
    municipality = Municipality.objects.create(
        name=f"Syntetisk Kommune {index:03d}",
        slug=f"syntetisk-{index:03d}",
        code=f"X{index:02d}" if index < 100 else f"{index:03d}",
        is_synthetic=True,
    )
    committees = Committee.objects.bulk_create(
        Committee(municipality=municipality, abbreviation=abbr, name=name)
        for abbr, name in COMMITTEES
    )
    departments = Department.objects.bulk_create(
        Department(municipality=municipality, name=f"Center for {word}")
        for word in ("Integration", "Beskæftigelse", "Børn og unge", "Kultur", "Sundhed")
    )
    policy = Policy.objects.create(
        municipality=municipality,
        title="Integrationspolitik (syntetisk)",
        slug="integrationspolitik",
        period_start=first_year,
        period_end=first_year + years,
        summary=sentence(rng, 40),
    )
    goals = Goal.objects.bulk_create(
        [
            Goal(policy=policy, kind=GoalKind.OBJECTIVE, number=n, title=title)
            for n, title in enumerate(GOALS, start=1)
        ]
        + [
            Goal(policy=policy, kind=GoalKind.RESOURCE, number=n, title=sentence(rng, 6))
            for n in range(1, 5)
        ]
    )
    objectives = goals[:5]
    targets = Target.objects.bulk_create(
        Target(goal=goal, number=n, text=sentence(rng, 10), responsible_committee=committees[0])
        for goal in objectives
        for n in (1, 2)
    )
    _indicators(rng, municipality, targets, first_year, years, result)
    user = User(
        username=f"syntetisk-{municipality.slug}",
        role=Role.COMMITTEE_STAFF,
        municipality=municipality,
        first_name="Syntetisk",
        last_name="Sekretariat",
    )
    user.set_unusable_password()
    user.save()
    previous_funded: list[Application] = []
    for year in range(first_year, first_year + years):
        previous_funded = _pool_year(
            rng,
            municipality,
            policy,
            committees,
            departments,
            goals,
            year,
            per_year,
            previous_funded,
            result,
        )


def _indicators(rng, municipality, targets, first_year, years, result):
    indicators = Indicator.objects.bulk_create(
        Indicator(
            municipality=municipality,
            target=target,
            order=n,
            title=f"Andel i målgruppen: {sentence(rng, 5)}",
            unit=Unit.PERCENT,
            direction=Direction.HIGHER if n % 2 else Direction.LOWER,
            baseline_value=Decimal(rng.randint(200, 700)) / 10,
            baseline_year=first_year,
            target_kind=TargetKind.RELATIVE_PERCENT,
            target_value=Decimal(20),
            target_year=first_year + years,
            comparison_label="Kommunen generelt",
        )
        for n, target in enumerate(targets, start=1)
    )
    rows = [
        Measurement(
            indicator=indicator,
            year=year,
            value=indicator.baseline_value + Decimal(rng.randint(-50, 50)) / 10,
            comparison_value=indicator.baseline_value + 10,
            source="Syntetiske data",
        )
        for indicator in indicators
        for year in range(first_year + 1, first_year + years + 1)
    ]
    Measurement.objects.bulk_create(rows, batch_size=BATCH)
    result.measurements += len(rows)
    # bulk_create sends no signal: the stored statuses of the barometer's index now.
    from indicators.stored_status import refresh_statuses

    refresh_statuses([indicator.pk for indicator in indicators])


def _pool_year(
    rng, municipality, policy, committees, departments, goals, year, per_year, earlier, result
):
    now = timezone.now()
    reviewer = User.objects.get(username=f"syntetisk-{municipality.slug}")
    pool = Pool.objects.create(
        municipality=municipality,
        policy=policy,
        year=year,
        title=f"Integrationspuljen {year}",
        budget=Decimal(0),
        status=PoolStatus.CLOSED,
        application_deadline=now,
    )
    ReservedLine.objects.create(pool=pool, title="Integrationspriser", amount=Decimal(40000))
    statuses = [s for s, weight in STATUS_WEIGHTS for _ in range(weight)]
    applications = Application.objects.bulk_create(
        Application(
            municipality=municipality,
            pool=pool,
            department=rng.choice(departments),
            committee=rng.choice(committees),
            number=n,
            status=rng.choice(statuses),
            submitted_at=now,
            title=f"{rng.choice(WORDS).capitalize()} og {rng.choice(WORDS)} {year}-{n}"
            + (f" i {RARE_WORD}" if (n, year) == RARE_AT else ""),
            target_group=sentence(rng, 14),
            challenge=sentence(rng, 30),
            purpose=sentence(rng, 30),
            description=sentence(rng, 80),
            anchoring=sentence(rng, 20),
            partners=sentence(rng, 10),
        )
        for n in range(1, per_year + 1)
    )
    result.applications += len(applications)
    amounts, contacts, criteria, goal_links, reviews, changes = [], [], [], [], [], []
    requested = {}
    for application in applications:
        first = Decimal(rng.randint(2, 30) * 5000)
        second = Decimal(rng.randint(0, 20) * 5000)
        requested[application.pk] = (first, second)
        amounts += [
            RequestedAmount(application=application, year=year, amount=first),
            RequestedAmount(application=application, year=year + 1, amount=second),
        ]
        contacts += [
            ContactPerson(
                application=application,
                order=1,
                name=f"Tovholder {application.pk}",
                email=f"tovholder{application.pk}@example.org",
            )
        ]
        criteria += [
            SuccessCriterion(
                application=application,
                order=n,
                text=sentence(rng, 12),
                target_value=Decimal(rng.randint(50, 90)),
                unit="%",
            )
            for n in (1, 2, 3)
        ]
        goal_links += [
            Application.goals.through(application_id=application.pk, goal_id=goal.pk)
            for goal in rng.sample(goals, 2)
        ]
        reviews.append(
            Review(
                application=application,
                reviewer=reviewer,
                score_goal_fit=rng.randint(1, 5),
                score_budget=rng.randint(1, 5),
                comment=sentence(rng, 15),
            )
        )
        changes.append(
            StatusChange(application=application, from_status="", to_status=application.status)
        )
    RequestedAmount.objects.bulk_create(amounts, batch_size=BATCH)
    ContactPerson.objects.bulk_create(contacts, batch_size=BATCH)
    criteria = SuccessCriterion.objects.bulk_create(criteria, batch_size=BATCH)
    Application.goals.through.objects.bulk_create(goal_links, batch_size=BATCH)
    StatusChange.objects.bulk_create(changes, batch_size=BATCH)
    Review.objects.bulk_create(reviews, batch_size=BATCH)
    funded = [a for a in applications if a.status in FUNDED]
    # A synthetic committee meeting in the autumn before the pool's year (never ahead of
    # today), so award dates in the open data are not the day the data was generated.
    meeting = min(datetime.date(pool.year - 1, 11, 15), now.date())
    decisions = Decision.objects.bulk_create(
        Decision(
            application=a,
            outcome=DecisionOutcome.APPROVED,
            committee_id=a.committee_id,
            meeting_date=meeting,
            condition=GrantCondition.COOPERATION_AGREEMENT,
        )
        for a in funded
    )
    allocations = []
    for decision in decisions:
        first, _second = requested[decision.application_id]
        allocations.append(
            Allocation(
                application_id=decision.application_id, pool=pool, decision=decision, amount=first
            )
        )
    Allocation.objects.bulk_create(allocations, batch_size=BATCH)
    result.allocations += len(allocations)
    pool.budget = sum((a.amount for a in allocations), Decimal(0)) + Decimal(100000)
    pool.save(update_fields=["budget"])
    reports = Report.objects.bulk_create(
        Report(
            application=a,
            kind=ReportKind.FINAL,
            status=ReportStatus.ACCEPTED,
            due_date=now.date(),
            accepted_at=now,
            summary=sentence(rng, 20),
            anchoring_status=sentence(rng, 10),
        )
        for a in funded
        if a.status == ApplicationStatus.CLOSED
    )
    by_application = {}
    for criterion in criteria:
        by_application.setdefault(criterion.application_id, []).append(criterion)
    results, spent = [], []
    for report in reports:
        spent.append(
            SpentAmount(report=report, year=year, amount=requested[report.application_id][0])
        )
        results += [
            CriterionResult(
                report=report, criterion=c, achieved_value=Decimal(rng.randint(30, 100))
            )
            for c in by_application[report.application_id]
        ]
    SpentAmount.objects.bulk_create(spent, batch_size=BATCH)
    CriterionResult.objects.bulk_create(results, batch_size=BATCH)
    if earlier:  # some projects continue last year's
        links = [
            Application.continues.through(
                from_application_id=a.pk, to_application_id=rng.choice(earlier).pk
            )
            for a in rng.sample(funded, min(len(funded), 5))
        ]
        Application.continues.through.objects.bulk_create(links)
    return funded
