"""Who may sign in with a local password.

With LOCAL_PASSWORD_LOGIN off (production with a municipal identity provider), only
superusers can: the break-glass path when a provider is down or misconfigured
(docs/identity.md). The rule is here, in the backend, so that every password form obeys it —
the portal's login page and the Django admin's — and a password session of anyone else
stops being valid at their next request."""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from portal.prepared_queries import PreparedQuery


def local_password_allowed(user) -> bool:
    return settings.LOCAL_PASSWORD_LOGIN or user.is_superuser


SESSION_USER = PreparedQuery(
    lambda pk: (
        get_user_model()
        ._default_manager.select_related("municipality", "department", "organisation")
        .filter(pk=pk)
    ),
    pk=int,
)


class SessionUserBackend(ModelBackend):
    """Reloads a signed-in user on each request with the municipality, department and
    association the pages name (the dashboard's heading, the staff pages' titles): in the
    same query, not one more query each (issue #17)."""

    def get_user(self, user_id):
        # Every signed-in request asks it: built and compiled once (portal.prepared_queries).
        user = next(iter(SESSION_USER(pk=user_id)), None)
        return user if user is not None and self.user_can_authenticate(user) else None


class LocalPasswordBackend(SessionUserBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and local_password_allowed(user)


class ProviderSessionBackend(SessionUserBackend):
    """The backend recorded in the session of a person signed in through an identity
    provider: it authenticates nobody by password, it only reloads the user (if active)."""

    def authenticate(self, request, **credentials):
        return None


def email_link_allowed() -> bool:
    """E-mail sign-in links for organisations' people belong to development and the demo,
    like local passwords; production signs them in with MitID Erhverv (docs/identity.md)."""
    return settings.LOCAL_PASSWORD_LOGIN


class EmailLinkSessionBackend(SessionUserBackend):
    """The backend recorded in the session of an organisation's person signed in by an e-mail
    link (grants.views.people). It authenticates nobody by password; it reloads the user only
    while e-mail sign-in is allowed, so turning local sign-in off ends those sessions too."""

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        if not email_link_allowed():
            return None
        user = super().get_user(user_id)
        if user is None or not user.is_organisation_person:
            return None
        return user


def lockout_username(request, credentials=None) -> str | None:
    """The user name django-axes counts failed sign-ins under and shows in its lists: a user's
    own name, or for a name no user has a stand-in derived from it (attack round 11: a
    password typed in the user-name field stood in the admin's list of attempts). The same
    typed text gives the same stand-in, so its attempts still count together."""
    if credentials:
        typed = credentials.get("username")
    else:
        typed = getattr(request, "data", request.POST).get("username")
    if not typed:
        return typed
    # django-axes asks several times per attempt: the user table once per request.
    known = getattr(request, "_lockout_known_names", {}) if request is not None else {}
    if typed not in known:
        # No user name holds a NUL, and PostgreSQL refuses one in a query (attack round 28:
        # a 500 for anyone who posted one to the login form).
        known[typed] = "\x00" not in typed and (
            get_user_model().objects.filter(username=typed).exists()
        )
        if request is not None:
            request._lockout_known_names = known
    if known[typed]:
        return typed
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{typed}".encode()).hexdigest()[:12]
    return f"ukendt-{digest}"
