"""Staff review an application: start, score, declare conflicts, recommend."""

from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from grants.models import (
    Application,
    ApplicationStatus,
    ConflictOfInterest,
    ProposedAmount,
    Recommendation,
    RecommendedAmount,
    Review,
    StatusNote,
)
from grants.models.review import REVIEW_CRITERIA
from grants.rules import check
from portal.models import User
from portal.money import ZERO, format_kroner, to_money

from .errors import DomainError, DomainErrors, EditConflict
from .workflow import change_status, lock_application


def amount_problems(
    application: Application, amounts: Mapping[int, Decimal | None]
) -> list[DomainError]:
    """Proposed or recommended amounts: the application's years, never negative and never
    more than was applied for (a proposal for a year with nothing applied for used to be
    accepted and then block the recommendation it was copied into). Every year at once."""
    requested = {row.year: row.amount for row in application.requested_amounts.all()}
    problems = []
    for year, amount in amounts.items():
        if amount is None:
            continue
        field = f"amount_{year}"
        if year not in application.years:
            problems.append(
                DomainError(_("Beløb kan kun angives for ansøgningens år."), field=field)
            )
        elif amount < 0:
            problems.append(DomainError(_("Beløbet kan ikke være negativt."), field=field))
        elif amount > requested.get(year, ZERO):
            problems.append(
                DomainError(
                    _(
                        "Der er søgt %(requested)s for %(year)s; der kan ikke foreslås eller "
                        "indstilles mere."
                    )
                    % {"requested": format_kroner(requested.get(year, ZERO)), "year": year},
                    field=field,
                )
            )
    return problems


def _check_amounts(application: Application, amounts: Mapping[int, Decimal | None]) -> dict:
    problems = amount_problems(application, amounts)
    if problems:
        raise DomainErrors(problems)
    return {year: to_money(amount) for year, amount in amounts.items() if amount is not None}


def do_start_review(*, application_id: int, actor: User) -> Application:
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "start_review", application)
        return change_status(
            application=application, to_status=ApplicationStatus.IN_REVIEW, actor=actor
        )


def do_save_review(
    *,
    application_id: int,
    reviewer: User,
    scores: Mapping[str, int | None],
    comment: str,
    amounts: Mapping[int, Decimal | None],
    expected_version: int | None,
) -> Review:
    """Create or update the reviewer's own review. A submitted application moves into review."""
    with transaction.atomic():
        application = lock_application(application_id)
        check(reviewer, "review", application)
        if application.status == ApplicationStatus.SUBMITTED:
            change_status(
                application=application, to_status=ApplicationStatus.IN_REVIEW, actor=reviewer
            )
        review = Review.objects.select_for_update().filter(
            application=application, reviewer=reviewer
        ).first() or Review(application=application, reviewer=reviewer, version=0)
        if review.pk and review.version != expected_version:
            raise EditConflict(
                message=_(
                    # Not "din bedømmelse er gemt": read as this tab's (fresh eyes round 34).
                    "Mens du redigerede, blev en nyere udgave af din bedømmelse gemt (fx fra et "
                    "andet faneblad). Intet er overskrevet; se den gemte bedømmelse og ret igen."
                )
            )
        for field in REVIEW_CRITERIA:
            setattr(review, field, scores.get(field))
        review.comment = comment
        review.version += 1
        review.save()
        cleaned = _check_amounts(application, amounts)
        review.proposed_amounts.exclude(year__in=cleaned).delete()
        for year, amount in cleaned.items():
            ProposedAmount.objects.update_or_create(
                review=review, year=year, defaults={"amount": amount}
            )
        return review


def do_declare_conflict(*, application_id: int, user: User, reason: str) -> ConflictOfInterest:
    """Inhabilitet (forvaltningsloven § 3): recorded; the user's own review no longer counts."""
    if not reason.strip():
        raise DomainError(_("Skriv kort, hvorfor du er inhabil."))
    with transaction.atomic():
        application = lock_application(application_id)
        check(user, "declare_conflict", application)
        declaration = ConflictOfInterest(application=application, user=user, reason=reason)
        declaration._history_user = user
        declaration.save()
        Review.objects.filter(application=application, reviewer=user).delete()
        return declaration


def suggested_amounts(application: Application) -> dict[int, Decimal]:
    """The reviewers' average proposal per year, else what was requested."""
    proposals: dict[int, list[Decimal]] = {}
    for review in application.reviews.prefetch_related("proposed_amounts"):
        for row in review.proposed_amounts.all():
            proposals.setdefault(row.year, []).append(row.amount)
    if proposals:
        return {
            year: to_money(sum(values, ZERO) / len(values)) for year, values in proposals.items()
        }
    return {row.year: row.amount for row in application.requested_amounts.all()}


def do_recommend(
    *,
    application_id: int,
    actor: User,
    summary: str,
    amounts: Mapping[int, Decimal | None],
) -> Recommendation:
    """Staff's recommendation to the committee: proposed amounts and an assessment."""
    if not summary.strip():
        raise DomainError(_("Skriv sekretariatets vurdering til udvalget."))
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "recommend", application)
        cleaned = _check_amounts(application, amounts)
        change_status(
            application=application,
            to_status=ApplicationStatus.RECOMMENDED,
            actor=actor,
            comment=summary,
        )
        Recommendation.objects.filter(application=application).delete()
        recommendation = Recommendation.objects.create(
            application=application, summary=summary, recommended_by=actor
        )
        RecommendedAmount.objects.bulk_create(
            RecommendedAmount(recommendation=recommendation, year=year, amount=amount)
            for year, amount in cleaned.items()
        )
        return recommendation


# What "take back into review" did: the status change's note and the message staff see.
REOPEN_REVIEW_MESSAGE = StatusNote.REVIEW_REOPENED.label


def do_reopen_review(*, application_id: int, actor: User) -> Application:
    """Take a recommendation back into review, e.g. to correct the amounts. Only a recommended
    application has one (grants.rules); a submitted one is started with do_start_review."""
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "reopen_review", application)
        Recommendation.objects.filter(application=application).delete()
        return change_status(
            application=application,
            to_status=ApplicationStatus.IN_REVIEW,
            actor=actor,
            note=StatusNote.REVIEW_REOPENED,
        )
