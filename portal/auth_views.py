"""Login in two steps for staff with two-factor authentication, setup of the authenticator
app and backup codes, and "log out everywhere"."""

import re
import time

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django_otp import login as otp_login

from . import twofactor
from .account_log import note_wrong_code, notify_second_factor_change
from .sessions import do_log_out_everywhere

PENDING_KEY = "pending_2fa"
PENDING_SECONDS = 5 * 60
# The backup-codes form shares the setup page with the app form: its own field names and ids.
CODES_PREFIX = "codes"
OFF_PREFIX = "off"


def wait_message(seconds: int) -> str:
    """django-otp makes each wrong code wait a little longer (1, 2, 4 … seconds): said
    calmly, not as an alarm after one typo (fresh eyes round 12)."""
    # The number is of seconds, not of codes (fresh eyes round 25 read "en forkert kode"
    # after six): one wording for any number of codes.
    return ngettext(
        "Efter en forkert kode skal du vente lidt: prøv igen om %(n)s sekund.",
        "Efter en forkert kode skal du vente lidt: prøv igen om %(n)s sekunder.",
        seconds,
    ) % {"n": seconds}


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Kode"),
        max_length=20,
        help_text=gettext_lazy(
            "Den 6-cifrede kode fra din godkendelsesapp eller en af dine 8-cifrede reservekoder."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        # A code of neither shape is a typo: said so, and not tried or logged as a wrong
        # code (fresh eyes round 31: "12345" was "forkert eller udløbet").
        token = "".join(self.cleaned_data["token"].split())
        if not re.fullmatch(r"[0-9]{6}|[0-9]{8}", token):
            raise forms.ValidationError(
                _("Skriv de 6 cifre fra godkendelsesappen eller en reservekode på 8 cifre.")
            )
        return token


class ProofForm(forms.Form):
    """Before the second factor changes (a new app, new backup codes): the password again, for
    those who sign in with one, and a code from the app or backup codes the user has now. A
    verified session alone is no proof: its holder could lock the owner out (attack round 7).
    The code is checked by the service (portal.twofactor), the password here."""

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        user = request.user
        if twofactor.has_second_factor(user):
            self.fields["current_token"] = forms.CharField(
                label=gettext_lazy("Kode fra din nuværende app eller en reservekode"),
                max_length=20,
                help_text=gettext_lazy(
                    "Har du ikke telefonen med appen ved hånden, så brug en af dine 8-cifrede "
                    "reservekoder."
                ),
                widget=forms.TextInput(
                    attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
                ),
            )
        if twofactor.password_needed(user):
            self.fields["password"] = forms.CharField(
                label=gettext_lazy("Din adgangskode"),
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )

    def clean_password(self):
        password = self.cleaned_data["password"]
        # Through the backends, so django-axes counts a wrong one as a failed login: a session
        # thief cannot guess the password here without being locked out.
        user = authenticate(
            self.request, username=self.request.user.get_username(), password=password
        )
        if user is None or user.pk != self.request.user.pk:
            raise forms.ValidationError(_("Adgangskoden er forkert."))
        return password

    def refuse(self, refusal: twofactor.SecondFactorRefused) -> None:
        if refusal.wait:
            message = wait_message(refusal.wait)
        elif refusal.used_backup_code:
            message = USED_BACKUP_CODE
        elif refusal.field == "token":
            message = _("Koden passer ikke. Tjek uret på telefonen, og prøv igen.")
        else:
            message = _("Koden er forkert eller udløbet. Prøv igen.")
        self.add_error(refusal.field if refusal.field in self.fields else None, message)


class SetupTokenForm(ProofForm):
    """The first code from the new app (and the proof, when it replaces a second factor)."""

    token = forms.CharField(
        label=gettext_lazy("Kode fra den nye app"),
        max_length=20,
        help_text=gettext_lazy("Den 6-cifrede kode, som godkendelsesappen viser."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        # A code of the wrong shape is a typo, not a clock out of step (fresh eyes round 10:
        # "12345" was answered "Tjek uret på telefonen").
        token = "".join(self.cleaned_data["token"].split())
        if not re.fullmatch(r"[0-9]{6}", token):
            raise forms.ValidationError(_("Koden er de 6 cifre, som appen viser lige nu."))
        return token


def cancel_pending_sign_in(request) -> bool:
    """The person gave up at the code step: the half-done sign-in is dropped, and the sign-in
    log says it was given up (fresh eyes round 30: it read as if broken off). True when
    there was one."""
    pending = request.session.pop(PENDING_KEY, None)
    if pending:
        twofactor.second_factor_cancelled.send(
            sender=cancel_pending_sign_in, request=request, pending=pending
        )
    return bool(pending)


def pending_sign_in(user, backend: str, target: str) -> dict:
    """The session's record of a sign-in that waits for the second step (VerifyView)."""
    return {"user": user.pk, "backend": backend, "next": target, "at": time.time()}


def paused_error(ends) -> forms.ValidationError:
    """Password sign-in for the name is paused until `ends` (portal.lockouts)."""
    from portal.lockouts import whole_minute_after

    return forms.ValidationError(
        _(
            "Der er skrevet forkert adgangskode til dette brugernavn for mange gange fra "
            "flere steder. For en sikkerheds skyld kan der ikke logges ind med "
            "adgangskode før kl. %(until)s. Har du en anden måde at logge ind på – din "
            "kommunes login eller et link pr. e-mail – så brug den; ellers kan en "
            "administrator ophæve spærringen."
        )
        % {"until": time_format(whole_minute_after(ends), "TIME_FORMAT")},
        code="paused",
    )


class PortalAuthenticationForm(auth_forms.AuthenticationForm):
    """Django's sign-in form in plain Danish (fresh eyes round 14: "versalfølsomme")."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "Brugernavnet eller adgangskoden er forkert. Store og små bogstaver tæller."
        ),
    }

    def clean(self):
        # Guessed at from many addresses (portal.lockouts): the password is not even tried,
        # the right one neither, until the pause ends. Said for a name no user has too, so
        # the answer tells nobody which names exist.
        from portal.backends import lockout_username
        from portal.lockouts import password_paused, password_paused_until

        typed = self.cleaned_data.get("username")
        name = lockout_username(self.request, {"username": typed}) if typed else None
        if name and (ends := password_paused_until(name)):
            user = get_user_model().objects.filter(username=typed).first()
            if user is not None:
                password_paused.send(sender=type(self), user=user)
            raise paused_error(ends)
        return super().clean()


class LoginView(auth_views.LoginView):
    """Step 1: user name and password. Users with an authenticator app go on to step 2."""

    redirect_authenticated_user = True
    authentication_form = PortalAuthenticationForm

    def get(self, request, *args, **kwargs):
        # "Afbryd og log ind som en anden" drops the half-done sign-in (password given, code
        # not yet): it was left waiting for the next person at a shared computer (fresh eyes
        # round 11). Only that link: the login page a second tab is sent to while the code
        # is asked for must not end the sign-in (fresh eyes round 30).
        if request.GET.get("afbryd") and cancel_pending_sign_in(request):
            # Said, so the page is not taken for the start of the same sign-in (round 31).
            messages.info(request, _("Login er afbrudt. Du kan logge ind igen, også som en anden."))
        return super().get(request, *args, **kwargs)

    def form_invalid(self, form):
        """Warn before the wrong password that locks (fresh eyes round 13: the lockout came
        without warning and cut a caseworker off for half an hour)."""
        from axes.handlers.proxy import AxesProxyHandler
        from django.conf import settings

        from portal.backends import lockout_username
        from portal.lockouts import password_paused_until

        typed = form.data.get("username", "")
        # Paused after guesses from many places: the form says so, and "N forsøg tilbage"
        # from this address beside it would contradict it (fresh eyes round 23).
        paused = typed and password_paused_until(
            lockout_username(self.request, {"username": typed})
        )
        if paused and not form.has_error(NON_FIELD_ERRORS, "paused"):
            # This wrong password started the pause: said now, not at the next try (last
            # check, round 23: it was answered as an ordinary wrong password).
            form.add_error(None, paused_error(paused))
        if typed and not paused:
            failures = AxesProxyHandler.get_failures(self.request, {"username": typed})
            left = settings.AXES_FAILURE_LIMIT - failures
            if 0 < left <= 2:
                # A warning beside the form's error, not a second error to "correct".
                messages.warning(
                    self.request,
                    ngettext(
                        "Du har %(left)s forsøg tilbage. Derefter kan du ikke logge ind de "
                        "næste %(minutes)s minutter.",
                        "Du har %(left)s forsøg tilbage. Derefter kan du ikke logge ind de "
                        "næste %(minutes)s minutter.",
                        left,
                    )
                    % {"left": left, "minutes": round(settings.AXES_COOLOFF_TIME * 60)},
                )
        return super().form_invalid(form)

    def form_valid(self, form):
        user = form.get_user()
        if not twofactor.has_two_factor(user):
            return super().form_valid(form)
        pending = pending_sign_in(user, user.backend, self.get_success_url())
        # The sign-in log records the half-done sign-in (and keeps its id in `pending`).
        twofactor.second_factor_asked.send(
            sender=LoginView, user=user, request=self.request, pending=pending
        )
        self.request.session[PENDING_KEY] = pending
        return redirect("login-verify")


# A backup code works once; typed again it is not "wrong" (fresh eyes round 19).
USED_BACKUP_CODE = gettext_lazy(
    "Den reservekode er allerede brugt: hver reservekode virker kun én gang. Brug en af dine "
    "andre reservekoder eller koden fra appen."
)


class VerifyView(View):
    """Step 2: the code from the app (or a backup code)."""

    template_name = "registration/otp_verify.html"

    def pending_user(self, request):
        pending = request.session.get(PENDING_KEY)
        if not pending or time.time() - pending["at"] > PENDING_SECONDS:
            request.session.pop(PENDING_KEY, None)
            return None, None
        return get_user_model().objects.filter(pk=pending["user"], is_active=True).first(), pending

    def context(self, pending, form) -> dict:
        # After the municipality's login, giving up here ends the session there too (its
        # logout is offered), or the next person at a shared computer comes back in as this
        # one (fresh eyes round 28); after a password, the login page is enough.
        via_provider = pending["backend"] == "portal.backends.ProviderSessionBackend"
        return {"form": form, "via_provider": via_provider}

    def get(self, request):
        user, pending = self.pending_user(request)
        if user is None:
            return redirect("login")
        return render(request, self.template_name, self.context(pending, TokenForm()))

    def post(self, request):
        user, pending = self.pending_user(request)
        if user is None:
            messages.error(request, _("Log ind igen: der gik for lang tid."))
            return redirect("login")
        form = TokenForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self.context(pending, form), status=400)
        # While django-otp throttles after a wrong code, even the right one is refused: say
        # so instead of "wrong code" (the code is not tried, so the wait does not grow).
        token = form.cleaned_data["token"]
        wait = twofactor.throttled_seconds(user)
        device = None
        if not wait:
            try:
                device = twofactor.match_token(user, token)
            except twofactor.CodeNotTried:
                wait = max(1, twofactor.throttled_seconds(user))
        if device is None:
            if wait:
                form.add_error("token", wait_message(wait))
                # Not tried, so not wrong; but on record, as every refused try (fresh eyes
                # round 31: a right code turned away by the wait left no trace).
                twofactor.second_factor_failed.send(
                    sender=VerifyView, user=user, request=request, pending=pending, waited=True
                )
            elif twofactor.backup_code_already_used(user, token):
                form.add_error("token", USED_BACKUP_CODE)
                twofactor.second_factor_failed.send(
                    sender=VerifyView, user=user, request=request, pending=pending, used=True
                )
            elif twofactor.code_already_used(user, token):
                form.add_error(
                    "token",
                    _("Koden er allerede brugt. Vent på den næste kode i appen, og skriv den."),
                )
                twofactor.second_factor_failed.send(
                    sender=VerifyView, user=user, request=request, pending=pending, used=True
                )
            else:
                form.add_error("token", _("Koden er forkert eller udløbet. Prøv igen."))
                # Only a code that was tried and wrong is logged as one (fresh eyes round
                # 13: the right code typed during the wait was counted as wrong).
                twofactor.second_factor_failed.send(
                    sender=VerifyView, user=user, request=request, pending=pending
                )
                note_wrong_code(user)
            # A refused code is of no more use: the field is left empty for the next one
            # (recheck round 32); a typo (above) stays to be corrected.
            form.data = form.data.copy()
            form.data["token"] = ""  # nosec B105 - the emptied code field, not a password
            return render(request, self.template_name, self.context(pending, form), status=400)
        del request.session[PENDING_KEY]
        twofactor.second_factor_passed.send(
            sender=VerifyView,
            user=user,
            request=request,
            pending=pending,
            backup_code=twofactor.is_backup_device(device),
        )
        auth_login(request, user, backend=pending["backend"])
        otp_login(request, device)
        if device.persistent_id.startswith("otp_static"):
            # A backup code is the way in of someone without the phone: its owner hears of
            # it, in case it was not them (fresh eyes round 16).
            notify_second_factor_change(user=user, what="backup_code_used")
            messages.warning(
                request,
                _("Du har brugt en reservekode. Du har %(n)s tilbage.")
                % {"n": twofactor.remaining_backup_codes(user)},
            )
        target = pending["next"]
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("start")
        return redirect(target)


class SetupView(LoginRequiredMixin, View):
    """Set up the authenticator app: scan the QR code, type a code to confirm."""

    template_name = "registration/otp_setup.html"

    def dispatch(self, request, *args, **kwargs):
        # An association's people sign in with MitID Erhverv (or an e-mailed link): the
        # portal has no password or second factor of theirs to manage.
        if request.user.is_authenticated and request.user.is_organisation_person:
            # Said, not a silent jump (fresh eyes round 34).
            messages.info(
                request,
                _(
                    "Foreninger logger ind med MitID Erhverv eller et link i e-mail, så der er "
                    "ingen adgangskode eller totrinslogin at indstille i portalen."
                ),
            )
            return redirect("mine:organisation")
        return super().dispatch(request, *args, **kwargs)

    def context(self, request, form=None, codes_form=None, off_form=None):
        device = twofactor.pending_app_device(request.user)
        return {
            "form": form or SetupTokenForm(request=request),
            "codes_form": codes_form or ProofForm(request=request, prefix=CODES_PREFIX),
            "off_form": off_form or ProofForm(request=request, prefix=OFF_PREFIX),
            "qr_code": twofactor.qr_code_data_uri(device),
            "secret": twofactor.secret_key(device),
            "has_two_factor": twofactor.has_two_factor(request.user),
            "remaining_codes": twofactor.remaining_backup_codes(request.user),
            "required": twofactor.requires_two_factor(request.user),
            # Whether this portal requires it of staff at all (REQUIRE_STAFF_2FA).
            "staff_required": twofactor.required_for_staff(),
            # Signed in through the municipality's login: no portal password to pair with.
            "provider_user": not request.user.has_usable_password(),
            # This sign-in's two steps were the provider's: nothing to set up now (fresh
            # eyes round 18: lars-mfa was shown the set-up as if he had to).
            "provider_mfa": twofactor.verified_by_provider(request),
        }

    def get(self, request):
        return render(request, self.template_name, self.context(request))

    def post(self, request):
        if "new_codes" in request.POST:
            return self.new_codes(request)
        if "turn_off" in request.POST:
            return self.turn_off(request)
        form = SetupTokenForm(request.POST, request=request)
        if form.is_valid():
            try:
                codes = twofactor.do_set_up_app(
                    user=request.user,
                    new_token=form.cleaned_data["token"],
                    current_token=form.cleaned_data.get("current_token", ""),
                )
            except twofactor.SecondFactorRefused as refusal:
                form.refuse(refusal)
        if not form.is_valid():
            return render(request, self.template_name, self.context(request, form), status=400)
        device = twofactor.TOTPDevice.objects.get(user=request.user, confirmed=True)
        otp_login(request, device)
        messages.success(request, _("Totrinslogin er slået til."))
        return render(request, "registration/otp_backup_codes.html", {"codes": codes})

    def with_proof(self, request, prefix: str, form_key: str, service):
        """A change of the second factor that needs the proof (ProofForm): the service's
        result, or the page again with the form's errors (None)."""
        form = ProofForm(request.POST, request=request, prefix=prefix)
        result = None
        if form.is_valid():
            try:
                result = service(
                    user=request.user, current_token=form.cleaned_data.get("current_token", "")
                )
            except twofactor.SecondFactorRefused as refusal:
                form.refuse(refusal)
        if not form.is_valid():
            context = self.context(request, **{form_key: form})
            return None, render(request, self.template_name, context, status=400)
        return result, None

    def new_codes(self, request):
        codes, refused = self.with_proof(
            request, CODES_PREFIX, "codes_form", twofactor.do_new_backup_codes
        )
        if refused is not None:
            return refused
        return render(request, "registration/otp_backup_codes.html", {"codes": codes})

    def turn_off(self, request):
        _result, refused = self.with_proof(
            request, OFF_PREFIX, "off_form", twofactor.do_turn_off_two_factor
        )
        if refused is not None:
            return refused
        messages.success(request, _("Totrinslogin er slået fra. Du kan slå det til igen her."))
        return redirect("two-factor-setup")


class LogoutEverywhereView(LoginRequiredMixin, View):
    """Ends every session of the user on every device (e.g. after a lost phone)."""

    def post(self, request):
        had_calendar = request.user.is_committee_staff
        do_log_out_everywhere(actor=request.user)
        auth_logout(request)
        messages.success(
            request,
            # Every staff member has an address whether or not they ever used it (fresh
            # eyes round 33: "du har lavet" to someone who never had).
            _(
                "Du er logget ud på alle enheder. Din kalenderadresse til årshjulet er "
                "også skiftet: har du brugt den, så hent den nye på siden Årshjul."
            )
            if had_calendar  # only staff have the yearly calendar (fresh eyes round 13)
            else _("Du er logget ud på alle enheder."),
        )
        return redirect("login")


def admin_login(request):
    """The Django admin has no login of its own: its door is the portal's, where the second
    factor, the identity providers and the switch for local passwords apply. Django's admin
    login form signed a user with an authenticator app straight in (found by an attacker)."""
    if request.user.is_authenticated:
        # Signed in but not let into the admin (it sends such users here): the portal's login
        # would send them straight back, round and round (fresh eyes: a redirect loop).
        raise PermissionDenied
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    return redirect_to_login(target, login_url=reverse("login"))
