"""The seam for associations (issue "Associations apply"): a person who signs in through an
applicant provider (MitID Erhverv / NemLog-in) arrives with a verified CVR number and name on
their `ExternalIdentity`. Which portal user that person is — a member of the organisation
with that CVR number — is decided by the association work, which registers one resolver:

    from identity.applicants import register_resolver

    def person_of_organisation(identity, claims):
        ...  # find or create the organisation person for identity.cvr, or return None
        return user

    register_resolver(person_of_organisation)   # in its AppConfig.ready()

The resolver runs inside the sign-in's transaction, with the identity row locked; it
returns the user to sign in (the identity is then linked to it) or None (the person is
refused with a page saying the organisation is not known to the portal). Until a resolver
is registered, applicant providers are not offered on the login page.
"""

from collections.abc import Callable

_resolver: Callable | None = None


def register_resolver(resolver: Callable | None) -> Callable | None:
    """Set the resolver; returns the one it replaces (a test puts that back)."""
    global _resolver  # noqa: PLW0603 - one resolver for the whole process, set at start-up
    previous, _resolver = _resolver, resolver
    return previous


def unregister_resolver() -> None:
    global _resolver  # noqa: PLW0603
    _resolver = None


def is_enabled() -> bool:
    return _resolver is not None


def applicant_user(identity, claims: dict):
    """The portal user for a signed-in applicant, or None."""
    if _resolver is None:
        return None
    return _resolver(identity, claims)
