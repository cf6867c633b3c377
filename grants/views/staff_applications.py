"""Committee staff work on one application: review, return, recommend, decide, follow up."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from grants.access import (
    StaffRequiredMixin,
    attachment_response,
    get_staff_application,
    staff_applications,
)
from grants.audit import application_audit, changes_since_return
from grants.case_selectors import case_summary
from grants.documents.content import recommendation_document
from grants.forms.staff import (
    AgreementForm,
    CarryOverForm,
    CommentForm,
    ConflictForm,
    DecisionForm,
    OptionalCommentForm,
    RecommendForm,
    ReportRequestForm,
    ReviewForm,
)
from grants.models import ApplicationStatus, Attachment, Decision
from grants.notifications import told_applicant
from grants.rules import APPLICATION_ACTIONS, is_conflicted, may, refusal
from grants.selectors import (
    available_by_year,
    funding_chain,
    missing_following_pools,
    years_without_pool,
)
from grants.services.decisions import already_decided, do_record_decision
from grants.services.errors import Busy, DomainError, EditConflict, each_error
from grants.services.follow_up import (
    agreement_missing,
    do_activate,
    do_carry_over,
    do_close,
    do_record_agreement_signed,
    do_request_report,
)
from grants.services.review import (
    REOPEN_REVIEW_MESSAGE,
    do_declare_conflict,
    do_recommend,
    do_reopen_review,
    do_save_review,
    do_start_review,
    suggested_amounts,
)
from grants.services.workflow import do_return_for_changes
from grants.views.busy import BUSY_STATUS, lock_waits_as_busy
from grants.wording import decision_words
from portal.conflicts import CONFLICT_STATUS, saved_version, with_version
from portal.forms import read_only
from portal.money import ZERO, format_kroner

S = ApplicationStatus


class StaffApplicationView(StaffRequiredMixin, TemplateView):
    """Everything submitted, the reviews, the money, the history, and the next actions."""

    template_name = "grants/staff/application.html"

    def get_context_data(self, **kwargs):
        application = get_staff_application(self.request, self.kwargs["pk"])
        user = self.request.user
        conflicted = is_conflicted(user, application)
        # What this user may do now, action by action (grants.rules); the buttons follow it.
        can = {name: may(user, name, application) for name in APPLICATION_ACTIONS}
        reviews = application.reviews.select_related("reviewer").prefetch_related(
            "proposed_amounts"
        )
        decision = getattr(application, "decision", None)
        allocation_years = application.grant_years
        recommendation = getattr(application, "recommendation", None)
        audit = application_audit(application)
        return super().get_context_data(
            since_return=changes_since_return(application, audit),
            # A recommended year the scheme has no round for cannot be granted now: said
            # beside its amount (fresh eyes round 31: it went on to the committee as any).
            years_without_pool=set(years_without_pool(application))
            if recommendation is not None and decision is None
            else set(),
            application=application,
            conflicted=conflicted,
            can=can,
            any_action=any(can.values()),
            own_review=next((r for r in reviews if r.reviewer_id == user.pk), None),
            reviews=reviews,
            conflicts=application.conflicts.select_related("user"),
            recommendation=recommendation,
            decision=decision,
            carry_overs=application.carry_overs.select_related("from_pool", "to_pool"),
            reports=application.reports.all(),
            attachments=application.attachments.all(),
            history=application.status_changes.select_related("actor"),
            funding_history=funding_chain(application),
            audit=audit,
            needs_agreement=agreement_missing(decision),
            **case_summary(application, side="staff"),
            **{
                "return_form": CommentForm(),
                "conflict_form": ConflictForm(),
                "agreement_form": AgreementForm(),
                "report_request_form": ReportRequestForm(),
                "carry_over_form": (
                    CarryOverForm(years=allocation_years) if allocation_years else None
                ),
                "close_form": OptionalCommentForm(),
                **kwargs,  # a refused action's form, bound to what the user typed
            },
        )


def say_done(request, application, done, tells_applicant: bool, people=()) -> None:
    """The success message; after an action mailed to the applicant, also whether anyone
    could be told (a warning when not)."""
    if not tells_applicant:
        messages.success(request, done)
        return
    text, reached = told_applicant(application, str(done), people)
    (messages.success if reached else messages.warning)(request, text)


class ActionView(StaffRequiredMixin, View):
    """POST-only action on one application: validate a small form, call one service.

    Subclasses define `perform(application, form)` and may set `form_class`."""

    form_class = None
    form_name = ""  # the form's name on the application page, to show it again when refused
    success_message = ""
    tells_applicant = False  # the service mails the applicant: say whether anyone got it

    def form_kwargs(self, application) -> dict:
        return {}

    def refused(self, pk: int, form, status: int):
        """The application page again, with this form bound to what the user typed and its
        errors at the fields (nothing typed is lost on a refusal)."""
        page = StaffApplicationView()
        page.setup(self.request, pk=pk)
        context = page.get_context_data(**{self.form_name: form})
        return TemplateResponse(self.request, page.template_name, context, status=status)

    def post(self, request, pk: int):
        application = get_staff_application(request, pk)
        form = (
            self.form_class(request.POST, **self.form_kwargs(application))
            if self.form_class
            else None
        )
        if form is not None and not form.is_valid():
            messages.error(request, _("Intet er gemt. Ret de markerede felter."))
            return self.refused(pk, form, status=400)
        try:
            with lock_waits_as_busy():
                self.perform(application, form)
        except DomainError as error:
            messages.error(request, error.message)
            if form is not None and error.field in form.fields:
                form.add_error(error.field, error.message)  # next to the field as well
            if form is not None and self.form_name:
                status = BUSY_STATUS if isinstance(error, Busy) else 400
                return self.refused(pk, form, status=status)
        else:
            say_done(request, application, self.success_message, self.tells_applicant)
        return redirect("sekretariat:application", pk=pk)


class StartReviewView(ActionView):
    success_message = gettext_lazy("Ansøgningen er nu under behandling.")

    def perform(self, application, form):
        do_start_review(application_id=application.pk, actor=self.request.user)


class ReturnView(ActionView):
    form_class = CommentForm
    form_name = "return_form"
    success_message = gettext_lazy("Ansøgningen er sendt retur.")
    tells_applicant = True

    def perform(self, application, form):
        do_return_for_changes(
            application_id=application.pk,
            actor=self.request.user,
            comment=form.cleaned_data["comment"],
        )


class ReopenReviewView(ActionView):
    success_message = REOPEN_REVIEW_MESSAGE

    def perform(self, application, form):
        do_reopen_review(application_id=application.pk, actor=self.request.user)


class ConflictView(ActionView):
    form_class = ConflictForm
    form_name = "conflict_form"
    success_message = gettext_lazy(
        "Din inhabilitet er registreret. Du deltager ikke i behandlingen."
    )

    def perform(self, application, form):
        do_declare_conflict(
            application_id=application.pk,
            user=self.request.user,
            reason=form.cleaned_data["reason"],
        )


class AgreementView(ActionView):
    form_class = AgreementForm
    form_name = "agreement_form"
    success_message = gettext_lazy("Underskriften af samarbejdsaftalen er registreret.")

    def perform(self, application, form):
        do_record_agreement_signed(
            application_id=application.pk,
            actor=self.request.user,
            signed_on=form.cleaned_data["signed_on"],
        )


class ActivateView(ActionView):
    success_message = gettext_lazy("Indsatsen er sat i gang.")

    def perform(self, application, form):
        do_activate(application_id=application.pk, actor=self.request.user)


class CloseView(ActionView):
    form_class = OptionalCommentForm
    form_name = "close_form"
    success_message = gettext_lazy("Indsatsen er afsluttet.")

    def perform(self, application, form):
        do_close(
            application_id=application.pk,
            actor=self.request.user,
            comment=form.cleaned_data["comment"],
        )


class RequestReportView(ActionView):
    form_class = ReportRequestForm
    form_name = "report_request_form"
    success_message = gettext_lazy("Der er bedt om afrapportering.")
    tells_applicant = True

    def perform(self, application, form):
        do_request_report(
            application_id=application.pk,
            actor=self.request.user,
            kind=form.cleaned_data["kind"],
            due_date=form.cleaned_data["due_date"],
        )


class CarryOverView(ActionView):
    form_class = CarryOverForm
    form_name = "carry_over_form"
    success_message = gettext_lazy("Restmidlerne er overført til næste år.")

    def form_kwargs(self, application):
        return {"years": application.grant_years}

    def perform(self, application, form):
        do_carry_over(
            application_id=application.pk,
            actor=self.request.user,
            from_year=form.cleaned_data["from_year"],
            amount=form.cleaned_data["amount"],
            note=form.cleaned_data["note"],
        )


class FormPageView(StaffRequiredMixin, TemplateView):
    """A page with one form about one application (review, recommendation, decision).

    Subclasses define `action` (grants.rules), `get_form(application, data=None)` and
    `save(application, form)`. A user who may not do the action now is sent back with why."""

    action: str
    tells_applicant = False

    def render(self, application, form, status=200, **extra):
        context = self.get_context_data(application=application, form=form, **extra)
        return self.render_to_response(context, status=status)

    def conflict_object(self, application):
        """The row whose newer version caused the conflict (for who saved it and when)."""
        return application

    def render_conflict(self, application, mine_data):
        """Keep what this user typed; show the saved version next to it."""
        saved = self.get_form(application)
        mine = self.get_form(application, with_version(mine_data, saved.initial.get("version")))
        mine.is_valid()
        version = saved_version(self.conflict_object(application), mine, saved)
        return self.render(application, mine, status=CONFLICT_STATUS, saved_version=version)

    def get(self, request, pk: int):
        application = get_staff_application(request, pk)
        refused = self.refusal_of(application)
        if refused is not None:
            messages.error(request, refused.message)
            return redirect("sekretariat:application", pk=pk)
        return self.render(application, self.get_form(application))

    def refusal_of(self, application):
        return refusal(self.request.user, self.action, application)

    def post(self, request, pk: int):
        application = get_staff_application(request, pk)
        form = self.get_form(application, request.POST)
        refused = self.refusal_of(application)
        if refused is not None:
            # Before the form's own rules (which now ask the services'): a recused or
            # otherwise refused user hears why first, and sees what they typed to copy, in a
            # form that cannot be sent again.
            messages.error(request, refused.message)
            return self.render(application, read_only(form), status=400, refused=True)
        if not form.is_valid():
            messages.error(request, _("Intet er gemt. Ret de markerede felter."))
            return self.render(application, form, status=400)
        try:
            with lock_waits_as_busy():
                self.save(application, form)
        except EditConflict as conflict:
            messages.error(request, conflict.message)
            return self.render_conflict(application, request.POST)
        except Busy as error:
            messages.error(request, error.message)
            return self.render(application, form, status=BUSY_STATUS)
        except DomainError as refused_by_service:
            for error in each_error(refused_by_service):
                if error.field in form.fields:
                    # At its field and in the error summary, like the form's own errors (a
                    # banner as well would say the same thing twice).
                    form.add_error(error.field, error.message)
                else:
                    messages.error(request, error.message)
            return self.render(application, form, status=400)
        say_done(request, application, self.success_message, self.tells_applicant)
        return redirect("sekretariat:application", pk=pk)


class ReviewView(FormPageView):
    template_name = "grants/staff/review_form.html"
    success_message = gettext_lazy("Din bedømmelse er gemt.")
    action = "review"

    def get_form(self, application, data=None):
        review = application.reviews.filter(reviewer=self.request.user).first()
        return ReviewForm(data, application=application, review=review)

    def conflict_object(self, application):
        return application.reviews.filter(reviewer=self.request.user).first()

    def save(self, application, form):
        do_save_review(
            application_id=application.pk,
            reviewer=self.request.user,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
            amounts=form.amounts(),
            expected_version=form.cleaned_data["version"],
        )


class RecommendView(FormPageView):
    template_name = "grants/staff/recommend_form.html"
    action = "recommend"
    success_message = gettext_lazy("Ansøgningen er indstillet til udvalget.")

    def get_form(self, application, data=None):
        return RecommendForm(
            data, application=application, suggested=suggested_amounts(application)
        )

    def get_context_data(self, **kwargs):
        # Said here already, not first on the decision form (fresh eyes round 18: 2028 was
        # recommended without a word, though no 2028 pool existed).
        application = kwargs["application"]
        return super().get_context_data(
            missing_pools=missing_following_pools(application.pool, application), **kwargs
        )

    def save(self, application, form):
        do_recommend(
            application_id=application.pk,
            actor=self.request.user,
            summary=form.cleaned_data["summary"],
            amounts=form.amounts(),
        )
        # Recommending more than the pool has is allowed (the committee decides, and the
        # decision is refused beyond the money), but said at once, not only on the pool's
        # recommendation page (attack round 8).
        doc = recommendation_document(application.pool, staff_applications(self.request.user))
        for total in doc.totals:
            if total["remaining"] is not None and total["remaining"] < 0:
                messages.warning(
                    self.request,
                    _(
                        "Bemærk: puljens indstillinger for %(year)s er nu %(over)s over det, "
                        "puljen har til rådighed. Udvalget kan ikke bevilge dem alle."
                    )
                    % {"year": total["year"], "over": format_kroner(-total["remaining"])},
                )


class DecisionView(FormPageView):
    template_name = "grants/staff/decision_form.html"
    action = "decide"
    success_message = gettext_lazy("Afgørelsen er registreret.")
    tells_applicant = True

    def get_context_data(self, **kwargs):
        application = kwargs["application"]
        deadline = application.pool.application_deadline
        return super().get_context_data(
            missing_pools=missing_following_pools(application.pool, application),
            # Deciding before the deadline is allowed (delegation, urgent cases) but said:
            # the receipt told applicants the pool is decided after it (fresh eyes round 16).
            deadline_ahead=deadline if deadline and timezone.now() < deadline else None,
            recommendation=getattr(application, "recommendation", None),
            # A request still unanswered: the applicant may be writing the answer (round 17).
            open_request_count=application.information_requests.filter(
                answered_at__isnull=True
            ).count(),
            **kwargs,
        )

    def refusal_of(self, application):
        # A second decision (two tabs, two colleagues) hears what was decided, by whom.
        decided = Decision.objects.filter(application=application).first()
        return already_decided(decided) if decided else super().refusal_of(application)

    def get_form(self, application, data=None):
        recommendation = getattr(application, "recommendation", None)
        suggested = (
            {row.year: row.amount for row in recommendation.amounts.all()}
            if recommendation
            else suggested_amounts(application)
        )
        if recommendation and recommendation.predates_changes:
            # Never more than is asked now, after the changes (fresh eyes round 28).
            requested = {row.year: row.amount for row in application.requested_amounts.all()}
            suggested = {y: min(a, requested.get(y, ZERO)) for y, a in suggested.items()}
        return DecisionForm(
            data,
            application=application,
            suggested=suggested,
            available=available_by_year(application),
        )

    def save(self, application, form):
        self.success_message = decision_words(application, "recorded")
        data = form.cleaned_data
        do_record_decision(
            application_id=application.pk,
            outcome=data["outcome"],
            actor=self.request.user,
            amounts={y: a for y, a in form.amounts().items() if a is not None},
            committee=data.get("committee"),
            meeting_date=data.get("meeting_date"),
            message=data["message"],
            reasons=data["reasons"],
            appeal_guidance=data["appeal_guidance"],
            under_delegation=data.get("under_delegation", False),
            conditions_text=data["conditions_text"],
        )


class StaffAttachmentView(StaffRequiredMixin, View):
    def get(self, request, pk: int):
        attachment = get_object_or_404(
            Attachment.objects.filter(application__in=staff_applications(request.user)), pk=pk
        )
        return attachment_response(attachment)
