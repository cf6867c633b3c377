"""Who a person signed in through a provider is in the portal: the one place that creates,
updates, links and deactivates users from verified claims (docs/identity.md).

- A person is their provider and `sub` (`ExternalIdentity`), never their e-mail: a local user
  with the same e-mail is never taken over, and the same `sub` at another municipality's
  provider is another person.
- Staff get their role and department from the provider's group claim through the
  municipality's `RoleMapping`s, at every sign-in; the user always belongs to the provider's
  municipality. No mapped role: refused, and a user made earlier is deactivated with every
  session ended.
- Applicants (MitID Erhverv) keep their CVR number and name on the identity; which user they
  are is the associations' resolver's answer (`identity.applicants`).
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from portal.models import Role

from . import applicants, permissions
from .models import (
    DETAIL_SETUP_PENDING,
    ExternalIdentity,
    IdentityProvider,
    RoleMapping,
    SignInEvent,
    SignInOutcome,
)

# The strongest role wins when a person is in several mapped groups.
ROLE_RANK = {Role.ADMINISTRATOR: 0, Role.COMMITTEE_STAFF: 1, Role.CASEWORKER: 2}
# Claims that only describe the protocol exchange; not kept on the identity.
PROTOCOL_CLAIMS = {"nonce", "at_hash", "c_hash", "sid", "auth_time", "iat", "exp", "jti"}


class WrongMunicipality(Exception):
    """The token is for another municipality than the provider's (shared broker)."""


@dataclass(frozen=True)
class SignIn:
    outcome: str
    identity: ExternalIdentity
    user: object | None
    mfa_by_provider: bool
    event_id: int | None = None

    @property
    def signed_in(self) -> bool:
        return self.outcome in (SignInOutcome.SIGNED_IN, SignInOutcome.CODE_PENDING)

    @property
    def needs_portal_code(self) -> bool:
        """Signed in only after the portal's own code step (portal.auth_views.VerifyView)."""
        return self.outcome == SignInOutcome.CODE_PENDING


def claim_values(claims: dict, name: str) -> list[str]:
    """A claim as a list of strings, whether the provider sends one value or a list."""
    value = claims.get(name) if name else None
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return [str(value)]


def provider_asserted_mfa(provider: IdentityProvider, claims: dict) -> bool:
    amr = set(claim_values(claims, "amr"))
    acr = set(claim_values(claims, "acr"))
    return bool(amr & set(provider.mfa_amr_values.split())) or bool(
        acr & set(provider.mfa_acr_values.split())
    )


def mapped_role(provider: IdentityProvider, claims: dict) -> RoleMapping | None:
    groups = claim_values(claims, provider.groups_claim)
    if not groups:
        return None
    # A mapping to another municipality's department is never used, whatever put it there.
    mappings = (
        provider.role_mappings.filter(group__in=groups)
        .filter(Q(department__isnull=True) | Q(department__municipality=provider.municipality_id))
        .select_related("department")
    )
    return min(mappings, key=lambda m: (ROLE_RANK[m.role], m.pk), default=None)


def full_name(provider: IdentityProvider, claims: dict) -> str:
    name = " ".join(claim_values(claims, provider.name_claim)).strip()
    if not name:
        name = " ".join(claim_values(claims, "given_name") + claim_values(claims, "family_name"))
    return name.strip()[:300]


def username_for(provider: IdentityProvider, subject: str) -> str:
    # Unique per provider and subject, whatever characters the provider's `sub` has.
    digest = hashlib.sha256(f"{provider.issuer}\n{subject}".encode()).hexdigest()[:24]
    return f"{provider.slug}.{digest}"[:150]


def _set_person(user, name: str, email: str) -> None:
    first, _space, last = name.rpartition(" ")
    user.first_name, user.last_name = (first or last)[:150], (last if first else "")[:150]
    user.email = email


def _record(provider, identity, user, outcome, mfa, mapping=None, detail="") -> SignIn:
    event = SignInEvent.objects.create(
        provider=provider,
        identity=identity,
        user=user,
        outcome=outcome,
        # An association's person has no mapping: their own role (fresh eyes round 31: "–").
        role=mapping.role if mapping else (user.role if user is not None else ""),
        department=mapping.department if mapping else None,
        mfa_by_provider=mfa,
        detail=detail[:500],
    )
    return SignIn(outcome, identity, user, mfa, event.pk)


def do_sign_in(*, provider: IdentityProvider, claims: dict) -> SignIn:
    """Create or update the person from verified claims, in one transaction with its audit
    row. The claims must come from `identity.oidc.verified_claims` for this provider."""
    if provider.tenant_claim and provider.tenant_value not in claim_values(
        claims, provider.tenant_claim
    ):
        raise WrongMunicipality(provider.tenant_claim)
    mfa = provider_asserted_mfa(provider, claims)
    name = full_name(provider, claims)
    emails = claim_values(claims, provider.email_claim)
    email = emails[0][:254] if emails else ""
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    User = get_user_model()
    with transaction.atomic():
        identity, _created = ExternalIdentity.objects.select_for_update().get_or_create(
            provider=provider, subject=str(claims["sub"]), defaults={"issuer": provider.issuer}
        )
        identity.name = name
        identity.claims = {k: v for k, v in claims.items() if k not in PROTOCOL_CLAIMS}
        if provider.cvr_claim:
            cvr = "".join(claim_values(claims, provider.cvr_claim))
            identity.cvr = cvr if cvr.isdigit() and len(cvr) == 8 else ""
        identity.save()
        user = User.objects.select_for_update().filter(pk=identity.user_id).first()

        if provider.is_applicant:
            user = applicants.applicant_user(identity, claims) if identity.cvr else None
            if user is None or not user.is_active:
                # Which CVR number tried, for the administrator the association calls
                # (recheck round 32: the refused line named none).
                with translation.override(settings.LANGUAGE_CODE):
                    tried = (
                        _("CVR-nummer %(cvr)s") % {"cvr": identity.cvr}
                        if identity.cvr
                        else _("intet CVR-nummer fra udbyderen")
                    )
                return _record(
                    provider, identity, None, SignInOutcome.NOT_LINKED, mfa, detail=tried
                )
            identity.user = user
            identity.save(update_fields=["user"])
            # Which association, for the administrator (fresh eyes round 31: not shown).
            with translation.override(settings.LANGUAGE_CODE):
                organisation = (
                    _("Forening: %(name)s") % {"name": user.organisation}
                    if user.organisation_id
                    else ""
                )
            return _record(
                provider, identity, user, SignInOutcome.SIGNED_IN, mfa, detail=organisation
            )

        if user is not None and user.municipality_id != provider.municipality_id:
            return _record(provider, identity, None, SignInOutcome.WRONG_MUNICIPALITY, mfa)
        if user is not None and not user.is_active and not identity.suspended_for_no_role:
            # Deactivated by an administrator in the portal: that holds until they undo it.
            return _record(provider, identity, None, SignInOutcome.BLOCKED, mfa)
        mapping = mapped_role(provider, claims)
        if mapping is None:
            if user is not None and user.is_active:
                user.is_active = False
                # No admin access left behind should an administrator reactivate them.
                user.is_staff = False
                user.session_generation += 1  # ends every session of theirs at once
                user.save(update_fields=["is_active", "is_staff", "session_generation"])
                user.groups.remove(*user.groups.filter(name=permissions.IT_ADMIN_GROUP))
                identity.suspended_for_no_role = True
                identity.save(update_fields=["suspended_for_no_role"])
            # The groups the provider sent: what the administrator needs to map a role
            # (fresh eyes round 10: "Årsag: -", the groups only in the claims' JSON).
            # In the portal's language, whatever the visitor's: the log is read by the
            # municipality's administrators (fresh eyes round 13 found English in it).
            with translation.override(settings.LANGUAGE_CODE):
                groups = ", ".join(claim_values(claims, provider.groups_claim)) or _("ingen")
                detail = _("Grupper fra udbyderen: %(groups)s") % {"groups": groups}
            return _record(provider, identity, None, SignInOutcome.NO_ROLE, mfa, detail=detail)

        if user is None:
            user = User(username=username_for(provider, identity.subject))
            user.set_unusable_password()
        user.municipality = provider.municipality
        user.role = mapping.role
        user.department = mapping.department
        user.is_active = True
        user.is_staff = mapping.role == Role.ADMINISTRATOR  # the Django admin, scoped
        _set_person(user, name, email)
        user.full_clean(exclude=["password", "username"])
        user.save()
        # Administrators get exactly what the administration needs for sign-in; the group
        # goes again when the provider no longer makes them administrators.
        if mapping.role == Role.ADMINISTRATOR:
            user.groups.add(permissions.it_admin_group())
        else:
            user.groups.remove(*user.groups.filter(name=permissions.IT_ADMIN_GROUP))
        identity.user = user
        identity.suspended_for_no_role = False
        identity.save(update_fields=["user", "suspended_for_no_role"])
        # Signed in, but kept at the set-up page until the portal's second factor is there
        # (fresh eyes round 14: "Logget ind" for someone who could not use the portal yet).
        from portal.twofactor import has_two_factor, portal_code_needed, requires_two_factor

        detail = ""
        outcome = SignInOutcome.SIGNED_IN
        if portal_code_needed(user, mfa_by_provider=mfa):
            # Signed in once the portal's code is given (identity.signals, fresh eyes 28).
            outcome = SignInOutcome.CODE_PENDING
        elif not mfa and requires_two_factor(user) and not has_two_factor(user):
            detail = DETAIL_SETUP_PENDING
        return _record(provider, identity, user, outcome, mfa, mapping, detail=detail)


def do_record_failure(*, provider: IdentityProvider, outcome: str, detail: str = "") -> None:
    """Record a sign-in that failed before anyone was known: the provider's error or
    cancellation, an answer that could not be verified (bad or replayed state, another
    municipality's answer), or a provider that cannot be used (discovery, missing secret).
    `detail` is for the administrator; callers never pass a secret, a code or a token."""
    SignInEvent.objects.create(provider=provider, outcome=outcome, detail=detail[:500])


def do_end_sessions_for_mappings(
    *, actor, provider: IdentityProvider, mappings: list[RoleMapping]
) -> int:
    """End the sessions of everyone signed in through `provider` who holds the role and
    department one of `mappings` gave (as stored before an administrator changed or deleted
    it): they get their new role, or are refused, at their next sign-in. The change itself
    is in the admin's history with `actor`. Returns how many people were signed out."""
    User = get_user_model()
    selected = Q(pk__in=[])
    for mapping in mappings:
        selected |= Q(role=mapping.role, department_id=mapping.department_id)
    with transaction.atomic():
        users = list(
            User.objects.select_for_update(of=("self",))
            .filter(selected, external_identity__provider=provider)
            .filter(municipality=provider.municipality_id)
            .exclude(pk=getattr(actor, "pk", None))
        )
        for user in users:
            user.session_generation += 1  # ends every session of theirs at once
            user.save(update_fields=["session_generation"])
    return len(users)
