"""Committee staff follow up on reports: due, overdue, submitted; accept or return."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from grants.access import StaffRequiredMixin, attachment_response, staff_reports
from grants.forms.staff import ReportDecisionForm
from grants.models import ReportAttachment, ReportStatus
from grants.notifications import report_people
from grants.rules import may
from grants.services.errors import Busy, DomainError
from grants.services.follow_up import do_accept_report, do_return_report
from grants.services.reports import repayment_due
from grants.services.spending import overspending, overspent_report_ids
from grants.views.busy import BUSY_STATUS, lock_waits_as_busy
from grants.views.staff_applications import say_done


class ReportsOverviewView(StaffRequiredMixin, TemplateView):
    template_name = "grants/staff/reports.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        reports = staff_reports(self.request.user).select_related("application__pool")
        waiting = reports.filter(status__in=[ReportStatus.REQUESTED, ReportStatus.RETURNED])
        submitted = list(reports.filter(status=ReportStatus.SUBMITTED).order_by("submitted_at"))
        flagged = overspent_report_ids(r.pk for r in submitted)
        for report in submitted:
            report.is_overspent = report.pk in flagged
        return super().get_context_data(
            submitted=submitted,
            # Reports due the same day by title: the order was the database's, and a test of
            # it failed now and then.
            overdue=waiting.filter(due_date__lt=today).order_by("due_date", "application__title"),
            due=waiting.filter(due_date__gte=today).order_by("due_date", "application__title"),
            today=today,
            **kwargs,
        )


class StaffReportView(StaffRequiredMixin, TemplateView):
    template_name = "grants/staff/report.html"

    def get_report(self):
        return get_object_or_404(
            staff_reports(self.request.user).select_related("application__pool"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        report = self.get_report()
        application = report.application
        # The last report accepted: the next step is closing the project, said here where
        # staff are (fresh eyes round 13 did not find "Afslut indsatsen" on the case page).
        ready_to_close = (
            report.status == ReportStatus.ACCEPTED
            and may(self.request.user, "close", application)
            and not application.reports.exclude(status=ReportStatus.ACCEPTED).exists()
        )
        return super().get_context_data(
            report=report,
            ready_to_close=ready_to_close,
            # Money left of a settled grant cannot move on: staff are told to ask for it back
            # (fresh eyes round 13: nothing followed the unspent money of a final report).
            repay=repayment_due(report),
            application=application,
            results=report.results.select_related("criterion"),
            spent=report.spent_amounts.all(),
            overspend=overspending(
                report.application_id, {s.year: s.amount for s in report.spent_amounts.all()}
            ),
            form=kwargs.pop("form", None) or ReportDecisionForm(report=report),
            **kwargs,
        )

    def post(self, request, pk: int):
        report = self.get_report()
        form = ReportDecisionForm(request.POST, report=report)
        if not form.is_valid():
            messages.error(request, _("Intet er gemt. Ret de markerede felter."))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        comment = form.cleaned_data["comment"]
        try:
            with lock_waits_as_busy():
                if "accept" in request.POST:
                    do_accept_report(
                        report_id=report.pk,
                        actor=request.user,
                        comment=comment,
                        spent=form.amounts(),
                        acknowledge_overspend=form.cleaned_data["acknowledge_overspend"],
                    )
                    say_done(
                        request,
                        report.application,
                        _("Rapporten er godkendt."),
                        True,
                        report_people(report),
                    )
                else:
                    do_return_report(report_id=report.pk, actor=request.user, comment=comment)
                    say_done(
                        request,
                        report.application,
                        _("Rapporten er sendt retur."),
                        True,
                        report_people(report),
                    )
        except DomainError as error:
            messages.error(request, error.message)
            status = BUSY_STATUS if isinstance(error, Busy) else 400
            return self.render_to_response(self.get_context_data(form=form), status=status)
        return redirect("sekretariat:report", pk=report.pk)


class StaffReportAttachmentView(StaffRequiredMixin, View):
    """A report's file, for the committee staff of the application's municipality."""

    def get(self, request, pk: int):
        return attachment_response(
            get_object_or_404(
                ReportAttachment.objects.filter(report__in=staff_reports(request.user)), pk=pk
            )
        )
