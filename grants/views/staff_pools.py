"""Committee staff: start page, pools, review queue and the recommendation for a pool."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from grants.access import StaffRequiredMixin, staff_applications, staff_pools, staff_reports
from grants.audit import pool_audit
from grants.case_selectors import with_new_messages
from grants.documents.content import recommendation_document
from grants.filters import (
    ReviewQueueFilter,
    later_years_of_earlier_grants,
    queue_rows,
    review_queue,
)
from grants.forms.application import rows_from
from grants.forms.staff import PoolForm, ReservedLineForm, ReservedLineFormSet
from grants.models import (
    ApplicationStatus,
    Pool,
    PoolStatus,
    ReportStatus,
)
from grants.selectors import missing_following_pools, pool_balance, pool_spending
from grants.services.errors import DomainError, EditConflict
from grants.services.pools import (
    PoolContent,
    allocated_in,
    budget_problem,
    do_create_pool,
    do_set_pool_status,
    do_update_pool,
    first_free_year,
    open_problem,
)
from portal.conflicts import (
    CONFLICT_STATUS,
    base_instance,
    posted_before,
    rebase,
    rebase_rows,
    saved_version,
    with_version,
)
from portal.filters import filter_fold
from portal.money import ZERO, format_kroner
from portal.params import id_param

OPEN_REPORT_STATUSES = [ReportStatus.REQUESTED, ReportStatus.SUBMITTED, ReportStatus.RETURNED]


class StaffHomeView(StaffRequiredMixin, TemplateView):
    template_name = "grants/staff/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        pools = (
            staff_pools(user)
            .annotate(
                waiting=Count(
                    "applications",
                    filter=Q(applications__status=ApplicationStatus.SUBMITTED),
                ),
                in_review=Count(
                    "applications",
                    filter=Q(applications__status=ApplicationStatus.IN_REVIEW),
                ),
            )
            .order_by("-year")
        )
        reports = staff_reports(user).filter(status__in=OPEN_REPORT_STATUSES)
        today = timezone.localdate()
        return super().get_context_data(
            pools=pools,
            new_messages=with_new_messages(
                staff_applications(user), "staff", mark_answers=True
            ).select_related("department", "organisation"),
            reports_submitted=reports.filter(status=ReportStatus.SUBMITTED).count(),
            reports_overdue=reports.exclude(status=ReportStatus.SUBMITTED)
            .filter(due_date__lt=today)
            .count(),
            **kwargs,
        )


def reserved_rows(formset) -> list[dict]:
    return [
        {key: value for key, value in row.items() if key != "prefix"}
        for row in rows_from(formset, ("title", "amount"))
    ]


# What a scheme's rounds share, copied into a new round's form from the last one.
ROUND_RULES = (
    "applicants",
    "max_grant_years",
    "max_amount",
    "short_form_below",
    "evaluation_threshold",
    "delegation_limit",
    "criteria",
    "contact",
    "legal_basis",
)


class PoolEditView(StaffRequiredMixin, TemplateView):
    """Create (no pk) or edit a pool with its reserved lines."""

    template_name = "grants/staff/pool_form.html"

    def get_pool(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(staff_pools(self.request.user), pk=self.kwargs["pk"])

    def next_url(self) -> str | None:
        """Where a "Opret pulje for 2028" link came from, when it is on this site."""
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=False
        ):
            return target
        return None

    def prefill(self) -> dict:
        """A pool for a missing following year: ?aar=2028&politik=3&titel=… from the link."""
        query, initial = self.request.GET, {}
        for parameter, name in (
            ("aar", "year"),
            ("politik", "policy"),
            ("handleplan", "action_plan"),
            ("ordning", "scheme"),
        ):
            if (value := id_param(query.get(parameter))) is not None:
                initial[name] = value
        if query.get("titel"):
            initial["title"] = query["titel"][:200]
        if query.get("eksempel") == "1":
            initial["is_example"] = True
        if "scheme" in initial:
            # The next round of a scheme starts with the last round's rules (fresh eyes round
            # 11: the § 18 pool's next year opened as "Kommunens afdelinger").
            last = (
                Pool.objects.filter(
                    scheme_id=initial["scheme"], municipality=self.request.user.municipality
                )
                .order_by("-year")
                .first()
            )
            if last is not None:
                for name in ROUND_RULES:
                    initial.setdefault(name, getattr(last, name))
        # A blank pool starts from next year and the model's defaults (fresh eyes round 20:
        # the required threshold was empty on "Opret pulje", so the first save failed).
        if "year" not in initial:
            initial["year"] = first_free_year(
                municipality_id=self.request.user.municipality_id, scheme=initial.get("scheme")
            )
        for name in ("evaluation_threshold", "max_grant_years", "delegation_limit"):
            default = Pool._meta.get_field(name).get_default()
            if default is not None:
                initial.setdefault(name, default)
        return initial

    def get_context_data(self, **kwargs):
        return super().get_context_data(next_url=self.next_url(), **kwargs)

    def build(self, pool, data=None):
        municipality = self.request.user.municipality
        initial = self.prefill() if pool is None and data is None else None
        form = PoolForm(data, instance=pool, municipality=municipality, initial=initial)
        lines = ReservedLineFormSet(data, instance=pool, prefix="reserved")
        if pool is None:
            # A new pool's lines are typed at once, without script: three rows, not one
            # (fresh eyes round 21).
            lines.extra = 3
        return form, lines

    def render(self, pool, form, lines, status=200, **extra):
        context = self.get_context_data(pool=pool, form=form, lines=lines, **extra)
        return self.render_to_response(context, status=status)

    def render_conflict(self, pool):
        """Keep what this user typed; show the colleague's saved pool next to it."""
        base = base_instance(pool, self.request.POST.get("version"))
        pool.refresh_from_db()
        saved_form, saved_lines = self.build(pool)
        data, taken = with_version(self.posted, pool.version), []
        if base is not None:
            # Fields this user did not touch take the colleague's values (no silent revert).
            data, taken = rebase(data, self.build(pool, data)[0], self.build(base)[0], saved_form)
        form, lines = self.build(pool, data)
        form.is_valid()
        lines.is_valid()
        line_rows = []
        saved_text = "\n".join(
            f"{line.title}: {format_kroner(line.amount)}" for line in pool.reserved_lines.all()
        )
        mine_text = "\n".join(
            f"{row['title']}: {format_kroner(row['amount'])}" for row in reserved_rows(lines)
        )
        if saved_text != mine_text or self.lines_taken:
            line_rows.append((str(_("Reserverede linjer")), saved_text or str(_("(ingen)"))))
        version = saved_version(pool, form, saved_form, extra_rows=line_rows, taken=taken)
        return self.render(pool, form, lines, status=CONFLICT_STATUS, saved_version=version)

    def get(self, request, *args, **kwargs):
        pool = self.get_pool()
        return self.render(pool, *self.build(pool))

    def post(self, request, *args, **kwargs):
        pool = self.get_pool()
        self.posted, self.lines_taken = request.POST, False
        if pool is not None and posted_before(request.POST, pool):
            # A page older than the saved pool: its reserved lines brought onto the saved ones
            # first (a colleague's new line into the form, a deleted one out), so the conflict
            # page can be saved again (fresh eyes round 21).
            self.posted, self.lines_taken = rebase_rows(
                request.POST,
                prefix="reserved",
                form_class=ReservedLineForm,
                rows=pool.reserved_lines.all(),
                fields=("title", "amount"),
            )
        form, lines = self.build(pool, self.posted)
        form_valid, lines_valid = form.is_valid(), lines.is_valid()
        if "budget" in form.cleaned_data and lines_valid:
            # The service's budget rule, asked now so it comes with the form's other errors.
            problem = budget_problem(
                budget=form.cleaned_data["budget"],
                allocated=allocated_in(pool),
                reserved=sum((row["amount"] or ZERO for row in reserved_rows(lines)), ZERO),
            )
            if problem:
                form.add_error("budget", problem)
                form_valid = False
        if not (form_valid and lines_valid):
            messages.error(request, _("Puljen er ikke gemt. Ret de markerede felter."))
            return self.render(pool, form, lines, status=400)
        content = PoolContent(
            fields={name: form.cleaned_data[name] for name in form.Meta.fields},
            reserved_lines=reserved_rows(lines),
            new_scheme_name=form.cleaned_data.get("new_scheme_name") or "",
            is_example=bool(form.cleaned_data.get("is_example")),
        )
        try:
            if pool is None:
                pool = do_create_pool(actor=request.user, content=content)
            else:
                do_update_pool(
                    pool_id=pool.pk,
                    actor=request.user,
                    expected_version=form.cleaned_data["version"] or 0,
                    content=content,
                )
        except EditConflict:
            messages.error(
                request,
                _(
                    "Puljen er gemt et andet sted, mens du redigerede. Intet er overskrevet: "
                    "se de gemte værdier og ret igen."
                ),
            )
            return self.render_conflict(pool)
        except DomainError as error:
            if error.field in form.fields:
                form.add_error(error.field, error.message)  # at its field and in the summary
                messages.error(request, _("Puljen er ikke gemt. Ret de markerede felter."))
            else:
                messages.error(request, error.message)
            return self.render(pool, form, lines, status=400)
        messages.success(request, _("Puljen er gemt."))
        return redirect(self.next_url() or reverse("sekretariat:pool", args=[pool.pk]))


class PoolDetailView(StaffRequiredMixin, TemplateView):
    template_name = "grants/staff/pool_detail.html"

    def get_context_data(self, **kwargs):
        pool = get_object_or_404(
            staff_pools(self.request.user).select_related("policy", "action_plan"),
            pk=self.kwargs["pk"],
        )
        balance = pool_balance(pool)
        spending = pool_spending(pool)
        balance["spent"] = spending.within
        balance["overspent"] = spending.above
        allocations = (
            pool.allocations.select_related("application__committee")
            .prefetch_related("application__co_committees")
            .order_by("application__number", "application__title")
        )
        return super().get_context_data(
            pool=pool,
            balance=balance,
            allocations=allocations,
            reserved_lines=pool.reserved_lines.all(),
            missing_pools=missing_following_pools(pool),
            carry_overs=pool.carry_overs_in.select_related("application", "from_pool"),
            status_counts=staff_applications(self.request.user)
            .filter(pool=pool)
            .values("status")
            .annotate(n=Count("pk"))
            .order_by("status"),
            audit=pool_audit(pool),
            open_problem=open_problem(pool),
            now=timezone.now(),
            **kwargs,
        )


class PoolStatusView(StaffRequiredMixin, View):
    def post(self, request, pk: int):
        pool = get_object_or_404(staff_pools(request.user), pk=pk)
        status = request.POST.get("status")
        if status not in PoolStatus.values:
            messages.error(request, _("Ukendt status."))
            return redirect("sekretariat:pool", pk=pool.pk)
        early = pool.application_deadline and pool.application_deadline > timezone.now()
        if status == PoolStatus.CLOSED and early and request.POST.get("confirm") != "1":
            # Closing before the deadline shuts out drafts still being written: asked first,
            # also without JavaScript (fresh eyes round 13).
            messages.error(
                request,
                _(
                    "Puljen er ikke lukket. Fristen er ikke nået: sæt flueben for at lukke "
                    "den før fristen."
                ),
            )
            return redirect("sekretariat:pool", pk=pool.pk)
        try:
            do_set_pool_status(pool_id=pool.pk, actor=request.user, status=status)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Puljens status er nu »%(status)s«.") % {"status": PoolStatus(status).label},
            )
        return redirect("sekretariat:pool", pk=pool.pk)


class ReviewQueueView(StaffRequiredMixin, TemplateView):
    template_name = "grants/staff/queue.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        pool = get_object_or_404(staff_pools(self.request.user), pk=self.kwargs["pk"])
        queryset = review_queue(self.request.user, pool)
        filterset = ReviewQueueFilter(self.request.GET or None, queryset=queryset, pool=pool)
        applications = filterset.qs if filterset.is_bound else queryset
        page = Paginator(applications, self.paginate_by).get_page(self.request.GET.get("side"))
        page.object_list = queue_rows(page.object_list)
        # Asked only of an unfiltered, empty queue: the one place it is said.
        earlier_grants = (
            later_years_of_earlier_grants(pool)
            if not filterset.is_bound and not page.paginator.count
            else 0
        )
        query = self.request.GET.copy()
        query.pop("side", None)
        return super().get_context_data(
            pool=pool,
            filter=filterset,
            page=page,
            earlier_grants=earlier_grants,
            query=query.urlencode(),
            **filter_fold(self.request, filterset, search_fields=()),
            **kwargs,
        )


class RecommendationOverviewView(StaffRequiredMixin, TemplateView):
    """The pool's recommendation to the committee: each application with requested and
    recommended amounts per year, and the sums against each year's available money."""

    template_name = "grants/staff/recommendation.html"

    def get_context_data(self, **kwargs):
        pool = get_object_or_404(staff_pools(self.request.user), pk=self.kwargs["pk"])
        include_decided = self.request.GET.get("afgjorte") == "1"
        doc = recommendation_document(
            pool, staff_applications(self.request.user), include_decided=include_decided
        )
        return super().get_context_data(pool=pool, doc=doc, **kwargs)


class PersonalDataView(StaffRequiredMixin, TemplateView):
    """What personal data the portal holds about the municipality's users and applicants."""

    template_name = "grants/staff/personal_data.html"

    def get_context_data(self, **kwargs):
        from grants.privacy import contacts_due_for_anonymisation, personal_data_overview

        municipality = self.request.user.municipality
        return super().get_context_data(
            categories=personal_data_overview(municipality),
            due=contacts_due_for_anonymisation()
            .filter(application__municipality=municipality)
            .count(),
            **kwargs,
        )
