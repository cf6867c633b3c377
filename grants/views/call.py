"""The public call for applications of an open pool ("Søg puljen")."""

from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from grants.access import open_pools_for
from grants.models import Pool, PoolStatus
from grants.views.new_application import not_for_you
from identity.selectors import offers_applicant_sign_in
from portal.backends import email_link_allowed
from portal.public_cache import public_page


def open_pools():
    return Pool.objects.filter(status=PoolStatus.OPEN, is_example=False)


@method_decorator(public_page, name="dispatch")
class CallView(TemplateView):
    """Purpose, who may apply, criteria, deadline, amounts, how and when the decision is
    made, the conditions by threshold, contact, and the way in: for an open pool only."""

    template_name = "grants/public/call.html"

    def get_context_data(self, **kwargs):
        # A closed pool's call stays at its address and says it is closed (fresh eyes round
        # 16: a link shared earlier answered "Siden findes ikke"); a planned one is not
        # published yet.
        pool = get_object_or_404(
            Pool.objects.filter(status__in=[PoolStatus.OPEN, PoolStatus.CLOSED]).select_related(
                "municipality", "scheme", "policy"
            ),
            pk=self.kwargs["pk"],
        )
        if pool.status == PoolStatus.CLOSED:
            # Closed before its deadline: not "Fristen var" a time still ahead (round 17).
            return super().get_context_data(pool=pool, closed=True, **kwargs)
        user = self.request.user
        # Signed in (never a cached page): the way in is the user's own, not "log ind".
        applicant = user.is_authenticated and (user.is_caseworker or user.is_organisation_person)
        may_apply = applicant and open_pools_for(user).filter(pk=pool.pk).exists()
        if not user.is_authenticated or may_apply:
            refusal = ""
        elif applicant:
            refusal = not_for_you(pool)
        else:
            refusal = _("Du er logget ind som %(role)s; ansøgere søger med deres egen bruger.") % {
                "role": user.get_role_display().lower()
            }
        # Grants already made from the pool (decided before the deadline) are public on its
        # page: the call must not say no meeting is set (fresh eyes round 24).
        decided = pool.committee_meeting_on is None and pool.allocations.exists()
        # How a new association will sign in: only the ways the login page offers.
        sign_in = {}
        if pool.open_to_organisations and not user.is_authenticated:
            sign_in = {"by_email": email_link_allowed(), "by_mitid": offers_applicant_sign_in()}
        return super().get_context_data(
            pool=pool,
            may_apply=may_apply,
            refusal=refusal,
            decided=decided,
            sign_in=sign_in,
            **kwargs,
        )
