"""Organisations' people in development and the demo (issue 16, item 4): "Log ind med
e-mail", the sign-in link's landing page, and "Din forening" with the organisation's people
and "Inviter en kollega". Production signs them in with MitID Erhverv instead, so these pages
exist only while local sign-in is on (portal.backends.email_link_allowed).

The link's GET only shows a button: mail scanners that open links must not sign anyone in or
use the link up. The POST signs in; that changes the person's last sign-in, which the link
carries, so the link is used up (grants.services.people)."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import View

from grants.access import RoleRequiredMixin, organisation_document_response
from grants.forms.people import InviteColleagueForm, OrganisationDetailsForm, SignInLinkForm
from grants.organisations import colleague, organisation_people
from grants.services.errors import DomainError, each_error
from grants.services.organisations import DOCUMENT_FIELDS, do_update_organisation
from grants.services.people import (
    LINKS_PER_ADDRESS,
    Declined,
    NotAColleague,
    do_decline_sign_in_link,
    do_invite_colleague,
    do_open_sign_in_link,
    do_remove_colleague,
    do_send_sign_in_link,
    do_sign_in_with_link,
)
from portal import site
from portal.backends import email_link_allowed
from portal.client_ip import client_ip
from portal.models import Role
from portal.rate_limits import counted

BACKEND = "portal.backends.EmailLinkSessionBackend"
# Requests from one client address in a quarter of an hour; then "wait". Each address has its
# own, lower limit (LINKS_PER_ADDRESS); this one only stops one machine trying many addresses,
# and stays well above what an association's shared network or a proxy sends (fresh eyes
# round 10: ten requests from one office blocked everyone there).
REQUESTS_PER_CLIENT = 40
INVITES_PER_PERSON = 20  # a day
WINDOW_SECONDS = 15 * 60


def _safe_next(request, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _link_for(request, target: str = ""):
    def link_for(token: str) -> str:
        path = reverse("email-sign-in-link", args=[token])
        if target:
            path += "?" + urlencode({"next": target})
        return site.absolute(path, request)

    return link_for


class EmailOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not email_link_allowed():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class SignInLinkRequestView(EmailOnlyMixin, View):
    """Log ind med e-mail: the same answer whether the address is known or not."""

    template_name = "registration/email_sign_in.html"

    def get(self, request):
        target = _safe_next(request, request.GET.get("next", ""))
        return render(request, self.template_name, {"form": SignInLinkForm(), "next": target})

    def post(self, request):
        target = _safe_next(request, request.POST.get("next", ""))
        form = SignInLinkForm(request.POST)
        if not form.is_valid():
            context = {"form": form, "next": target}
            return render(request, self.template_name, context, status=400)
        if not counted(f"sign-in-client:{client_ip(request)}", REQUESTS_PER_CLIENT, WINDOW_SECONDS):
            form.add_error(
                None,
                _(
                    "Der er bedt om mange links fra denne forbindelse på kort tid. Vent et "
                    "kvarter, og prøv igen."
                ),
            )
            context = {"form": form, "next": target}
            return render(request, self.template_name, context, status=429)
        do_send_sign_in_link(email=form.cleaned_data["email"], link_for=_link_for(request, target))
        # The address as typed, so a typo is seen (fresh eyes round 12); it says nothing of
        # whether the address is known.
        context = {
            "next": target,
            "links_per_hour": LINKS_PER_ADDRESS,
            "email": form.cleaned_data["email"],
        }
        return render(request, "registration/email_sign_in_sent.html", context)


class SignInLinkView(EmailOnlyMixin, View):
    """The link from the e-mail: a button that signs in (GET changes nothing)."""

    template_name = "registration/email_sign_in_link.html"

    def person(self, token):
        try:
            return do_open_sign_in_link(token=token), ""
        except DomainError as error:
            return None, error.message

    def get(self, request, token):
        person, problem = self.person(token)
        context = {"person": person, "problem": problem}
        context["next"] = _safe_next(request, request.GET.get("next", ""))
        return render(request, self.template_name, context, status=200 if person else 400)

    def post(self, request, token):
        target = _safe_next(request, request.POST.get("next", ""))
        if "not_me" in request.POST:
            declined = do_decline_sign_in_link(token=token)
            if declined == Declined.SESSIONS_ENDED:
                # Someone had signed in with it (another tab, a copy of the mail): said, and
                # they are out (attack round 34: "nobody is signed in" while they were).
                messages.warning(
                    request,
                    _(
                        "Linket var allerede brugt til at logge ind. For en sikkerheds skyld er "
                        "alle, der var logget ind med din konto, nu logget ud, og linket virker "
                        "ikke længere. Var det dig selv, så bed om et nyt link."
                    ),
                )
            elif declined == Declined.LINK_ENDED:
                messages.info(
                    request,
                    _(
                        # "med det": someone else may be signed in in this browser (fresh
                        # eyes round 34).
                        "Tak. Linket virker ikke længere, og ingen er logget ind med det. Du "
                        "behøver ikke gøre mere."
                    ),
                )
            else:
                messages.info(request, _("Linket virker ikke længere. Du behøver ikke gøre mere."))
            return redirect("home")
        try:
            person = do_sign_in_with_link(token=token)
        except DomainError as error:
            context = {"person": None, "problem": error.message, "next": target}
            return render(request, self.template_name, context, status=400)
        auth_login(request, person, backend=BACKEND)
        messages.success(request, _("Du er logget ind."))
        return redirect(target or reverse("mine:dashboard"))


class OrganisationPeopleView(RoleRequiredMixin, View):
    """Din forening: the organisation, its people, and inviting a colleague."""

    required_role = Role.ORGANISATION
    template_name = "grants/caseworker/organisation.html"

    def render(self, request, form, status=200):
        organisation = request.user.organisation
        people = organisation_people(organisation)
        context = {
            "organisation": organisation,
            "people": people,
            "form": form,
            "can_invite": email_link_allowed(),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        if not request.user.is_organisation_person:
            raise Http404
        return self.render(request, InviteColleagueForm())

    def post(self, request):
        if not request.user.is_organisation_person or not email_link_allowed():
            raise Http404
        form = InviteColleagueForm(request.POST)
        if not form.is_valid():
            return self.render(request, form, status=400)
        if not counted(f"invite:{request.user.pk}", INVITES_PER_PERSON, 24 * 60 * 60):
            form.add_error(None, _("Du har inviteret mange i dag. Prøv igen i morgen."))
            return self.render(request, form, status=429)
        try:
            colleague = do_invite_colleague(
                actor=request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                link_for=_link_for(request),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            return self.render(request, form, status=400)
        messages.success(
            request,
            _("Vi har sendt et link til %(email)s. Med det kan %(name)s logge ind for foreningen.")
            % {"email": colleague.email, "name": colleague.get_full_name() or colleague.email},
        )
        return redirect("mine:organisation")


class RemoveColleagueView(RoleRequiredMixin, View):
    """Take a colleague's access away: GET asks "are you sure?" (a page, so it works without
    JavaScript), the POST from it removes."""

    required_role = Role.ORGANISATION
    template_name = "grants/caseworker/remove_colleague.html"

    def get(self, request, person_id):
        if not request.user.is_organisation_person:
            raise Http404
        person = colleague(request.user, person_id)
        if person is None:
            raise Http404
        return render(request, self.template_name, {"person": person})

    def post(self, request, person_id):
        if not request.user.is_organisation_person:
            raise Http404
        try:
            person = do_remove_colleague(actor=request.user, person_id=person_id)
        except NotAColleague:
            raise Http404 from None
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s kan ikke længere logge ind for foreningen.")
                % {"name": person.get_full_name() or person.email},
            )
        return redirect("mine:organisation")


class OrganisationDetailsView(RoleRequiredMixin, View):
    """Foreningens oplysninger: the association keeps its type, address, statutes and
    accounts; the municipality sees them on the association's applications."""

    required_role = Role.ORGANISATION
    template_name = "grants/caseworker/organisation_details.html"

    def render(self, request, form, status=200):
        context = {"organisation": request.user.organisation, "form": form}
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        if not request.user.is_organisation_person:
            raise Http404
        organisation = request.user.organisation
        form = OrganisationDetailsForm(
            initial={"kind": organisation.kind, "address": organisation.address}
        )
        return self.render(request, form)

    def post(self, request):
        if not request.user.is_organisation_person:
            raise Http404
        form = OrganisationDetailsForm(request.POST, request.FILES)
        if not form.is_valid():
            form.ask_for_files_again()
            return self.render(request, form, status=400)
        data = form.cleaned_data
        try:
            do_update_organisation(
                actor=request.user,
                address=data["address"],
                kind=data["kind"],
                files={name: data[name] for name in DOCUMENT_FIELDS},
                remove=frozenset(name for name in DOCUMENT_FIELDS if data[f"remove_{name}"]),
            )
        except DomainError as error:
            for one in each_error(error):
                form.add_error(one.field if one.field in form.fields else None, one.message)
            form.ask_for_files_again()
            return self.render(request, form, status=400)
        messages.success(request, _("Foreningens oplysninger er gemt."))
        return redirect("mine:organisation")


class OrganisationDocumentView(RoleRequiredMixin, View):
    """The association's own statutes or accounts."""

    required_role = Role.ORGANISATION

    def get(self, request, document):
        if not request.user.is_organisation_person:
            raise Http404
        return organisation_document_response(request.user.organisation, document)
