"""The caseworker's pages ("Mine ansøgninger"). Thin: forms validate, services write."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, TemplateView

from grants import wording
from grants.access import (
    CaseworkerRequiredMixin,
    attachment_response,
    caseworker_applications,
)
from grants.case_selectors import case_summary
from grants.caseworker_lists import (
    ARCHIVE_PAGE_SIZE,
    archived,
    archived_before,
    with_rows,
)
from grants.dashboard import dashboard_parts
from grants.documents.pdf import application_pdf
from grants.forms.application import (
    ApplicationForm,
    ContactForm,
    ContactFormSet,
    CriterionForm,
    CriterionFormSet,
)
from grants.forms.messages import WithdrawForm
from grants.models import (
    Application,
    ApplicationStatus,
    Attachment,
    StatusChange,
)
from grants.rules import may, refusal
from grants.selectors import (
    applicant_history,
    funding_chain,
    money_notes,
    years_without_pool,
)
from grants.services.attachments import (
    do_add_attachment,
    do_remove_attachment,
    refusal_of,
    size_limit_label,
)
from grants.services.drafts import (
    CONTACT_FIELDS,
    CRITERION_FIELDS,
    do_delete_draft,
    do_save_draft,
)
from grants.services.errors import DomainError, EditConflict
from grants.services.organisations import documents_not_sent
from grants.services.submission import (
    SHORT_FORM_OPTIONAL,
    check_submission_window,
    deadline_passed,
    do_submit,
    left_out_by_short_form,
    missing_for_submission,
    submission_refusal,
    uses_short_form,
    window_refusal,
)
from grants.services.workflow import do_withdraw
from grants.views.rescue import TypedContentRescueMixin
from portal.conflicts import (
    CONFLICT_STATUS,
    base_instance,
    posted_before,
    rebase,
    rebase_rows,
    saved_version,
    with_version,
)
from portal.forms import choose_again_message, file_not_kept_message, format_danish_number
from portal.params import id_param

RESCUED_MESSAGE = gettext_lazy(
    "Du blev logget ud, før dine ændringer blev gemt. Det, du skrev, er hentet "
    "tilbage herunder – tryk »Gem kladde« for at beholde det."
)
# An association is "I" on its form (fresh eyes round 39).
RESCUED_MESSAGE_TO_ASSOCIATION = gettext_lazy(
    "I blev logget ud, før jeres ændringer blev gemt. Det, I skrev, er hentet "
    "tilbage herunder – tryk »Gem kladde« for at beholde det."
)


def rescued_message(user) -> str:
    return RESCUED_MESSAGE_TO_ASSOCIATION if user.organisation_id else RESCUED_MESSAGE


NOT_SAVED = gettext_lazy("Kladden er ikke gemt. Ret de markerede felter og gem igen.")
NOT_AUTOSAVED = gettext_lazy("Ikke gemt automatisk: ret de markerede felter.")


class DashboardView(CaseworkerRequiredMixin, TemplateView):
    """Mine ansøgninger: the department's applications and what waits for the caseworker."""

    template_name = "grants/caseworker/dashboard.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**dashboard_parts(self.request.user), **kwargs)


class ArchiveView(CaseworkerRequiredMixin, TemplateView):
    """Tidligere: the finished applications of earlier years, newest first, a page at a time."""

    template_name = "grants/caseworker/archive.html"

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        old = archived(caseworker_applications(self.request.user)).order_by("-pool__year", "title")
        page = Paginator(old.values_list("pk", flat=True), ARCHIVE_PAGE_SIZE).get_page(
            self.request.GET.get("side")
        )
        rows = with_rows(
            Application.objects.filter(pk__in_ids=list(page.object_list)), self.request.user
        )
        return super().get_context_data(
            applications=rows, page=page, archived_before=archived_before(), **kwargs
        )


class ApplicationMixin(CaseworkerRequiredMixin):
    def get_application(self) -> Application:
        return get_object_or_404(
            caseworker_applications(self.request.user).select_related(
                "pool__policy", "municipality", "committee"
            ),
            pk=self.kwargs["pk"],
        )


def build_forms(application: Application, data=None):
    form = ApplicationForm(data, application=application)
    contacts = ContactFormSet(
        data,
        instance=application,
        prefix="contacts",
        form_kwargs={"volunteer": application.organisation_id is not None},
    )
    criteria = CriterionFormSet(data, instance=application, prefix="criteria")
    return form, contacts, criteria


def rows_onto_saved(application: Application, data) -> tuple:
    """A post from a page older than the saved draft, with its contact persons and success
    criteria brought onto the saved ones (portal.conflicts.rebase_rows), so the conflict page
    keeps a colleague's new rows and can be saved again (fresh eyes round 21). Returns the
    data and the prefixes whose rows were taken from the colleague."""
    if not posted_before(data, application):
        return data, set()
    taken = set()
    for prefix, form_class, rows, fields in (
        ("contacts", ContactForm, application.contacts.all(), CONTACT_FIELDS),
        ("criteria", CriterionForm, application.success_criteria.all(), CRITERION_FIELDS),
    ):
        data, changed = rebase_rows(
            data, prefix=prefix, form_class=form_class, rows=rows, fields=fields
        )
        if changed:
            taken.add(prefix)
    return data, taken


def save_from_forms(request, application, form, contacts, criteria) -> Application:
    return do_save_draft(
        application_id=application.pk,
        actor=request.user,
        expected_version=form.cleaned_data["version"],
        content=form.to_content(contacts, criteria),
    )


def say_not_saved(request) -> None:
    """Nothing was saved; a file chosen with it must be chosen again (a browser cannot keep
    it across the refused form; fresh eyes round 13)."""
    messages.error(request, NOT_SAVED)
    upload = request.FILES.get("attachment")
    if upload is not None:
        say_file_not_kept(request, upload)


def say_file_not_kept(request, upload) -> None:
    """A file sent with a refused form is not kept (a browser cannot keep it either): one
    that could never be taken is said at once, with why (fresh eyes round 34: a 30 MB file
    was asked for again, then refused as too large); a good one is asked for again."""
    refusal = refusal_of(upload)
    if refusal:
        messages.error(request, file_not_kept_message(upload.name, refusal))
    else:
        messages.warning(request, choose_again_message([upload.name]))


def last_saved_by(application: Application) -> str:
    record = application.history.order_by("-history_date").select_related("history_user").first()
    if record is None:
        return ""
    who = record.history_user.shown_name if record.history_user else _("ukendt")
    when = date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")
    return _("%(who)s kl. %(when)s") % {"who": who, "when": when}


# What came of a file is said at the attachments, where the save lands (#bilag), not at the
# page's top, out of sight (fresh eyes round 22: "No file chosen" and no word beside it).
# templates/base.html leaves these to the edit page (`attachment_messages_here`).
AT_ATTACHMENTS = "bilag"


class ApplicationEditView(TypedContentRescueMixin, ApplicationMixin, TemplateView):
    template_name = "grants/caseworker/edit.html"

    def get(self, request, *args, **kwargs):
        application = self.get_application()
        if not may(request.user, "edit", application):
            return redirect("mine:detail", pk=application.pk)
        rescued = self.pop_rescued_post()
        if rescued is not None:
            messages.warning(request, rescued_message(request.user))
            return self.render_forms(application, *build_forms(application, rescued))
        return self.render_forms(application, *build_forms(application))

    def post(self, request, *args, **kwargs):
        application = self.get_application()
        if not may(request.user, "edit", application):
            messages.error(request, _("Ansøgningen er indsendt og kan ikke længere ændres."))
            return redirect("mine:detail", pk=application.pk)
        self.posted, self.rows_taken = rows_onto_saved(application, request.POST)
        form, contacts, criteria = build_forms(application, self.posted)
        if not (form.is_valid() and contacts.is_valid() and criteria.is_valid()):
            say_not_saved(request)
            return self.render_forms(application, form, contacts, criteria, status=400)
        try:
            application = save_from_forms(request, application, form, contacts, criteria)
        except EditConflict as conflict:
            return self.render_conflict(application, form, contacts, criteria, conflict)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("mine:detail", pk=application.pk)
        return self.after_save(request, application)

    def after_save(self, request, application):
        anchor = self.handle_attachments(request, application)
        if not self.attachment_refused:
            # A returned application is no draft: "Kladden er gemt" read as if it had gone
            # back to the start (fresh eyes round 9).
            saved = (
                _("Ændringerne er gemt. Husk at indsende ansøgningen igen.")
                if application.status == ApplicationStatus.RETURNED
                else _("Kladden er gemt.")
            )
            messages.success(request, saved)
        # A file chosen with "Gem og gå til indsendelse" is attached on the way (fresh eyes
        # round 20: the page came back to the attachments instead); a refused one stays.
        if "submit" in request.POST and not self.attachment_refused:
            return redirect("mine:submit", pk=application.pk)
        # The top of the page, where "Kladden er gemt." is (fresh eyes: an anchor on the save
        # bar landed mid-form with the message out of sight); the bar shows "Senest gemt".
        return redirect(reverse("mine:edit", args=[application.pk]) + (anchor or ""))

    def handle_attachments(self, request, application) -> str | None:
        """After the draft is saved: attach the chosen file, or remove one. The text is
        already safe, so a refused file costs the user nothing but choosing it again."""
        anchor = None
        self.attachment_refused = False
        upload = request.FILES.get("attachment")
        if upload is not None:
            anchor = "#bilag"
            try:
                attachment = do_add_attachment(
                    application=application, upload=upload, actor=request.user
                )
            except DomainError as error:
                self.attachment_refused = True
                messages.error(
                    request,
                    _("Kladden er gemt, men filen er ikke vedhæftet: %(reason)s")
                    % {"reason": error.message},
                    extra_tags=AT_ATTACHMENTS,
                )
            else:
                messages.success(
                    request,
                    _("%(name)s er vedhæftet.") % {"name": attachment.original_name},
                    extra_tags=AT_ATTACHMENTS,
                )
        remove_id = id_param(request.POST.get("remove_attachment"))
        if remove_id is not None:
            anchor = "#bilag"
            attachment = get_object_or_404(application.attachments, pk=remove_id)
            try:
                do_remove_attachment(attachment=attachment, actor=request.user)
            except DomainError as error:
                messages.error(request, error.message, extra_tags=AT_ATTACHMENTS)
            else:
                messages.success(request, _("Bilaget er fjernet."), extra_tags=AT_ATTACHMENTS)
        return anchor

    def render_conflict(self, application, form, contacts, criteria, conflict):
        base = base_instance(application, self.request.POST.get("version"))
        application.refresh_from_db()
        saved_form = build_forms(application)[0]
        # Keep what the user typed, but let the next save go on top of the newer version;
        # fields this user did not touch take the colleague's values (no silent revert).
        data, taken = with_version(self.posted, application.version), []
        if base is not None:
            mine_form = build_forms(application, data)[0]
            data, taken = rebase(data, mine_form, build_forms(base)[0], saved_form)
        form, contacts, criteria = build_forms(application, data)
        form.is_valid()
        contacts.is_valid()
        criteria.is_valid()
        rows = []
        criteria_heading, contacts_heading = _("Succeskriterier"), _("Kontakt/tovholder")
        if criteria_heading in conflict.changed or "criteria" in self.rows_taken:
            saved_rows = [
                " ".join(
                    part
                    for part in (
                        c.text,
                        format_danish_number(c.target_value) if c.target_value is not None else "",
                        c.unit,
                    )
                    if part
                )
                for c in application.success_criteria.all()
            ]
            rows.append((criteria_heading, "\n".join(saved_rows) or _("(tomt)")))
        if contacts_heading in conflict.changed or "contacts" in self.rows_taken:
            saved_rows = [
                ", ".join(part for part in (c.name, c.email, c.phone) if part)
                for c in application.contacts.all()
            ]
            rows.append((contacts_heading, "\n".join(saved_rows) or _("(tomt)")))
        return self.render_forms(
            application,
            form,
            contacts,
            criteria,
            status=CONFLICT_STATUS,
            conflict={"changed": conflict.changed, "by": last_saved_by(application)},
            saved_version=saved_version(
                application, form, saved_form, extra_rows=rows, taken=taken
            ),
        )

    def render_forms(
        self, application, form, contacts, criteria, status=200, conflict=None, **extra
    ):
        short = uses_short_form(application)
        missing_years = [str(year) for year in years_without_pool(application)]
        context = self.get_context_data(
            **extra,
            application=application,
            form=form,
            contacts=contacts,
            criteria=criteria,
            conflict=conflict,
            attachments=application.attachments.all() if application.pk else [],
            returned_comment=returned_comment(application),
            funding_history=funding_chain(application),
            deadline_passed=deadline_passed(application),
            window_refusal=window_refusal(application) if application.pk else "",
            short_form=short,
            short_form_optional=SHORT_FORM_OPTIONAL,
            number=wording.heading_numbers(short),
            org=bool(application.organisation_id),
            years_without_pool=missing_years,
            years_without_pool_text=get_text_list(missing_years, _("og")),  # "2028 og 2029"
            attachment_messages_here=True,
            attachment_max_bytes=settings.ATTACHMENT_MAX_BYTES,
            attachment_limit=size_limit_label(),
        )
        return self.render_to_response(context, status=status)


class AutosaveView(ApplicationMixin, View):
    """Called by the form's script while the user types; the same save as the button."""

    def post(self, request, *args, **kwargs):
        application = self.get_application()
        form, contacts, criteria = build_forms(application, request.POST)
        if not (form.is_valid() and contacts.is_valid() and criteria.is_valid()):
            return autosave_refused(form, contacts, criteria)
        try:
            application = save_from_forms(request, application, form, contacts, criteria)
        except EditConflict as conflict:
            last = application.history.order_by("-history_date").values("history_user").first()
            by_me = last is not None and last["history_user"] == request.user.pk
            return JsonResponse(
                {
                    "saved": False,
                    "conflict": True,
                    # The same person in another tab is not "en anden" (fresh eyes round 16).
                    "message": str(
                        _(
                            "Du har gemt ansøgningen i et andet vindue, mens du skrev her. Det, "
                            "du har skrevet her, er ikke gemt endnu."
                        )
                        if by_me
                        else conflict.message
                    ),
                    "changed": conflict.changed,
                },
                status=409,
            )
        except DomainError as error:
            return JsonResponse({"saved": False, "message": str(error.message)}, status=400)
        return autosaved(application)


def autosave_refused(form, contacts, criteria) -> JsonResponse:
    """A background save that did not pass the forms: each refused field by its name in the
    form, so the page marks it at once, and named in the message (fresh eyes round 10:
    "ret de markerede felter" while nothing was marked)."""
    errors, labels = {}, []
    for one in (form, *contacts.forms, *criteria.forms):
        for name, refusals in one.errors.items():
            if name == "__all__" or name not in one.fields:
                continue
            errors[one.add_prefix(name)] = [str(refusal) for refusal in refusals]
            labels.append(str(one.fields[name].label or name))
    message = str(NOT_AUTOSAVED)
    if labels:
        message = f"{message} ({', '.join(dict.fromkeys(labels))})"
    return JsonResponse({"saved": False, "message": message, "errors": errors}, status=400)


def autosaved(application: Application) -> JsonResponse:
    saved_at = date_format(timezone.localtime(application.updated_at), "TIME_FORMAT")
    return JsonResponse(
        {
            "saved": True,
            "version": application.version,
            "message": _("Gemt automatisk kl. %(time)s") % {"time": saved_at},
            # {form prefix: id}: new rows get their ids, removed rows lose theirs.
            "row_ids": application.saved_row_ids,
            # A new application's first save made the draft: the page moves to its address.
            "edit_url": reverse("mine:edit", args=[application.pk]),
            "autosave_url": reverse("mine:autosave", args=[application.pk]),
        }
    )


def returned_comment(application: Application) -> StatusChange | None:
    if application.status != ApplicationStatus.RETURNED:
        return None
    return application.status_changes.filter(to_status=ApplicationStatus.RETURNED).last()


class SubmitView(ApplicationMixin, TemplateView):
    template_name = "grants/caseworker/submit.html"

    def get_context_data(self, **kwargs):
        application = self.get_application()
        refusal = None
        try:
            check_submission_window(application)
        except DomainError as error:
            refusal = error.message
        return super().get_context_data(
            application=application,
            missing=missing_for_submission(application),
            money_notes=money_notes(application),
            left_out=left_out_by_short_form(application),
            short_form=uses_short_form(application),
            documents_not_sent=get_text_list(documents_not_sent(application.organisation), _("og")),
            refusal=refusal,
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        if not may(request.user, "submit", self.get_application()):
            return redirect("mine:detail", pk=self.kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        application = self.get_application()
        try:
            do_submit(application_id=application.pk, actor=request.user)
        except DomainError as error:
            # Once: the submit page itself says why the pool takes nothing now (attack round
            # 21: the passed deadline stood twice, as a message and on the page).
            try:
                check_submission_window(application)
                on_the_page = None
            except DomainError as window:
                on_the_page = window.message
            if error.message != on_the_page:
                messages.error(request, error.message)
            return redirect("mine:submit", pk=application.pk)
        return redirect("mine:receipt", pk=application.pk)


class ApplicationDetailView(ApplicationMixin, DetailView):
    """Everything about one application: the printable copy, history, decision, reports."""

    template_name = "grants/caseworker/detail.html"
    context_object_name = "application"

    def get_object(self, queryset=None):
        return self.get_application()

    def get_context_data(self, **kwargs):
        application = self.object
        return super().get_context_data(
            history=applicant_history(application),
            requested=application.requested_amounts.all(),
            contacts=application.contacts.all(),
            criteria=application.success_criteria.all(),
            goals=application.goals.order_by("kind", "number"),
            attachments=application.attachments.all(),
            decision=getattr(application, "decision", None),
            reports=application.reports.all(),
            funding_history=funding_chain(application),
            # Why it came back, on the case's own page too (fresh eyes looked for it there).
            returned_comment=returned_comment(application),
            send_refusal=submission_refusal(application)
            if application.status == ApplicationStatus.DRAFT
            else "",
            **case_summary(application, side="applicant"),
            **kwargs,
        )


class ReceiptView(ApplicationDetailView):
    template_name = "grants/caseworker/receipt.html"

    def get_object(self, queryset=None):
        application = super().get_object(queryset)
        if application.submitted_at is None:
            raise Http404
        return application


class AskFirstMixin:
    """A confirmation page for an action the rules allow now; otherwise back to the case
    with why, before anything is asked (attack round 13: "Slet kladden?" was asked of a
    granted application, and refused only after the button)."""

    rule_action: str

    def get(self, request, *args, **kwargs):
        application = self.get_application()
        refused = refusal(request.user, self.rule_action, application)
        if refused is not None:
            messages.error(request, refused.message)
            return redirect("mine:detail", pk=application.pk)
        return super().get(request, *args, **kwargs)


class WithdrawView(AskFirstMixin, ApplicationMixin, TemplateView):
    template_name = "grants/caseworker/withdraw.html"
    rule_action = "withdraw"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", WithdrawForm())
        return super().get_context_data(application=self.get_application(), **kwargs)

    def post(self, request, *args, **kwargs):
        application = self.get_application()
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            do_withdraw(
                application_id=application.pk,
                actor=request.user,
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Ansøgningen er trukket tilbage."))
        return redirect("mine:detail", pk=application.pk)


class DeleteDraftView(AskFirstMixin, ApplicationMixin, TemplateView):
    """Delete a draft that was never submitted (asks first; the button posts)."""

    template_name = "grants/caseworker/delete_draft.html"
    rule_action = "delete"

    def get_context_data(self, **kwargs):
        return super().get_context_data(application=self.get_application(), **kwargs)

    def post(self, request, *args, **kwargs):
        application = self.get_application()
        try:
            title = do_delete_draft(application_id=application.pk, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("mine:detail", pk=application.pk)
        messages.success(
            request,
            _("Kladden »%(title)s« er slettet.") % {"title": title or _("(uden titel)")},
        )
        return redirect("mine:dashboard")


def caseworker_attachment(request, pk: int) -> Attachment:
    return get_object_or_404(
        Attachment.objects.filter(application__in=caseworker_applications(request.user)), pk=pk
    )


class AttachmentDownloadView(CaseworkerRequiredMixin, View):
    def get(self, request, pk: int):
        return attachment_response(caseworker_attachment(request, pk))


class ApplicationPdfView(ApplicationMixin, View):
    """The printable copy as a PDF file."""

    def get(self, request, *args, **kwargs):
        application = self.get_application()
        response = HttpResponse(application_pdf(application), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="ansoegning-{application.pk}.pdf"'
        return response
