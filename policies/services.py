"""Writes to policies, one `do_*` function per change, recording who: committee staff create
and edit their municipality's action plans and write their introductions.

An action plan ("handleplan") covers one or two years of a policy; the pools of those years
belong to it, and the generated plan (web, PDF, Excel) shows their projects and sums.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from grants.models import Pool
from grants.services.errors import DomainError, EditConflict
from portal.models import User

from .models import SDG, ActionPlan, Policy

MAX_PLAN_YEARS = 2


@dataclass
class ActionPlanContent:
    policy_id: int
    title: str
    year_start: int
    year_end: int
    introduction: str = ""
    sdg_ids: list[int] = field(default_factory=list)
    pool_ids: list[int] = field(default_factory=list)


def _check_actor(actor: User) -> None:
    if not actor.is_committee_staff or actor.municipality_id is None:
        raise DomainError(_("Kun sekretariatet kan oprette og redigere handleplaner."))


def _apply(plan: ActionPlan, actor: User, content: ActionPlanContent) -> None:
    policy = Policy.objects.filter(
        pk=content.policy_id, municipality_id=actor.municipality_id
    ).first()
    if policy is None:
        raise DomainError(_("Politikken hører ikke til din kommune."))
    if content.year_end < content.year_start:
        raise DomainError(_("Handleplanens slutår kan ikke ligge før startåret."))
    if content.year_end - content.year_start + 1 > MAX_PLAN_YEARS:
        raise DomainError(_("En handleplan dækker et eller to år."))
    if not content.title.strip():
        raise DomainError(_("Skriv en titel."))
    plan.policy = policy
    plan.title = content.title.strip()
    plan.year_start, plan.year_end = content.year_start, content.year_end
    plan.introduction = content.introduction
    plan._history_user = actor


def _save(plan: ActionPlan) -> None:
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise DomainError(
            _("Politikken har allerede en handleplan med titlen »%(title)s«.")
            % {"title": plan.title}
        ) from None


def _attach_pools(plan: ActionPlan, actor: User, pool_ids: list[int]) -> None:
    """The chosen pools belong to the plan; pools no longer chosen leave it."""
    wanted = set(pool_ids)
    pools = list(
        Pool.objects.select_for_update()
        .filter(municipality_id=actor.municipality_id)
        .filter(pk__in=wanted | set(plan.pools.values_list("pk", flat=True)))
        .order_by("pk")
    )
    if wanted - {pool.pk for pool in pools}:
        raise DomainError(_("Puljen hører ikke til din kommune."))
    for pool in pools:
        if pool.pk in wanted:
            if not plan.year_start <= pool.year <= plan.year_end:
                # One year is said as one (fresh eyes round 20: "(2028-2028)").
                years = (
                    str(plan.year_start)
                    if plan.year_start == plan.year_end
                    else f"{plan.year_start}–{plan.year_end}"
                )
                # The pool by name: a year may have several (fresh eyes round 21).
                raise DomainError(
                    _(
                        "Puljen »%(pool)s« er for %(year)s og ligger uden for handleplanens år "
                        "(%(years)s)."
                    )
                    % {"pool": pool.title, "year": pool.year, "years": years}
                )
            if pool.action_plan_id not in (None, plan.pk):
                raise DomainError(
                    _("Puljen »%(pool)s« hører allerede til handleplanen »%(plan)s«.")
                    % {"pool": pool.title, "plan": pool.action_plan}
                )
            new = plan.pk
        else:
            new = None
        if pool.action_plan_id != new:
            pool.action_plan_id = new
            pool.version += 1  # an open pool form must not write the old plan back
            pool._history_user = actor
            pool.save(update_fields=["action_plan", "version"])


def _lock_plan(actor: User, action_plan_id: int, expected_version: int, *, conflict) -> ActionPlan:
    """The plan under a row lock, if it is of the actor's municipality and still the version
    the actor edited; call inside a transaction."""
    _check_actor(actor)
    plan = (
        ActionPlan.objects.select_for_update()
        .filter(policy__municipality_id=actor.municipality_id, pk=action_plan_id)
        .first()
    )
    if plan is None:
        raise DomainError(_("Handleplanen findes ikke i din kommune."))
    if plan.version != expected_version:
        raise EditConflict(message=conflict)
    return plan


def do_create_action_plan(*, actor: User, content: ActionPlanContent) -> ActionPlan:
    _check_actor(actor)
    with transaction.atomic():
        plan = ActionPlan()
        _apply(plan, actor, content)
        _save(plan)
        plan.sdgs.set(SDG.objects.filter(pk__in=content.sdg_ids))
        _attach_pools(plan, actor, content.pool_ids)
        return plan


def do_update_action_plan(
    *, action_plan_id: int, actor: User, expected_version: int, content: ActionPlanContent
) -> ActionPlan:
    with transaction.atomic():
        plan = _lock_plan(
            actor,
            action_plan_id,
            expected_version,
            conflict=_(
                "Handleplanen er gemt et andet sted, mens du redigerede. Det, du skrev, "
                "står herunder; gem igen for at lade din udgave gælde."
            ),
        )
        _apply(plan, actor, content)
        plan.version += 1
        _save(plan)
        plan.sdgs.set(SDG.objects.filter(pk__in=content.sdg_ids))
        _attach_pools(plan, actor, content.pool_ids)
        return plan


def do_update_introduction(
    *, action_plan_id: int, actor: User, expected_version: int, introduction: str
) -> ActionPlan:
    """The action plan's introduction, as the committee staff of its municipality write it.
    Refuses if a colleague saved meanwhile; the history row names the actor."""
    with transaction.atomic():
        plan = _lock_plan(
            actor,
            action_plan_id,
            expected_version,
            conflict=_(
                "Indledningen er gemt et andet sted, mens du skrev. Intet er "
                "overskrevet: se den gemte tekst og ret igen."
            ),
        )
        plan.introduction = introduction
        plan.version += 1
        plan._history_user = actor
        plan.save(update_fields=["introduction", "version"])
        return plan
