"""The people of applicant organisations: who they are, and how they sign in.

Production: MitID Erhverv / NemLog-in through the identity app's OpenID Connect machinery.
The provider's CVR claim ties the person to the organisation with that CVR number
(`person_of_organisation`, registered as identity's applicant resolver). Development and the
demo: an e-mail address that must be verified by a signed link (grants.services.people)."""

from django.db import transaction

from portal.models import Organisation, Role, User


def new_person(
    *, organisation: Organisation, email: str, name: str = "", invited_by: User | None = None
) -> User:
    """A person of the organisation, who signs in without a password of the portal's.
    invited_by: the colleague who invited them (on record as the invitation's audit)."""
    first, _, last = name.strip().partition(" ")
    base = f"org-{organisation.pk}-{email.split('@')[0]}"[:140]
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = User(
        username=username,
        email=email,
        first_name=first[:150],
        last_name=last[:150],
        role=Role.ORGANISATION,
        organisation=organisation,
        municipality_id=organisation.municipality_id,
        invited_by=invited_by,
    )
    user.set_unusable_password()
    user.save()
    return user


def person_of_organisation(identity, claims: dict) -> User | None:
    """identity.applicants resolver: the signed-in person of the organisation whose CVR number
    the provider asserted; None (refused) when no organisation in the portal has it."""
    cvr = (identity.cvr or "").strip()
    if not cvr:
        return None
    organisation = Organisation.objects.filter(cvr=cvr).first()
    if organisation is None:
        return None
    linked = identity.user
    if linked is not None:
        # Linked before: still this organisation's person (never another's or staff).
        if linked.role == Role.ORGANISATION and linked.organisation_id == organisation.pk:
            return linked
        return None
    with transaction.atomic():
        email = str(claims.get("email") or "")
        return new_person(organisation=organisation, email=email, name=identity.name)


def organisation_people(organisation: Organisation):
    """Who can sign in for the organisation now ("Din forening")."""
    return (
        User.objects.filter(organisation=organisation, role=Role.ORGANISATION, is_active=True)
        .select_related("invited_by")
        .order_by("first_name", "last_name", "email")
    )


def people_in_the_case(organisation_id: int):
    """The organisation's people who hear of its cases (mail, reminders): those who can sign
    in and have, so an invitation someone ignored or sent to a mistyped address brings no
    case mail (attack round 15)."""
    return User.objects.filter(
        organisation_id=organisation_id,
        role=Role.ORGANISATION,
        is_active=True,
        last_login__isnull=False,
    )


def colleague(actor: User, person_id: int) -> User | None:
    """Another person of the actor's organisation who can still sign in, or None."""
    return (
        organisation_people(actor.organisation_id).exclude(pk=actor.pk).filter(pk=person_id).first()
    )
