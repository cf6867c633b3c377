"""Every rule about who may do what, when: one table per object and one question.

`APPLICATION_ACTIONS`, `POOL_ACTIONS` and `REPORT_ACTIONS` say, per action, from which statuses
it is allowed, which status it leads to, which role performs it and whether a declared
conflict of interest (inhabilitet, forvaltningsloven § 3) bars the user. `may(user, action,
obj)` answers "may this user do this now?" for views and templates (the `{% may %}` tag);
`check(user, action, obj)` raises the translated `DomainError` and is called by every `do_*`
service under its row lock. Nothing else tests statuses to decide what is allowed.

Decisions documented here:
- A closed pool can be opened again (e.g. to extend the deadline), but no pool goes back to
  "planned": once opened, applications may exist, and "planned" hides it from caseworkers.
- A pool's content (budget, lines, deadline …) may be edited in every status; the budget rule
  in `grants.services.pools` protects the money.
- `user=None` is the system: it is not bound by role or recusal, only by the status table.
  Management commands run as the system and record no person (their rows say where they
  came from, e.g. "Indlæst som bevilget fra …"); only the services the web pages use accept
  a person as actor, and they all record that person in the same transaction.
- The admin shows statuses but cannot set them (grants.admin.ScopedHistoryAdmin).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from grants.access import is_applicant_of
from grants.models import Application, ApplicationStatus, Pool, PoolStatus, Report, ReportStatus
from grants.services.errors import DomainError, TransitionNotAllowed
from portal.models import Role

A, P, R = ApplicationStatus, PoolStatus, ReportStatus
CASEWORKER, STAFF, ORGANISATION = Role.CASEWORKER, Role.COMMITTEE_STAFF, Role.ORGANISATION
# Whoever is on the applicant's side of an application (grants.access.is_applicant_of): a
# department's caseworker or an organisation's person.
APPLICANT = "applicant"


@dataclass(frozen=True)
class Action:
    allowed_from: frozenset
    role: str
    to: frozenset = frozenset()  # statuses the action may lead to; empty: status unchanged
    recusal: bool = False  # a user who declared a conflict of interest may not do it
    refusal: str = ""  # the message when the status does not allow it (translated)
    # The same message to an association's person, when `refusal` speaks to the reader: an
    # association is "I", a department's caseworker "du" (fresh eyes round 39).
    association_refusal: str = ""


def action(allowed_from, role, to=(), recusal=False, refusal="", association_refusal="") -> Action:
    return Action(
        frozenset(allowed_from), role, frozenset(to), recusal, refusal, association_refusal
    )


BEFORE_DECISION = (A.DRAFT, A.SUBMITTED, A.IN_REVIEW, A.RETURNED, A.RECOMMENDED)
UNDER_REVIEW = (A.SUBMITTED, A.IN_REVIEW, A.RECOMMENDED)
FUNDED = (A.APPROVED, A.ACTIVE)
# The case is open for messages once staff can see it, and stays open after the decision
# (questions about conditions, reports, a complaint); a withdrawn application's case is closed.
IN_CASE = (A.SUBMITTED, A.IN_REVIEW, A.RETURNED, A.RECOMMENDED, A.APPROVED, A.REJECTED)
IN_CASE += (A.ACTIVE, A.CLOSED)
CASE_CLOSED = _(
    "Der kan ikke skrives i sagen, før ansøgningen er indsendt, eller når den er trukket tilbage."
)

APPLICATION_ACTIONS: dict[str, Action] = {
    # The caseworker's department.
    "edit": action(
        (A.DRAFT, A.RETURNED),
        CASEWORKER,
        refusal=_("Ansøgningen er indsendt og kan ikke længere ændres; du kan trække den tilbage."),
        association_refusal=_(
            "Ansøgningen er indsendt og kan ikke længere ændres; I kan trække den tilbage."
        ),
    ),
    "submit": action(
        (A.DRAFT, A.RETURNED),
        CASEWORKER,
        to=(A.SUBMITTED,),
        refusal=_("Ansøgningen er allerede indsendt."),
    ),
    "withdraw": action(BEFORE_DECISION, CASEWORKER, to=(A.WITHDRAWN,)),
    # A draft nobody but the department has seen may be deleted outright (it leaves the
    # department's list; django-simple-history keeps the deletion with its actor).
    "delete": action(
        (A.DRAFT,),
        CASEWORKER,
        refusal=_(
            "Kun en kladde, der aldrig er indsendt, kan slettes; en indsendt ansøgning kan du "
            "trække tilbage."
        ),
        association_refusal=_(
            "Kun en kladde, der aldrig er indsendt, kan slettes; en indsendt ansøgning kan I "
            "trække tilbage."
        ),
    ),
    # Committee staff of the municipality; a conflicted member takes no part.
    "start_review": action((A.SUBMITTED,), STAFF, to=(A.IN_REVIEW,), recusal=True),
    "review": action(
        (A.SUBMITTED, A.IN_REVIEW),
        STAFF,
        to=(A.IN_REVIEW,),
        recusal=True,
        refusal=_("Ansøgningen kan kun bedømmes, mens den er under behandling."),
    ),
    "return": action(UNDER_REVIEW, STAFF, to=(A.RETURNED,), recusal=True),
    "recommend": action((A.IN_REVIEW,), STAFF, to=(A.RECOMMENDED,), recusal=True),
    "reopen_review": action((A.RECOMMENDED,), STAFF, to=(A.IN_REVIEW,), recusal=True),
    "decide": action(
        (A.IN_REVIEW, A.RECOMMENDED), STAFF, to=(A.APPROVED, A.REJECTED), recusal=True
    ),
    "declare_conflict": action(
        UNDER_REVIEW + FUNDED,
        STAFF,
        recusal=True,
        refusal=_("Der kan kun erklæres inhabilitet i en indsendt eller bevilget ansøgning."),
    ),
    "record_agreement": action(FUNDED, STAFF, recusal=True),
    "activate": action((A.APPROVED,), STAFF, to=(A.ACTIVE,), recusal=True),
    "request_report": action(
        FUNDED,
        STAFF,
        recusal=True,
        refusal=_("Der kan kun bedes om afrapportering fra en bevilget indsats."),
    ),
    "carry_over": action(
        (A.ACTIVE,),
        STAFF,
        recusal=True,
        refusal=_("Kun en igangværende indsats kan få overført restmidler."),
    ),
    "close": action((A.ACTIVE,), STAFF, to=(A.CLOSED,), recusal=True),
    # Messages in the case (grants.services.messages).
    "write_to_staff": action(IN_CASE, APPLICANT, refusal=CASE_CLOSED),
    "answer_request": action(IN_CASE, APPLICANT, refusal=CASE_CLOSED),
    "write_to_applicant": action(IN_CASE, STAFF, recusal=True, refusal=CASE_CLOSED),
    "request_information": action(IN_CASE, STAFF, recusal=True, refusal=CASE_CLOSED),
}

POOL_ACTIONS: dict[str, Action] = {
    "edit": action((P.PLANNED, P.OPEN, P.CLOSED), STAFF),
    "open": action((P.PLANNED, P.CLOSED), STAFF, to=(P.OPEN,)),
    "close": action((P.OPEN,), STAFF, to=(P.CLOSED,)),
    "apply": action((P.OPEN,), CASEWORKER, refusal=_("%(pool)s er ikke åben for ansøgninger.")),
}

REPORT_ACTIONS: dict[str, Action] = {
    "edit": action(
        (R.REQUESTED, R.RETURNED),
        CASEWORKER,
        refusal=_("Rapporten er indsendt og kan ikke ændres."),
    ),
    "submit": action(
        (R.REQUESTED, R.RETURNED),
        CASEWORKER,
        to=(R.SUBMITTED,),
        refusal=_("Rapporten er allerede indsendt."),
    ),
    "accept": action(
        (R.SUBMITTED,),
        STAFF,
        to=(R.ACCEPTED,),
        recusal=True,
        refusal=_("Kun en indsendt rapport kan godkendes eller sendes retur."),
    ),
    "return": action(
        (R.SUBMITTED,),
        STAFF,
        to=(R.RETURNED,),
        recusal=True,
        refusal=_("Kun en indsendt rapport kan godkendes eller sendes retur."),
    ),
}

TABLES = {Application: APPLICATION_ACTIONS, Pool: POOL_ACTIONS, Report: REPORT_ACTIONS}
# The model's status enum, for messages.
STATUS_ENUMS = {Application: A, Pool: P, Report: R}


def transitions(table: dict[str, Action]) -> dict[str, frozenset]:
    """from-status → statuses it may move to, as the actions of `table` allow."""
    result: dict[str, set] = {}
    for act in table.values():
        for status in act.allowed_from:
            # A status the action leaves unchanged is no transition (reviewing in review).
            result.setdefault(status, set()).update(act.to - {status})
    return {status: frozenset(targets) for status, targets in result.items()}


class ConflictOfInterestError(DomainError):
    default_message = _(
        "Du har erklæret dig inhabil i denne ansøgning og kan ikke deltage i behandlingen."
    )


def _model(obj):
    for model in TABLES:
        if isinstance(obj, model):
            return model
    raise TypeError(f"No action table for {type(obj).__name__}")


def _application_of(obj) -> Application | None:
    if isinstance(obj, Application):
        return obj
    if isinstance(obj, Report):
        return obj.application
    return None


def _belongs_to(user, act: Action, obj) -> bool:
    """The user has the action's role and works where the object belongs. An organisation's
    person acts as the applicant (the caseworker's actions) for their own organisation."""
    if act.role == APPLICANT:
        application = _application_of(obj)
        return application is not None and is_applicant_of(user, application)
    if user.role == ORGANISATION and act.role == CASEWORKER:
        return _belongs_to_organisation(user, obj)
    if user.role != act.role or not user.municipality_id:
        return False
    if isinstance(obj, Pool):
        return obj.municipality_id == user.municipality_id and (
            act.role != CASEWORKER or (user.department_id is not None and obj.open_to_departments)
        )
    application = _application_of(obj)
    if application.municipality_id != user.municipality_id:
        return False
    return act.role != CASEWORKER or (
        application.department_id is not None and application.department_id == user.department_id
    )


def _belongs_to_organisation(user, obj) -> bool:
    if not (user.organisation_id and user.municipality_id):
        return False
    if isinstance(obj, Pool):
        return obj.municipality_id == user.municipality_id and obj.open_to_organisations
    application = _application_of(obj)
    return application.organisation_id == user.organisation_id


def is_conflicted(user, application: Application) -> bool:
    """The one recusal check: the user declared a conflict of interest in the application."""
    if user is None or not user.is_authenticated:
        return False
    cache = application.__dict__.setdefault("_conflicted_users", {})
    if user.pk not in cache:
        cache[user.pk] = application.conflicts.filter(user=user).exists()
    return cache[user.pk]


def refusal(user, name: str, obj) -> DomainError | None:
    """Why `user` may not do action `name` on `obj` now, or None when they may."""
    why = _refused(user, name, obj)
    return None if why is None else why()


def _refused(user, name: str, obj):
    """None when `user` may do `name` on `obj` now, else a function that says why. Only
    `refusal` asks for the words: a list's buttons (`may`) would otherwise build a message
    per row, and an approved application's status name reads its amounts (issue #17)."""
    model = _model(obj)
    act = TABLES[model][name]
    if user is not None and not (user.is_authenticated and _belongs_to(user, act, obj)):
        return lambda: DomainError(_("Du har ikke adgang til at udføre denne handling."))
    if obj.status not in act.allowed_from:
        return lambda: _status_refusal(act, model, obj, user)
    application = _application_of(obj)
    if act.recusal and application is not None and is_conflicted(user, application):
        if name == "declare_conflict":
            return lambda: DomainError(_("Du har allerede erklæret dig inhabil i denne ansøgning."))
        return ConflictOfInterestError
    return None


def _status_refusal(act: Action, model, obj, user=None) -> DomainError:
    """Why the action cannot be done from the object's status, in the words its reader is
    spoken to with: the user asking is the one who reads the refusal."""
    if model is Application and obj.status == A.WITHDRAWN:
        # Whatever the action (a forged "submit" said »allerede indsendt«): say why.
        return DomainError(
            _("Ansøgningen er trukket tilbage og kan ikke længere indsendes eller ændres.")
        )
    if act.refusal:
        to_association = act.association_refusal and getattr(user, "organisation_id", None)
        words = act.association_refusal if to_association else act.refusal
        return DomainError(words % {"pool": getattr(obj, "title", "")})
    # An application's status as every page names it ("Delvis bevilget", fresh eyes
    # round 20: the refusal said "Bevilget").
    label = obj.status_label if model is Application else STATUS_ENUMS[model](obj.status).label
    if model is Application and len(act.to) == 1:
        return TransitionNotAllowed(
            _("En ansøgning med status »%(from)s« kan ikke ændres til »%(to)s«.")
            % {"from": label, "to": A(next(iter(act.to))).label}
        )
    return TransitionNotAllowed(
        _("Handlingen kan ikke udføres, når status er »%(status)s«.") % {"status": label}
    )


def may(user, name: str, obj) -> bool:
    """May `user` do action `name` on `obj` now? (Buttons and links ask this.)"""
    return _refused(user, name, obj) is None


def check(user, name: str, obj) -> None:
    """Raise the translated DomainError unless `user` may do `name` on `obj` now.
    Services call it on the object they have just locked."""
    error = refusal(user, name, obj)
    if error is not None:
        raise error
