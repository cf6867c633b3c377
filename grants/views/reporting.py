"""A caseworker fills in and submits the report a decision asked for."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from grants.access import CaseworkerRequiredMixin, attachment_response, caseworker_reports
from grants.forms.reports import ReportForm
from grants.models import ReportAttachment
from grants.rules import may
from grants.services.attachments import (
    do_add_report_attachment,
    do_remove_report_attachment,
    size_limit_label,
)
from grants.services.errors import DomainError, EditConflict, each_error
from grants.services.reports import (
    do_save_report,
    do_submit_report,
    missing_for_content,
    missing_for_report,
    sendable_from,
)
from grants.views.caseworker import say_file_not_kept
from grants.views.rescue import TypedContentRescueMixin
from portal.conflicts import CONFLICT_STATUS, saved_version, with_version
from portal.params import id_param


class ReportEditView(TypedContentRescueMixin, CaseworkerRequiredMixin, TemplateView):
    template_name = "grants/caseworker/report.html"

    def get_report(self):
        return get_object_or_404(
            caseworker_reports(self.request.user).select_related("application__pool"),
            pk=self.kwargs["pk"],
        )

    def get(self, request, *args, **kwargs):
        report = self.get_report()
        rescued = self.pop_rescued_post()
        form = ReportForm(rescued, report=report) if rescued is not None else None
        if rescued is not None:
            messages.warning(
                request,
                _(
                    "Du blev logget ud, før dine ændringer blev gemt. Det, du skrev, er hentet "
                    "tilbage herunder – tryk »Gem« for at beholde det."
                ),
            )
        return self.render(report, form or ReportForm(report=report))

    def render(self, report, form, status=200, **extra):
        return self.render_to_response(
            self.get_context_data(
                report=report,
                form=form,
                application=report.application,
                editable=may(self.request.user, "edit", report),
                size_limit=size_limit_label(),
                # Not sendable before its year: no button that can only be refused (fresh
                # eyes round 16); the list of what lacks says from when.
                sendable_later=sendable_from(report) is not None,
                # What still lacks, for what the form holds now (typed, maybe not saved).
                missing=(
                    missing_for_content(report, form.typed_content())
                    if form.is_bound
                    else missing_for_report(report)
                ),
                **extra,
            ),
            status=status,
        )

    def post(self, request, *args, **kwargs):
        report = self.get_report()
        form = ReportForm(request.POST, report=report)
        if not form.is_valid():
            messages.error(request, _("Rapporten er ikke gemt. Ret de markerede felter."))
            upload = request.FILES.get("attachment")
            if upload is not None:
                # A browser cannot keep a chosen file across a refused form: said, not lost.
                say_file_not_kept(request, upload)
            return self.render(report, form, status=400)
        try:
            do_save_report(
                report_id=report.pk,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                content=form.to_content(),
            )
            if not self.handle_files(request, report):
                # The text is saved; the refused file is said and nothing is sent with it.
                return redirect(reverse("mine:report", args=[report.pk]) + "#bilag")
            if "submit" in request.POST:
                do_submit_report(report_id=report.pk, actor=request.user)
                messages.success(request, _("Rapporten er indsendt til sekretariatet."))
                return redirect("mine:detail", pk=report.application_id)
        except EditConflict as conflict:
            # Keep what was typed, but let the next save go on top of the newer version.
            messages.error(request, conflict.message)
            report.refresh_from_db()
            mine = ReportForm(with_version(request.POST, report.version), report=report)
            version = saved_version(report, mine, ReportForm(report=report))
            return self.render(report, mine, status=CONFLICT_STATUS, saved_version=version)
        except DomainError as error:
            errors = each_error(error)
            marked = [e for e in errors[1:] if e.field and e.field in form.fields]
            if not marked:
                messages.error(request, errors[0].message)
                return redirect("mine:report", pk=report.pk)
            # The reasons stand at their fields and in the summary: said once (fresh eyes
            # round 29 read the overspend's three lines twice).
            # Saved is good news; what stops the sending is the summary's (fresh eyes 30: two
            # red boxes saying "ret").
            messages.success(request, _("Rapporten er gemt, men ikke sendt."))
            # Saved, not sent: the saved report again, each field that stopped it marked
            # beside it (fresh eyes round 28: the overspend's explanation was not).
            report.refresh_from_db()
            saved = ReportForm(with_version(request.POST, report.version), report=report)
            saved.is_valid()
            for refusal in marked:
                saved.add_error(refusal.field, refusal.message)
            return self.render(report, saved, status=400)
        messages.success(request, _("Rapporten er gemt."))
        return redirect("mine:report", pk=report.pk)

    def handle_files(self, request, report) -> bool:
        """After the text is saved: attach the chosen file or remove one. False when the
        file was refused (what was typed is saved; the file must be chosen again)."""
        upload = request.FILES.get("attachment")
        if upload is not None:
            try:
                attachment = do_add_report_attachment(
                    report_id=report.pk, upload=upload, actor=request.user
                )
            except DomainError as error:
                messages.error(
                    request,
                    _("Rapporten er gemt, men filen er ikke vedhæftet: %(reason)s")
                    % {"reason": error.message},
                )
                return False
            messages.success(
                request, _("%(name)s er vedhæftet.") % {"name": attachment.original_name}
            )
        remove_id = id_param(request.POST.get("remove_attachment"))
        if remove_id is not None:
            get_object_or_404(report.attachments, pk=remove_id)
            try:
                do_remove_report_attachment(attachment_id=remove_id, actor=request.user)
            except DomainError as error:
                messages.error(request, error.message)
                return False
            messages.success(request, _("Bilaget er fjernet."))
        return True


class ReportAttachmentView(CaseworkerRequiredMixin, View):
    """A report's file, for the applicant's side of its application."""

    def get(self, request, pk: int):
        return attachment_response(
            get_object_or_404(
                ReportAttachment.objects.filter(report__in=caseworker_reports(request.user)),
                pk=pk,
            )
        )
