"""Documents for politicians and staff exports: web page, PDF, Excel and CSV, from the data."""

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from grants.access import StaffRequiredMixin, staff_applications, staff_pools
from grants.documents.content import action_plan_document, recommendation_document
from grants.documents.excel import action_plan_xlsx, recommendation_xlsx, table_xlsx
from grants.documents.pdf import action_plan_pdf, recommendation_pdf
from grants.filters import ReviewQueueFilter, queue_rows, review_queue
from grants.results import project_results
from grants.selectors import pool_balance, pool_spending
from grants.services.errors import DomainError, EditConflict
from policies.models import ActionPlan
from policies.services import do_update_introduction
from portal.conflicts import CONFLICT_STATUS, saved_version, with_version
from portal.exports import csv_writer
from portal.forms import LimitedTextMixin
from portal.params import id_param

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Danish letters written out in file names, not dropped: "fllesskabspuljen" was the slug of
# "Fællesskabspuljen" (fresh eyes round 21).
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def slugify(text: str) -> str:
    from django.utils.text import slugify as django_slugify

    return django_slugify(str(text).translate(_DANISH))


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_download(filename: str, headers, rows) -> HttpResponse:
    """A CSV for programs, by the portal's one convention (the /data/ page's projekter.csv):
    UTF-8 without a byte-order mark, comma between fields, decimal point, dates ÅÅÅÅ-MM-DD.
    A person opening it in Danish Excel gets the .xlsx next to it; a semicolon file with
    points in the amounts was neither (Danish Excel read the amounts as text)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv_writer(response)
    writer.writerow(headers)
    writer.writerows(rows)
    return response


def staff_action_plans(user):
    return ActionPlan.objects.filter(policy__municipality_id=user.municipality_id)


class IntroductionForm(LimitedTextMixin, forms.Form):
    introduction = forms.CharField(
        label=gettext_lazy("Indledning"), widget=forms.Textarea(attrs={"rows": 10}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ActionPlanListView(StaffRequiredMixin, TemplateView):
    template_name = "grants/documents/action_plans.html"

    def get_context_data(self, **kwargs):
        plans = (
            staff_action_plans(self.request.user).select_related("policy").order_by("-year_start")
        )
        return super().get_context_data(plans=plans, **kwargs)


class ActionPlanMixin(StaffRequiredMixin):
    def get_plan(self):
        return get_object_or_404(
            staff_action_plans(self.request.user).select_related("policy__municipality"),
            pk=self.kwargs["pk"],
        )


class ActionPlanView(ActionPlanMixin, TemplateView):
    template_name = "grants/documents/action_plan.html"

    def get_context_data(self, **kwargs):
        plan = self.get_plan()
        return super().get_context_data(
            doc=action_plan_document(plan),
            form=IntroductionForm(
                initial={"introduction": plan.introduction, "version": plan.version}
            ),
            **kwargs,
        )

    def post(self, request, pk: int):
        plan = self.get_plan()
        form = IntroductionForm(request.POST)
        if form.is_valid():
            try:
                do_update_introduction(
                    action_plan_id=plan.pk,
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                    introduction=form.cleaned_data["introduction"],
                )
            except EditConflict as conflict:
                messages.error(request, conflict.message)
                return self.render_conflict(plan)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Indledningen er gemt."))
        return redirect("dokumenter:action-plan", pk=plan.pk)

    def render_conflict(self, plan):
        """Keep what this user typed; show the colleague's saved introduction next to it."""
        plan.refresh_from_db()
        saved = IntroductionForm(initial={"introduction": plan.introduction})
        mine = IntroductionForm(with_version(self.request.POST, plan.version))
        mine.is_valid()
        context = self.get_context_data(saved_version=saved_version(plan, mine, saved))
        context["form"] = mine
        return self.render_to_response(context, status=CONFLICT_STATUS)


class ActionPlanPdfView(ActionPlanMixin, View):
    def get(self, request, pk: int):
        plan = self.get_plan()
        content = action_plan_pdf(action_plan_document(plan))
        return download(content, PDF, f"{slugify(plan.title)}.pdf")


class ActionPlanXlsxView(ActionPlanMixin, View):
    def get(self, request, pk: int):
        plan = self.get_plan()
        content = action_plan_xlsx(action_plan_document(plan))
        return download(content, XLSX, f"{slugify(plan.title)}.xlsx")


class RecommendationDownloadView(StaffRequiredMixin, View):
    format = "pdf"

    def get(self, request, pk: int):
        pool = get_object_or_404(staff_pools(request.user), pk=pk)
        include_decided = request.GET.get("afgjorte") == "1"
        doc = recommendation_document(
            pool, staff_applications(request.user), include_decided=include_decided
        )
        name = f"indstilling-{slugify(pool.title)}"
        if self.format == "pdf":
            return download(recommendation_pdf(doc), PDF, f"{name}.pdf")
        return download(recommendation_xlsx(doc), XLSX, f"{name}.xlsx")


QUEUE_HEADERS = [
    gettext_lazy("Id"),
    gettext_lazy("Indsats"),
    gettext_lazy("Ansøger"),
    gettext_lazy("Udvalg"),
    gettext_lazy("Status"),
    gettext_lazy("Indsendt"),
    gettext_lazy("Ansøgt i alt (kr.)"),
    gettext_lazy("Antal bedømmelser"),
]


class QueueExportView(StaffRequiredMixin, View):
    """The review queue with the filters the user has set, as Excel or CSV."""

    format = "xlsx"

    def get(self, request, pk: int):
        pool = get_object_or_404(staff_pools(request.user), pk=pk)
        queryset = review_queue(request.user, pool)
        filterset = ReviewQueueFilter(request.GET or None, queryset=queryset, pool=pool)
        if filterset.is_bound and not filterset.is_valid():
            # A file of a search that was not made held the whole pool (fresh eyes round
            # 40: an edited or old address): the queue's page says what is wrong.
            queue = reverse("sekretariat:queue", args=[pool.pk])
            return redirect(f"{queue}?{request.GET.urlencode()}")
        applications = filterset.qs if filterset.is_bound else queryset
        rows = [
            [
                a.pk,
                a.title,
                a.applicant_name,
                a.row_committees,
                a.row_status,
                timezone.localtime(a.submitted_at).date() if a.submitted_at else "",
                a.requested_total,
                a.review_count,
            ]
            for a in queue_rows(applications)
        ]
        headers = [str(h) for h in QUEUE_HEADERS]
        name = f"ansoegninger-{slugify(pool.title)}"
        if self.format == "csv":
            return csv_download(f"{name}.csv", headers, rows)
        return download(
            table_xlsx(_("Ansøgninger"), headers, rows, money_columns=[7]), XLSX, f"{name}.xlsx"
        )


class PoolStatusExportView(StaffRequiredMixin, View):
    format = "xlsx"

    def get(self, request, pk: int):
        pool = get_object_or_404(staff_pools(request.user), pk=pk)
        balance = pool_balance(pool)
        spending = pool_spending(pool)
        balance["spent"] = spending.within
        balance["overspent"] = spending.above
        labels = {
            "budget": _("Budget"),
            "reserved": _("Reserveret"),
            "allocated": _("Bevilget"),
            "carry_over": _("Restmidler overført til året"),
            "spent": _("Brugt af bevillingerne ifølge godkendte rapporter"),
            "overspent": _("Brugt ud over bevillingerne (ikke af puljen)"),
            "available": _("Til rådighed"),
        }
        rows = [[labels[key], balance[key]] for key in labels]
        # A blank row between the totals and the lines only in the spreadsheet: a CSV is
        # read by programs, for which it is a row with no post (fresh eyes round 34).
        if self.format != "csv":
            rows.append(["", None])
        rows += [
            [_("Bevilling: %(title)s") % {"title": a.application.title}, a.amount]
            for a in pool.allocations.select_related("application").order_by("application__title")
        ]
        rows += [
            [_("Reserveret: %(title)s") % {"title": line.title}, line.amount]
            for line in pool.reserved_lines.all()
        ]
        headers = [_("Post"), _("Beløb (kr.)")]
        name = f"status-{slugify(pool.title)}"
        if self.format == "csv":
            return csv_download(f"{name}.csv", headers, rows)
        return download(
            table_xlsx(pool.title, headers, rows, money_columns=[2]), XLSX, f"{name}.xlsx"
        )


class ResultsView(StaffRequiredMixin, TemplateView):
    """Promised versus achieved per project, spent versus granted, reports due and overdue;
    for one pool (?pulje=) or across all years."""

    template_name = "grants/documents/results.html"

    def get_entries(self):
        applications = staff_applications(self.request.user)
        raw = self.request.GET.get("pulje", "")
        pool_id = id_param(raw)
        pool = None
        if raw.strip() and pool_id is None:
            # A made-up pool is not found, rather than every year quietly in its place
            # (fresh eyes round 21: ?pulje=abc downloaded all years as "one pool").
            raise Http404
        if pool_id is not None:
            pool = get_object_or_404(staff_pools(self.request.user), pk=pool_id)
            # Also the grants whose later year this pool pays (fresh eyes round 21: the
            # 2028 pool said "Ingen bevilgede indsatser" beside its 100.000 kr. granted).
            applications = applications.filter(Q(pool=pool) | Q(allocations__pool=pool)).distinct()
        return pool, project_results(applications)

    def get_context_data(self, **kwargs):
        pool, entries = self.get_entries()
        return super().get_context_data(
            pool=pool,
            pools=staff_pools(self.request.user).order_by("-year"),
            entries=entries,
            **kwargs,
        )


RESULT_HEADERS = [
    gettext_lazy("Indsats"),
    gettext_lazy("Pulje"),
    gettext_lazy("Bevilget i alt, alle år (kr.)"),
    gettext_lazy("Brugt i alt, alle år (kr.)"),
    gettext_lazy("Succeskriterium"),
    gettext_lazy("Mål"),
    gettext_lazy("Opnået"),
    gettext_lazy("Enhed"),
    gettext_lazy("Kommentar"),
    gettext_lazy("Åbne afrapporteringer"),
]


class ResultsXlsxView(ResultsView):
    def get(self, request, *args, **kwargs):
        pool, entries = self.get_entries()
        rows = []
        for entry in entries:
            reports = ", ".join(
                f"{r.get_kind_display()} {r.due_date.isoformat()} ({r.get_status_display()})"
                for r in entry.open_reports
            )
            lines = entry.criteria or [None]
            for line in lines:
                rows.append(
                    [
                        entry.application.title,
                        entry.application.pool.title,
                        entry.granted,
                        entry.spent,
                        line.criterion.text if line else "",
                        line.criterion.target_value if line else None,
                        line.result.achieved_value if line and line.result else None,
                        line.criterion.unit if line else "",
                        line.result.comment if line and line.result else "",
                        reports,
                    ]
                )
        headers = [str(h) for h in RESULT_HEADERS]
        name = f"resultater-{slugify(pool.title) if pool else 'alle-aar'}.xlsx"
        content = table_xlsx(_("Resultater"), headers, rows, money_columns=[3, 4])
        return download(content, XLSX, name)
