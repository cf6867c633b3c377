"""Danish unless the user has chosen otherwise."""

from django.conf import settings
from django.core import signing
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import resolve_url
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but the browser's Accept-Language is not a choice:
    a Danish public service speaks Danish until the user picks English with the switch,
    which is remembered in the language cookie. Addresses carry no language prefix."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RequireStaffTwoFactorMiddleware:
    """With REQUIRE_STAFF_2FA on, committee staff and administrators must set up and use
    their authenticator app before they can see anything but the login and setup pages,
    unless their identity provider asserted a second factor at this sign-in."""

    # The accessibility statement is linked from every page, this one too (the law asks it).
    ALLOWED_PREFIXES = (
        "/login/",
        "/logout/",
        "/konto/totrinslogin/",
        "/static/",
        "/i18n/",
        "/tilgaengelighed/",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login
        from django.shortcuts import redirect
        from django.utils.translation import gettext as _

        from . import twofactor

        user = request.user
        # Until the second factor is set up or given, every page but these leads back here:
        # the menu hides its links meanwhile (fresh eyes round 24: each led straight back).
        request.two_factor_pending = (
            twofactor.requires_two_factor(user)
            and not user.is_verified()
            and not twofactor.verified_by_provider(request)
        )
        if request.two_factor_pending and not request.path.startswith(self.ALLOWED_PREFIXES):
            if twofactor.has_two_factor(user):
                logout(request)
                messages.info(
                    request,
                    _(
                        "Log ind igen: først med dit brugernavn eller din kommunes login, "
                        "derefter med koden fra godkendelsesappen."
                    ),
                )
                return redirect_to_login(request.get_full_path())
            messages.info(request, _("Slå totrinslogin til, før du fortsætter."))
            return redirect("two-factor-setup")
        return self.get_response(request)


class RejectNullCharactersMiddleware:
    """A NUL character in a query parameter is never meaningful and PostgreSQL refuses it in
    a lookup: answer 400 at once instead of failing deep in a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import JsonResponse
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            if request.path.startswith("/api/"):  # programs get the API's JSON errors
                return JsonResponse({"detail": _("Ugyldigt tegn i adressen.")}, status=400)
            return render(request, "400.html", status=400)
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """Django answers a GET to a POST-only address with an empty 405; give it the portal's
    page, in the visitor's language, keeping the `Allow` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.template.loader import render_to_string

        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response


class PrivatePagesMiddleware:
    """Pages for a signed-in person (applications, reviews, personal data) must not be kept by
    a shared proxy or the browser's back-forward cache on a shared computer: `private,
    no-store` unless the view said otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils.cache import patch_cache_control

        response = self.get_response(request)
        # The session cookie, not request.user: asking for the user would load the session
        # and the user on every cached public page a signed-in person opens.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and not response.has_header(
            "Cache-Control"
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response


SIGNED_IN_COOKIE = "portal_signed_in"


class SessionEndedNoticeMiddleware:
    """Says so on the login page when a session was ended by something other than the
    person's own "Log ud": expired, ended on every device, the second factor removed by an
    administrator, access changed (fresh eyes round 15: they just landed on the login page).

    A signed-in browser carries a small cookie beside the session's; the person's own
    sign-out removes it with the session. A browser that comes to the login page signed out
    but still carrying it lost its session some other way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib import messages
        from django.urls import reverse
        from django.utils.translation import gettext as _

        was_signed_in = request.user.is_authenticated
        if (
            not was_signed_in
            and request.COOKIES.get(SIGNED_IN_COOKIE)
            and request.method == "GET"
            and request.path == reverse("login")
        ):
            messages.info(
                request,
                _(
                    "Du er blevet logget ud. Det sker, når du ikke har brugt portalen et stykke "
                    "tid, når du eller en administrator har logget dig ud på alle enheder, eller "
                    "når din adgang eller dit totrinslogin er ændret. Log ind igen."
                ),
            )
            response = self.get_response(request)
            response.delete_cookie(SIGNED_IN_COOKIE)
            return response
        response = self.get_response(request)
        if not was_signed_in and request.method == "POST" and _sent_to_log_in(request, response):
            # What was sent is not saved, and the login page says so (fresh eyes round 33:
            # signed out in one tab, "Gem" in another landed on the login page in silence).
            # The big forms keep it across the login instead (grants.views.rescue).
            messages.warning(
                request,
                _(
                    "Du var ikke logget ind, så det, du sendte, er ikke gemt. Log ind, og "
                    "gør det igen."
                ),
            )
        # The read API (Django REST framework) leaves no user on the request.
        if getattr(request.user, "is_authenticated", False):
            response.set_cookie(
                SIGNED_IN_COOKIE,
                # Whose it was, signed: a form kept across the login goes back only to them
                # (grants.views.rescue; attack round 33).
                signing.dumps(request.user.pk, salt=SIGNED_IN_SALT),
                max_age=None
                if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
                else settings.SESSION_COOKIE_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        elif was_signed_in or request.path == reverse("logout"):
            # Signed out by this request (the person's own "Log ud", or the portal saying
            # why), or "Log ud" pressed after the session had already ended elsewhere.
            response.delete_cookie(SIGNED_IN_COOKIE)
        return response


# The session key under which a big form's post is kept across the login (grants.views.rescue).
RESCUE_KEY = "rescued_post"
SIGNED_IN_SALT = "portal.signed-in"


def signed_in_user_id(request) -> int | None:
    """The user whose session this browser had when it ended (the signed-in marker beside
    the session's cookie), or None: never signed in here, or signed out on purpose."""
    value = request.COOKIES.get(SIGNED_IN_COOKIE)
    if not value:
        return None
    try:
        return int(signing.loads(value, salt=SIGNED_IN_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _sent_to_log_in(request, response) -> bool:
    """An anonymous post answered with the way to the login page, and not kept for after it."""
    if response.status_code != 302:
        return False
    login = resolve_url(settings.LOGIN_URL)
    if response.get("Location", "").split("?", 1)[0] != login:
        return False
    kept = request.session.get(RESCUE_KEY) if hasattr(request, "session") else None
    return not (kept and kept.get("path") == request.path)


def open_data(path: str) -> bool:
    """The addresses of the open data (PolicyHeadersMiddleware)."""
    return path.startswith(("/api/", "/data/")) or (
        path.startswith("/barometer/indikator/") and path.endswith(".csv")
    )


class PolicyHeadersMiddleware:
    """Headers Django has no setting for (attack round 14):
    - Permissions-Policy: the portal uses no camera, microphone, location, payment or USB,
      so no page (nor anything injected into one) may ask for them;
    - the open data may be read from any web page: the API, the files under /data/ and the
      indicators' CSV files (`open_data`), public, read-only and never using cookies (`*`
      does not send credentials). One place, so a new download is open too (fresh eyes
      round 22: the indicator CSVs were not)."""

    PERMISSIONS = (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        "interest-cohort=(), browsing-topics=()"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.PERMISSIONS)
        if request.method in ("GET", "HEAD") and open_data(request.path):
            response.setdefault("Access-Control-Allow-Origin", "*")
        return response
