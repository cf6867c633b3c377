"""Submitting an application: complete, before the deadline, to an open pool."""

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grants.models import Application, ApplicationStatus, PoolStatus
from grants.notifications import notify_submitted
from grants.rules import check
from grants.wording import ORGANISATION_WORDS
from portal.money import ZERO, format_kroner

from .errors import DeadlinePassed, DomainError
from .workflow import change_status, lock_application

# Form headings that must be answered before submission (DESIGN.md, the application form).
REQUIRED_TEXT_FIELDS = [
    # The form's own label (fresh eyes round 12: "Indsats (titel)" matched no field).
    ("title", gettext_lazy("Indsats")),
    ("target_group", gettext_lazy("Hvem er målgruppen for indsatsen?")),
    ("challenge", gettext_lazy("Hvilken udfordring søger indsatsen at håndtere?")),
    ("purpose", gettext_lazy("Formål/forandringsteori")),
    ("description", gettext_lazy("Beskrivelse af indsatsen")),
    ("anchoring", gettext_lazy("Hvad er forankringsperspektivet for indsatsen?")),
]
# Headings a small application (below the pool's short-form threshold) may leave out.
SHORT_FORM_OPTIONAL = {"challenge", "anchoring", "goals", "success_criteria"}


def requested_total(application: Application):
    return sum((row.amount for row in application.requested_amounts.all()), ZERO)


def uses_short_form(application: Application) -> bool:
    """Below the pool's threshold the form leaves out SHORT_FORM_OPTIONAL's headings. A new,
    unsaved application asks for nothing yet, so it starts short where the pool has a short
    form; the headings come back when a saved amount reaches the threshold."""
    total = requested_total(application) if application.pk else ZERO
    return application.pool.uses_short_form(total)


def left_out_by_short_form(application: Application) -> list[str]:
    """The headings the short form hides that still hold answers from when the amount was
    larger: they are not sent (do_submit empties them), and the submit page names them
    (fresh eyes round 10: hidden answers were sent and could have been published)."""
    if not uses_short_form(application):
        return []
    volunteer = application.organisation_id is not None
    labels = {
        "challenge": ORGANISATION_WORDS["challenge"][0] if volunteer else _("Udfordring"),
        "anchoring": ORGANISATION_WORDS["anchoring"][0] if volunteer else _("Forankring"),
        "goals": _("Kommunens mål") if volunteer else _("Målsætninger"),
        "success_criteria": _("Hvordan ser I, at det lykkes?")
        if volunteer
        else _("Succeskriterier"),
    }
    held = {
        "challenge": bool(application.challenge.strip()),
        "anchoring": bool(application.anchoring.strip()),
        "goals": application.goals.exists(),
        "success_criteria": application.success_criteria.exists(),
    }
    return [
        str(labels[name])
        for name in ("challenge", "anchoring", "goals", "success_criteria")
        if held[name]
    ]


def _empty_what_the_short_form_leaves_out(application: Application, actor) -> None:
    """The answers the short form hides are not part of what is sent; they stay in the
    application's history."""
    for criterion in application.success_criteria.all():
        criterion._history_user = actor
        criterion.delete()
    application.goals.clear()
    application.challenge = application.anchoring = ""
    application._history_user = actor
    application.save(update_fields=["challenge", "anchoring"])


def check_max_amount(pool, total, *, field: str = "") -> None:
    """The pool's maximum amount per application (optional), asked or granted."""
    if pool.max_amount is not None and total > pool.max_amount:
        raise DomainError(
            _(
                "%(pool)s giver højst %(max)s til en ansøgning; her er det i alt %(total)s – "
                "sæt beløbet ned."
            )
            % {
                "pool": pool.title,
                "max": format_kroner(pool.max_amount),
                "total": format_kroner(total),
            },
            field=field or None,
        )


class Missing(str):
    """One thing still missing, in plain Danish, and the form field where it is given (the
    submit page links each item to its field on the application form)."""

    field: str

    def __new__(cls, text, field: str):
        item = super().__new__(cls, text)
        item.field = field
        return item


def needed_for_sending(application: Application, *, short_form: bool | None = None) -> set[str]:
    """What must be given before the application can be sent: form fields by name, and the
    parts of which one row is enough ("amounts", "contacts", "goals", "success_criteria").
    The rule `missing_for_submission` checks, and what the form marks. `short_form`: as the
    application's amount decides (None), or as given (the form marks the headings the
    short form hides too: they are needed whenever they are shown)."""
    short = uses_short_form(application) if short_form is None else short_form
    needed = {"amounts", "contacts", "goals", "success_criteria"}
    needed.update(field for field, _label in REQUIRED_TEXT_FIELDS)
    # A volunteer cannot be expected to know the municipality's committees (fresh eyes
    # round 10): an association may leave it to the municipality.
    if application.organisation_id is None:
        needed.add("committee")
    return needed - SHORT_FORM_OPTIONAL if short else needed


def missing_for_submission(application: Application) -> list[Missing]:
    """Plain-language list of what is still missing; empty when it can be submitted."""
    missing = []
    needed = needed_for_sending(application)
    # An association reads the volunteer's words of its form, not the civil servant's.
    volunteer = application.organisation_id is not None
    if "committee" in needed and application.committee_id is None:
        missing.append(Missing(_("Vælg det politiske udvalg."), "committee"))
    first_year = min(application.years, default=application.pool.year)
    if not any(row.amount > 0 for row in application.requested_amounts.all()):
        missing.append(
            Missing(_("Angiv det beløb, der søges om, for mindst ét år."), f"amount_{first_year}")
        )
    # The pool's maximum is listed with the rest, not told only after "Indsend" (fresh
    # eyes round 14: the page said "klar til at blive sendt" above 500.000 kr.).
    try:
        check_max_amount(application.pool, requested_total(application))
    except DomainError as error:
        missing.append(Missing(error.message, f"amount_{first_year}"))
    if not application.contacts.exists():
        contact = _("Angiv mindst én kontaktperson.") if volunteer else None
        missing.append(
            Missing(contact or _("Angiv mindst én kontaktperson/tovholder."), "contacts-0-name")
        )
    if "goals" in needed and not application.goals.exists():
        goals = (
            _("Vælg mindst ét af kommunens mål.")
            if volunteer
            else _("Vælg mindst én af integrationspolitikkens målsætninger.")
        )
        missing.append(Missing(goals, "goals_0"))
    for field, label in REQUIRED_TEXT_FIELDS:
        if field not in needed:
            continue
        if volunteer and field in ORGANISATION_WORDS:
            label = ORGANISATION_WORDS[field][0]
        if not str(getattr(application, field) or "").strip():
            missing.append(Missing(_("Udfyld »%(label)s«.") % {"label": label}, field))
    if "success_criteria" in needed and not application.success_criteria.exists():
        missing.append(Missing(_("Angiv mindst ét succeskriterium."), "criteria-0-text"))
    # A draft keeps a half-typed row; a submitted one must say what it promises (fresh eyes
    # round 24: a target of 12,5 with no criterion was sent and later reported on).
    rows = (
        (
            application.success_criteria.all(),
            "text",
            "criteria-{}-text",
            _("Skriv succeskriterium nr. %(number)s, eller slet rækken."),
        ),
        (
            application.contacts.all(),
            "name",
            "contacts-{}-name",
            _("Skriv navnet på kontaktperson nr. %(number)s, eller slet rækken."),
        ),
    )
    for saved, attribute, field, message in rows:
        for index, row in enumerate(saved):
            if not getattr(row, attribute).strip():
                missing.append(Missing(message % {"number": index + 1}, field.format(index)))
    # A contact is someone the municipality can reach (fresh eyes round 29: a name alone was
    # sent); the e-mail also brings them the portal's mails about the application.
    for index, row in enumerate(application.contacts.all()):
        if row.name.strip() and not (row.email.strip() or row.phone.strip()):
            missing.append(
                Missing(
                    _("Skriv e-mail eller telefon til %(name)s.") % {"name": row.name},
                    f"contacts-{index}-email",
                )
            )
    return missing


def check_pool_accepts(application: Application, *, now=None) -> None:
    """The pool is open and its deadline has not passed."""
    pool = application.pool
    now = now or timezone.now()
    if pool.status == PoolStatus.CLOSED:
        # Said with what to do (fresh eyes round 15: "… er ikke åben for ansøgninger" after
        # the pool was closed before its deadline, no more).
        raise DomainError(
            _("%(pool)s er lukket for ansøgninger, så kladden kan ikke sendes til den.")
            % {"pool": pool.title}
            + (
                " " + _("Spørgsmål: %(contact)s") % {"contact": pool.contact}
                if pool.contact
                else ""
            )
        )
    check(None, "apply", pool)
    if pool.application_deadline and now > pool.application_deadline:
        raise DeadlinePassed(
            _(
                "Ansøgningsfristen for %(pool)s var %(deadline)s. Ansøgningen kan ikke "
                "indsendes efter fristen; kontakt sekretariatet."
            )
            % {
                "pool": pool.title,
                "deadline": date_format(
                    timezone.localtime(pool.application_deadline), "DATETIME_FORMAT"
                ),
            }
        )


def check_submission_window(application: Application, *, now=None) -> None:
    """Only a draft is bound by the pool's status and deadline: staff return applications
    after the deadline, and the corrected one may come back."""
    if application.status == ApplicationStatus.DRAFT:
        check_pool_accepts(application, now=now)


def window_refusal(application: Application) -> str:
    """Why this draft cannot be sent now, other than its deadline (the badge says that), for
    the form: "" when it can."""
    try:
        check_submission_window(application)
    except DeadlinePassed:
        return ""
    except DomainError as error:
        return error.message
    return ""


def submission_refusal(application: Application) -> str:
    """Why this draft cannot be sent now, its deadline included: "" when it can (the case
    page and the list say so; fresh eyes round 18: a closed pool's mail linked to a page
    that only said "Kladde")."""
    try:
        check_submission_window(application)
    except DomainError as error:
        return error.message
    return ""


def deadline_passed(application: Application, *, now=None) -> bool:
    """The deadline stops this application (the warning on the form); the same rule as above."""
    try:
        check_submission_window(application, now=now)
    except DeadlinePassed:
        return True
    except DomainError:
        return False
    return False


def do_submit(*, application_id: int, actor, comment: str = "") -> Application:
    with transaction.atomic():
        application = lock_application(application_id)
        check(actor, "submit", application)
        check_submission_window(application)
        missing = missing_for_submission(application)
        if missing:
            raise DomainError(
                _("Ansøgningen mangler: %(missing)s") % {"missing": " ".join(missing)}
            )
        check_max_amount(application.pool, requested_total(application))
        if left_out_by_short_form(application):
            _empty_what_the_short_form_leaves_out(application, actor)
        application = change_status(
            application=application,
            to_status=ApplicationStatus.SUBMITTED,
            actor=actor,
            comment=comment,
        )
        notify_submitted(application)  # recorded now, sent by the worker after the commit
        return application
