"""Sign-in through a municipality's identity provider, the login page that offers it, and
sign-out that also offers the provider's logout."""

import logging
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from portal import auth_views as account
from portal import site, twofactor
from portal.backends import email_link_allowed

from . import oidc, selectors, services
from .models import IdentityProvider, ProviderKind, SignInOutcome

log = logging.getLogger(__name__)

LAST_PROVIDER_COOKIE = "seneste_login"
SESSION_BACKEND = "portal.backends.ProviderSessionBackend"
NEXT_KEY = "sso_next"
SSO_KEY = "sso"


class LoginView(account.LoginView):
    """The login page: "Log ind med <kommune>" for each provider (the last one used first),
    and the user name and password form while local passwords are on; when they are off,
    the form is only shown on the break-glass address (?noedadgang) for superusers."""

    template_name = "registration/login.html"

    def form_invalid(self, form):
        # Staff with the municipality's login have no portal password: after a wrong one,
        # point them to their button (fresh eyes round 16: Lars tried his password); and an
        # association's people to theirs (attack round 16). Beside the form, not as messages
        # above the error summary, which comes first in the page (issue 13).
        hints = []
        staff_providers = [p for p in selectors.offered_providers() if p.kind == ProviderKind.STAFF]
        if staff_providers:
            hints.append(
                _(
                    "Er du ansat i kommunen og har du ikke fået en adgangskode til portalen, så "
                    "log ind med din kommunes login: %(buttons)s."
                )
                % {
                    "buttons": ", ".join(
                        # The quotation marks are the language's: »…« in Danish, “…” in English.
                        _("»%(text)s«")
                        % {"text": _("Log ind med %(name)s") % {"name": p.button_text}}
                        for p in staff_providers
                    )
                }
            )
        if email_link_allowed():
            hints.append(
                _("Er du med i en forening, kan du også logge ind med et link på e-mail: %(link)s.")
                % {"link": _("»%(text)s«") % {"text": _("Log ind med e-mail")}}
            )
        self.failed_hints = hints
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        last_used = self.request.COOKIES.get(LAST_PROVIDER_COOKIE, "")
        offered = selectors.offered_providers(last_used)
        # Staff sign in with their municipality's login; associations with MitID Erhverv,
        # offered under "For foreninger".
        context["providers"] = [p for p in offered if p.kind != ProviderKind.APPLICANT]
        context["applicant_providers"] = [p for p in offered if p.kind == ProviderKind.APPLICANT]
        context["last_used"] = last_used
        context["failed_hints"] = getattr(self, "failed_hints", [])
        context["local_login"] = settings.LOCAL_PASSWORD_LOGIN
        context["break_glass"] = "noedadgang" in self.request.GET
        # Organisations' people: an e-mail link in development and the demo, exactly while
        # local passwords are on; production has MitID Erhverv among the providers.
        context["email_sign_in"] = email_link_allowed() and not context["break_glass"]
        # Coming from a pool's call page as an association (?som=forening): its way in
        # first, not below the staff's (fresh eyes round 10).
        # So does a link from the portal's mail to an association (its `next` says so).
        wanted = self.request.GET.get("som") == "forening" or "som=forening" in urlsplit(
            self.request.GET.get("next", "")
        ).query.split("&")
        context["association_first"] = wanted and bool(
            context["email_sign_in"] or context["applicant_providers"]
        )
        context["show_password_form"] = (
            settings.LOCAL_PASSWORD_LOGIN or context["break_glass"] or self.request.method == "POST"
        )
        if not context["break_glass"]:
            # The cursor does not jump to the form: the municipality buttons are the way in,
            # and the page first says who logs in here at all (fresh eyes, session 31: a
            # citizen's screen reader began at "Brugernavn", past "Borgere kan se alt
            # offentligt uden at logge ind"). The administrators' emergency page keeps it.
            context["form"].fields["username"].widget.attrs.pop("autofocus", None)
        return context


def _provider(slug: str) -> IdentityProvider:
    # A disabled provider is found too: its bookmark or a sign-in under way gets the
    # "not available" page with whom to ask, not "page not found".
    return get_object_or_404(IdentityProvider.objects.select_related("municipality"), slug=slug)


def _refused(request, provider, template="identity/refused.html", status=403, **context):
    return render(request, template, {"provider": provider, **context}, status=status)


def _unavailable(request, provider, outcome, detail):
    services.do_record_failure(provider=provider, outcome=outcome, detail=detail)
    return _refused(request, provider, "identity/unavailable.html", status=503)


class StartView(View):
    """Sends the person to the provider's sign-in, remembering the provider (cookie)."""

    def get(self, request, slug):
        provider = _provider(slug)
        if not provider.is_enabled:
            return _refused(request, provider, "identity/unavailable.html", status=503)
        return start(request, provider)


class CallbackView(View):
    """The provider's answer: verified, then the person signed in, refused or asked for the
    portal's second factor."""

    def get(self, request, slug):
        provider = _provider(slug)
        if not provider.is_enabled:
            return _unavailable(
                request, provider, SignInOutcome.DISABLED, "callback for a disabled provider"
            )
        return callback(request, provider)


REFUSAL_KEY = "sso_refusal"
REFUSAL_PAGES = {
    SignInOutcome.NO_ROLE: "identity/no_role.html",
    SignInOutcome.NOT_LINKED: "identity/not_linked.html",
    SignInOutcome.BLOCKED: "identity/blocked.html",
}


class RefusedView(View):
    """Why the provider's person was refused (no role, no association, blocked), from the
    session, so the page says the same on a reload."""

    def get(self, request, slug):
        provider = _provider(slug)
        refusal = request.session.get(REFUSAL_KEY) or {}
        template = REFUSAL_PAGES.get(refusal.get("outcome"))
        if template is None or refusal.get("provider") != provider.pk:
            return _refused(request, provider)
        context = {"cvr": refusal.get("cvr", "")}
        if refusal["outcome"] == SignInOutcome.NOT_LINKED:
            from grants.selectors import pools_open_to_associations

            context["pools"] = pools_open_to_associations(provider.municipality_id)
        if refusal["outcome"] in (SignInOutcome.NO_ROLE, SignInOutcome.NOT_LINKED):
            context["provider_logout"] = oidc.logout_url(
                provider, site.absolute(reverse("home"), request)
            )
        response = _refused(request, provider, template, **context)
        # The login page offers "Sidst brugt" for a way in that worked, not one that was just
        # refused (fresh eyes round 24).
        if request.COOKIES.get(LAST_PROVIDER_COOKIE) == provider.slug:
            response.delete_cookie(LAST_PROVIDER_COOKIE, samesite="Lax")
        return response


class LogoutView(View):
    """Ends the portal session; after a provider sign-in, offers the provider's logout."""

    def post(self, request):
        return logout(request)


def start(request, provider):
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        request.session[NEXT_KEY] = target
    else:
        request.session.pop(NEXT_KEY, None)
    redirect_uri = site.absolute(reverse("sso-callback", args=[provider.slug]), request)
    try:
        response = oidc.authorization_redirect(request, provider, redirect_uri)
    except (oidc.SignInFailed, ImproperlyConfigured) as error:
        log.error("Sign-in with %s cannot start: %s", provider.slug, error)
        return _unavailable(request, provider, SignInOutcome.UNAVAILABLE, str(error))
    response.set_cookie(
        LAST_PROVIDER_COOKIE,
        provider.slug,
        max_age=365 * 24 * 60 * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _already_signed_in(request):
    messages.info(request, _("Du er allerede logget ind."))
    return redirect(settings.LOGIN_REDIRECT_URL)


def _provider_error(request, provider):
    """The provider answered with an error instead of a code: cancelled or failed there."""
    error = re.sub(r"[^a-z_]", "", request.GET.get("error", "").lower())[:60]
    services.do_record_failure(
        provider=provider, outcome=SignInOutcome.CANCELLED, detail=f"error={error}"
    )
    if request.user.is_authenticated:
        return _already_signed_in(request)
    return _refused(
        request,
        provider,
        "identity/cancelled.html",
        status=400,
        cancelled=error in {"access_denied", "login_required", "interaction_required"},
    )


def callback(request, provider):
    if request.GET.get("error"):
        return _provider_error(request, provider)
    try:
        claims, _id_token = oidc.verified_claims(request, provider)
        result = services.do_sign_in(provider=provider, claims=claims)
    except ImproperlyConfigured as error:
        log.error("Sign-in with %s failed: %s", provider.slug, error)
        return _unavailable(request, provider, SignInOutcome.UNAVAILABLE, str(error))
    except (oidc.SignInFailed, services.WrongMunicipality) as error:
        log.warning("Sign-in with %s refused: %s", provider.slug, error)
        detail = (
            f"wrong municipality ({error})"
            if isinstance(error, services.WrongMunicipality)
            else error.explained
        )
        services.do_record_failure(
            provider=provider, outcome=SignInOutcome.INVALID_ANSWER, detail=detail
        )
        if request.user.is_authenticated:
            # A replayed or stale answer while signed in: the person is still signed in.
            return _already_signed_in(request)
        return _refused(request, provider, status=400)
    if not result.signed_in and request.user.is_authenticated:
        # The provider has just said who is at this browser, and that person is refused:
        # whoever was signed in before (a shared computer) must not stay signed in.
        auth_logout(request)
    if result.outcome in REFUSAL_PAGES:
        # Shown at an address of its own: reloading the callback (its code used up) said
        # "Login mislykkedes – kontakt IT-support" instead (fresh eyes round 10).
        request.session[REFUSAL_KEY] = {
            "provider": provider.pk,
            "outcome": result.outcome,
            "cvr": result.identity.cvr if result.identity else "",
        }
        return redirect("sso-refused", slug=provider.slug)
    if not result.signed_in:
        log.warning("Sign-in with %s refused: %s", provider.slug, result.outcome)
        return _refused(request, provider)

    user = result.user
    target = request.session.pop(NEXT_KEY, "") or reverse(settings.LOGIN_REDIRECT_URL)
    sso = {"provider": provider.pk}
    if result.needs_portal_code:
        # The provider did not assert a second factor: the portal's own, as for passwords.
        request.session[SSO_KEY] = sso
        pending = account.pending_sign_in(user, SESSION_BACKEND, target)
        pending["event"] = result.event_id  # made "Logget ind" when the code is given
        request.session[account.PENDING_KEY] = pending
        return redirect("login-verify")
    switched = request.user.is_authenticated and request.user.pk != user.pk
    auth_login(request, user, backend=SESSION_BACKEND)
    if switched:
        messages.info(
            request,
            _("Du er nu logget ind som %(name)s.") % {"name": user.get_full_name() or user},
        )
    request.session[SSO_KEY] = sso
    request.session[twofactor.PROVIDER_MFA_SESSION_KEY] = result.mfa_by_provider
    return redirect(target)


def logout(request):
    sso = request.session.get(SSO_KEY) or {}
    cancelled = account.cancel_pending_sign_in(request)  # "Afbryd og log ud" at the code step
    auth_logout(request)
    provider = IdentityProvider.objects.filter(pk=sso.get("provider")).first()
    if provider is None:
        messages.success(request, _("Du er logget ud."))
        return redirect(settings.LOGOUT_REDIRECT_URL)
    provider_logout = oidc.logout_url(provider, site.absolute(reverse("home"), request))
    return render(
        request,
        "identity/logged_out.html",
        {"provider": provider, "provider_logout": provider_logout, "cancelled": cancelled},
    )


class OwnSignInsView(LoginRequiredMixin, View):
    """The signed-in person's own sign-in history."""

    def get(self, request):
        return render(
            request,
            "identity/own_sign_ins.html",
            {"events": selectors.own_sign_ins(request.user)},
        )
