"""Writes for policies and action plans: one `do_*` function per change, recording who."""

from django.db import transaction
from django.utils.translation import gettext as _

from grants.services.errors import DomainError, EditConflict
from portal.models import User

from .models import ActionPlan


def do_update_introduction(
    *, action_plan_id: int, actor: User, expected_version: int, introduction: str
) -> ActionPlan:
    """The action plan's introduction, as the committee staff of its municipality write it.
    Refuses if a colleague saved meanwhile; the history row names the actor."""
    with transaction.atomic():
        plan = (
            ActionPlan.objects.select_for_update().select_related("policy").get(pk=action_plan_id)
        )
        if not actor.is_committee_staff or actor.municipality_id != plan.policy.municipality_id:
            raise DomainError(_("Handleplanen hører ikke til din kommune."))
        if plan.version != expected_version:
            raise EditConflict(
                message=_(
                    "En kollega har ændret indledningen, mens du skrev. Intet er "
                    "overskrevet: se den gemte tekst og ret igen."
                )
            )
        plan.introduction = introduction
        plan.version += 1
        plan._history_user = actor
        plan.save(update_fields=["introduction", "version"])
        return plan
