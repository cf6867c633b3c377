"""The case's pages for both sides (issue 16, items 6-7): the messages between applicant and
staff, answering a request for information, and downloading the case's letters.

Objects are found only through `grants.access` (`applicant_applications` for the applicant's
side, `staff_applications` for staff), so another department's or municipality's case is
simply not found (404); what may be written now is the rule table's answer (grants.rules)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from grants.access import (
    ApplicantRequiredMixin,
    StaffRequiredMixin,
    applicant_applications,
    attachment_response,
    letter_response,
    organisation_document_response,
    staff_applications,
    staff_organisations,
)
from grants.case_selectors import open_requests, thread_with_new
from grants.forms.messages import AnswerForm, InformationRequestForm, MessageForm
from grants.models import InformationRequest, Letter, MessageAttachment
from grants.rules import may
from grants.services.errors import Busy, DomainError
from grants.services.messages import (
    do_answer_request,
    do_mark_messages_read,
    do_request_information,
    do_send_message,
)
from grants.views.busy import BUSY_STATUS, lock_waits_as_busy


def _refused(form, error: DomainError) -> int:
    """Show the service's refusal at its field (or above the form); the response status."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
    if hasattr(form, "ask_for_files_again"):
        form.ask_for_files_again()
    return BUSY_STATUS if isinstance(error, Busy) else 400


class CaseMessagesMixin(TemplateView):
    """The thread and the message form; subclasses say whose side the page is."""

    template_name = "grants/case/messages.html"
    side: str
    write_action: str
    # Which applications the user may open on this side (a selector taking the user).
    scope = None

    def applications(self):
        return type(self).scope(self.request.user)

    def get_application(self):
        queryset = self.applications().select_related(
            "pool", "municipality", "department", "organisation"
        )
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def here(self, application) -> str:
        return reverse(f"{self.namespace}:messages", args=[application.pk])

    def render(self, application, status=200, **forms):
        forms.setdefault("form", MessageForm())
        context = self.get_context_data(
            application=application,
            thread=thread_with_new(application, self.side),
            requests=open_requests(self.applications().filter(pk=application.pk)),
            can_write=may(self.request.user, self.write_action, application),
            side=self.side,
            namespace=self.namespace,
            **forms,
        )
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        application = self.get_application()
        # What is new is marked on this page, then the side has read it.
        response = self.render(application)
        do_mark_messages_read(application_id=application.pk, actor=request.user)
        return response

    def post(self, request, *args, **kwargs):
        application = self.get_application()
        form = MessageForm(request.POST, request.FILES)
        if not form.is_valid():
            form.ask_for_files_again()
            return self.render(application, status=400, form=form)
        try:
            with lock_waits_as_busy():
                do_send_message(
                    application_id=application.pk,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    uploads=form.cleaned_data["files"],
                )
        except DomainError as error:
            return self.render(application, status=_refused(form, error), form=form)
        messages.success(request, _("Beskeden er sendt."))
        if (
            self.side == "applicant"
            and open_requests(self.applications().filter(pk=application.pk)).exists()
        ):
            messages.info(
                request,
                _(
                    "Sekretariatets spørgsmål står stadig som ubesvaret. Var beskeden dit svar, "
                    "så tryk »Svar« ved spørgsmålet."
                ),
            )
        return redirect(self.here(application) + "#seneste")


class ApplicantMessagesView(ApplicantRequiredMixin, CaseMessagesMixin):
    side, namespace, write_action = "applicant", "mine", "write_to_staff"
    scope = applicant_applications


class StaffMessagesView(StaffRequiredMixin, CaseMessagesMixin):
    side, namespace, write_action = "staff", "sekretariat", "write_to_applicant"
    scope = staff_applications

    def render(self, application, status=200, **forms):
        forms.setdefault("request_form", InformationRequestForm())
        forms["can_request"] = may(self.request.user, "request_information", application)
        return super().render(application, status, **forms)


class RequestInformationView(StaffRequiredMixin, View):
    """Staff ask for specific information (a form on the messages page; POST only)."""

    def post(self, request, *args, **kwargs):
        page = StaffMessagesView()
        page.setup(request, *args, **kwargs)
        application = page.get_application()
        form = InformationRequestForm(request.POST)
        if not form.is_valid():
            return page.render(application, status=400, request_form=form)
        try:
            with lock_waits_as_busy():
                do_request_information(
                    application_id=application.pk,
                    actor=request.user,
                    question=form.cleaned_data["question"],
                    due_date=form.cleaned_data["due_date"],
                )
        except DomainError as error:
            status = _refused(form, error)
            return page.render(application, status=status, request_form=form)
        messages.success(request, _("Anmodningen er sendt til ansøgeren."))
        return redirect(page.here(application) + "#seneste")


class AnswerRequestView(ApplicantRequiredMixin, TemplateView):
    template_name = "grants/case/answer.html"

    def get_request(self) -> InformationRequest:
        queryset = InformationRequest.objects.filter(
            application__in=applicant_applications(self.request.user)
        ).select_related("application__pool", "requested_by")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def render(self, info_request, form=None, status=200):
        context = self.get_context_data(
            info_request=info_request,
            application=info_request.application,
            form=form or AnswerForm(),
            can_answer=info_request.is_open
            and may(self.request.user, "answer_request", info_request.application),
            answer=info_request.messages.filter(side="applicant").first(),
        )
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render(self.get_request())

    def post(self, request, *args, **kwargs):
        info_request = self.get_request()
        form = AnswerForm(request.POST, request.FILES)
        if not form.is_valid():
            form.ask_for_files_again()
            return self.render(info_request, form, status=400)
        try:
            with lock_waits_as_busy():
                do_answer_request(
                    request_id=info_request.pk,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    uploads=form.cleaned_data["files"],
                )
        except DomainError as error:
            return self.render(info_request, form, status=_refused(form, error))
        messages.success(request, _("Dit svar er sendt til sekretariatet."))
        return redirect("mine:messages", pk=info_request.application_id)


class ApplicantMessageAttachmentView(ApplicantRequiredMixin, View):
    def get(self, request, pk: int):
        queryset = MessageAttachment.objects.filter(
            message__application__in=applicant_applications(request.user)
        )
        return attachment_response(get_object_or_404(queryset, pk=pk))


class StaffMessageAttachmentView(StaffRequiredMixin, View):
    def get(self, request, pk: int):
        queryset = MessageAttachment.objects.filter(
            message__application__in=staff_applications(request.user)
        )
        return attachment_response(get_object_or_404(queryset, pk=pk))


class ApplicantLetterView(ApplicantRequiredMixin, View):
    def get(self, request, pk: int):
        letters = Letter.objects.filter(application__in=applicant_applications(request.user))
        return letter_response(get_object_or_404(letters, pk=pk))


class StaffLetterView(StaffRequiredMixin, View):
    def get(self, request, pk: int):
        letters = Letter.objects.filter(application__in=staff_applications(request.user))
        return letter_response(get_object_or_404(letters, pk=pk))


class StaffOrganisationDocumentView(StaffRequiredMixin, View):
    """An applicant organisation's statutes or accounts, for its municipality's staff."""

    def get(self, request, pk: int, document: str):
        organisation = get_object_or_404(staff_organisations(request.user), pk=pk)
        return organisation_document_response(organisation, document)
