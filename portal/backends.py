"""Who may sign in with a local password.

With LOCAL_PASSWORD_LOGIN off (production with a municipal identity provider), only
superusers can: the break-glass path when a provider is down or misconfigured
(docs/identity.md). The rule is here, in the backend, so that every password form obeys it —
the portal's login page and the Django admin's — and a password session of anyone else
stops being valid at their next request."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def local_password_allowed(user) -> bool:
    return settings.LOCAL_PASSWORD_LOGIN or user.is_superuser


class LocalPasswordBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and local_password_allowed(user)


class ProviderSessionBackend(ModelBackend):
    """The backend recorded in the session of a person signed in through an identity
    provider: it authenticates nobody by password, it only reloads the user (if active)."""

    def authenticate(self, request, **credentials):
        return None


def email_link_allowed() -> bool:
    """E-mail sign-in links for organisations' people belong to development and the demo,
    like local passwords; production signs them in with MitID Erhverv (docs/identity.md)."""
    return settings.LOCAL_PASSWORD_LOGIN


class EmailLinkSessionBackend(ModelBackend):
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
