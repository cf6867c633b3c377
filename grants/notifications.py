"""E-mail to caseworkers about their applications and reports.

Every message goes through `worker.mail` (recorded in the change's transaction, sent by the
background worker after the commit, with retries), so nothing is sent for a change that was
rolled back, and a mail server that is down never undoes or slows a decision. Each recipient
reads it in their own language: a portal user in the language of their settings, a contact
person (not a user) in Danish."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from grants.decision_extent import REFUSED, extent, extent_label, year_rows
from grants.models import Application, ApplicationStatus, Letter, LetterKind, Report
from grants.wording import asked_years_and_total, decision_words
from portal import site
from portal.money import format_kroner
from worker.mail import language_of, send_in_languages


def recipients_for(application: Application, people=()) -> list[tuple[str, str, str]]:
    """(address, language, name) of the applicant's side: who wrote the application, and
    - for a municipal department's application, its contact persons (colleagues, typed by a
      signed-in caseworker);
    - for an association's, its people who can sign in (their addresses are confirmed by the
      e-mail link or their MitID Erhverv), not the contact persons it typed: those could not
      use the mail's link, and any address could be typed there, so the portal would mail
      strangers the association's text (attack round 13; fresh eyes round 13 found a
      signed-in member who got nothing); and only once they have signed in: an invitation
      someone ignored, or sent to a mistyped address, brings no case mail (attack round 15).
    `people`: who else acted for the applicant in what the mail is about, e.g. the report's
    sender (fresh eyes round 20: a colleague who sent the report heard nothing of it)."""
    from grants.organisations import people_in_the_case

    recipients = []
    for person in (application.created_by, *people):
        if person is None or not person.email or not person.is_active:
            continue
        if person.organisation_id != application.organisation_id:
            continue  # someone of another side: never mailed the applicant's case
        recipients.append((person.email, language_of(person), person.get_full_name()))
    if application.organisation_id:
        people = people_in_the_case(application.organisation_id).exclude(email="")
        recipients += [
            (person.email, language_of(person), person.get_full_name()) for person in people
        ]
    else:
        recipients += [
            (c.email, settings.LANGUAGE_CODE, c.name) for c in application.contacts.all() if c.email
        ]
    seen, unique = set(), []
    for recipient in recipients:
        if recipient[0].lower() not in seen:
            seen.add(recipient[0].lower())
            unique.append(recipient)
    return unique


def sign_off(application: Application) -> str:
    """The end of every mail to the applicant's side: where to write back, and who writes
    (fresh eyes round 31: case mails began and ended without a word of who sent them, and a
    volunteer answered the mail instead of writing in the case)."""
    pool = application.pool
    lines = [
        _(
            "Har du spørgsmål, så skriv til sekretariatet under »Beskeder« på ansøgningen i "
            "portalen; så kommer det med i sagen."
        ),
        "",
        _("Venlig hilsen"),
        _("Sekretariatet for %(scheme)s") % {"scheme": pool.scheme.name},
        application.municipality.name,
    ]
    if pool.contact:
        lines.append(pool.contact.strip())
    return "\n".join(lines)


def told_applicant(application: Application, done: str, people=()) -> tuple[str, bool]:
    """What staff are told after an action the applicant hears of by mail: `done` and that
    the applicant was told, or that nobody could be (fresh eyes round 13: "ansøgeren har
    fået besked" was said of a case with no address). Returns (text, reached)."""
    if recipients_for(application, people):
        return _("%(done)s Ansøgeren har fået besked på e-mail.") % {"done": done}, True
    return (
        _(
            "%(done)s Ansøgeren har ingen e-mailadresse i portalen og har ikke fået besked: "
            "giv besked på anden måde."
        )
        % {"done": done},
        False,
    )


def applicant_link(application: Application, path: str) -> str:
    """A link in a mail to the applicant's side. An association's people, signed out, come
    through the sign-in page: `som=forening` puts their way in first there, not the
    municipal staff's (fresh eyes round 20)."""
    return site.absolute(path) + ("?som=forening" if application.organisation_id else "")


def _queue(application: Application, kind: str, render, people=(), report=None) -> None:
    """`render()` returns (subject, body); it is called under each recipient's language.
    The link leads to the application, or to `report` when the mail is about one to write
    (fresh eyes round 22: "Afrapportering ønskes" led to the application page)."""
    if report is not None:
        link = applicant_link(application, reverse("mine:report", args=[report.pk]))
    else:
        link = applicant_link(application, reverse("mine:detail", args=[application.pk]))

    def message():
        subject, body = render()
        see = (
            _("Skriv rapporten i portalen")
            if report is not None
            else _("Se ansøgningen i portalen")
        )
        return subject, f"{body}\n\n{see}: {link}\n\n{sign_off(application)}\n"

    send_in_languages(
        recipients=recipients_for(application, people), render=message, kind=kind, greet=True
    )


def notify_submitted(application: Application) -> None:
    """The receipt: what was received, when, and what happens next (fresh eyes round 9:
    no mail came after submitting, only after a return or a decision)."""
    pool = application.pool
    submitted = timezone.localtime(application.submitted_at or timezone.now())

    def render():
        lines = [
            _("Vi har modtaget ansøgningen »%(title)s« til %(pool)s %(when)s.")
            % {
                "title": application.title,
                "pool": pool.title,
                "when": date_format(submitted, "DATETIME_FORMAT"),
            }
        ]
        amounts, total = asked_years_and_total(application.requested_amounts.order_by("year"))
        if amounts:
            asked = [
                _("Søgt for %(year)s: %(amount)s")
                % {"year": r.year, "amount": format_kroner(r.amount)}
                for r in amounts
            ]
            if total is not None:
                asked.append(_("I alt: %(amount)s") % {"amount": format_kroner(total)})
            lines.append("\n".join(asked))
        if pool.application_deadline:
            lines.append(
                _(
                    "Sekretariatet behandler ansøgningerne efter ansøgningsfristen %(deadline)s. "
                    "Du får en e-mail, når der er nyt, eller hvis de har spørgsmål."
                )
                % {
                    "deadline": date_format(
                        timezone.localtime(pool.application_deadline), "DATETIME_FORMAT"
                    )
                }
            )
        return _("Ansøgning modtaget: %(title)s") % {"title": application.title}, "\n\n".join(lines)

    _queue(application, "application_submitted", render)


def notify_returned(application: Application, comment: str) -> None:
    def render():
        return (
            _("Ansøgning sendt retur: %(title)s") % {"title": application.title},
            _(
                "Sekretariatet har sendt ansøgningen »%(title)s« retur til ændringer:\n\n"
                "%(comment)s\n\nRet ansøgningen og indsend den igen."
            )
            % {"title": application.title, "comment": comment},
        )

    _queue(application, "application_returned", render)


def notify_withdrawn(application: Application, actor) -> None:
    """A withdrawal is confirmed to the applicant's side and told to the case's staff,
    without its reason, which staff read in the case (fresh eyes round 21: nobody heard)."""
    from grants.case_notifications import to_staff

    who = actor.shown_name

    def render_applicant():
        return (
            _("Ansøgning trukket tilbage: %(title)s") % {"title": application.title},
            _("%(who)s har trukket ansøgningen »%(title)s« tilbage. Den bliver ikke behandlet.")
            % {"who": who, "title": application.title},
        )

    def render_staff():
        return (
            _("Ansøgning trukket tilbage: %(title)s") % {"title": application.title},
            _(
                "%(who)s har trukket ansøgningen »%(title)s« tilbage. Den skal ikke behandles. "
                "En eventuel begrundelse står i sagens historik i portalen."
            )
            % {"who": who, "title": application.title},
        )

    _queue(application, "application_withdrawn", render_applicant, people=[actor])
    to_staff(
        application,
        "application_withdrawn",
        render_staff,
        link=reverse("sekretariat:application", args=[application.pk]),
    )


def letter_links(letters: list[Letter]) -> list[str]:
    """Where the new letters are: the application's page, where each can be downloaded.
    Never the file itself, nor its download address: signed out, that address led through
    the sign-in to a download, and the browser stayed on the sign-in page as if nothing had
    happened (fresh eyes round 20)."""
    if not letters:
        return []
    application = letters[0].application
    link = applicant_link(application, reverse("mine:detail", args=[application.pk]))
    link += "#decision-heading"
    fetch = decision_words(application, "fetch_letter_in_portal")
    lines = [fetch + f"\n{link}"]
    if any(letter.kind == LetterKind.AGREEMENT for letter in letters):
        lines.append(
            _(
                "Bevillingen kræver en samarbejdsaftale. Hent aftalen (PDF) samme sted, "
                "underskriv den og send den til sekretariatet."
            )
        )
    return lines


def notify_decision(application: Application, letters: list[Letter] = ()) -> None:
    from grants.documents.letters import (
        appeal_heading,
        appeal_paragraphs,
        condition_text,
        payment_text,
        report_lines,
    )

    decision = application.decision
    allocations = list(decision.allocations.select_related("pool"))
    # Once, not per recipient: the label is translated in each one's language below.
    rows = year_rows(decision)
    how_much = extent(decision, rows)

    def render():
        lines = [
            decision_words(application, "made_on")
            % {"title": application.title, "outcome": extent_label(how_much)}
        ]
        for allocation in allocations:
            lines.append(
                _("Bevilget for %(year)s: %(amount)s")
                % {"year": allocation.pool.year, "amount": format_kroner(allocation.amount)}
            )
        # A year asked for and given nothing is said too (fresh eyes round 10: only the
        # granted year was listed, as if the other had not been asked for).
        if how_much != REFUSED:
            for row in rows:
                if row.granted == 0 and row.requested > 0:
                    values = {"year": row.year, "amount": format_kroner(row.requested)}
                    lines.append(
                        _("Ikke afgjort for %(year)s (søgt: %(amount)s): ") % values
                        + row.no_pool_note
                        if row.no_pool
                        else _("Ikke bevilget for %(year)s (søgt: %(amount)s)") % values
                    )
        # The grant's conditions and reports due, as the letter has them, and the free
        # text under the letter's heading (fresh eyes round 13: the mail said nothing of the
        # evaluation, and called the free text "Vilkår").
        # The reports under their own heading, as in the letter (fresh eyes round 34: "Slutrapport
        # senest …" ran on from the agreement's paragraph).
        reports = "\n".join(report_lines(decision))
        # What the grantee must do first, then the reasons and the guidance (fresh eyes
        # round 31: the legal text came before "what you must do now").
        for label, text in (
            (_("Meddelelse"), decision.message),
            (_("Vilkår"), condition_text(decision)),
            (_("Afrapportering"), reports),
            (_("Øvrige vilkår"), decision.other_conditions),
            (_("Udbetaling"), payment_text(decision)),
            (_("Begrundelse"), decision.reasons),
            # The guidance in full, as the letter and the page give it (fresh eyes round 21).
            (appeal_heading(application), appeal_paragraphs(decision)),
        ):
            if text:
                colon = "" if label.endswith("?") else ":"  # "Kan beslutningen påklages?"
                lines.append(f"{label}{colon}\n{text}")
        lines += letter_links(letters)
        subject = f"{decision_words(application, 'noun')}: {application.title}"
        return subject, "\n\n".join(lines)

    _queue(application, "decision", render)


def report_people(report: Report) -> list:
    """Who sent the report, beside the application's own recipients."""
    return [report.submitted_by] if report.submitted_by_id else []


def notify_report_requested(report: Report) -> None:
    from grants.services.reports import sendable_from

    # A report on a year that has not begun can be written now, but sent only from its
    # first day: said in the mail, not found out at "Send" (fresh eyes round 22).
    from_year = sendable_from(report)

    def render():
        body = _("Sekretariatet beder om %(kind)s for »%(title)s« senest %(due)s.") % {
            "kind": report.get_kind_display().lower(),
            "title": report.application.title,
            # As everywhere else: "30. juni 2027" (fresh eyes round 13).
            "due": date_format(report.due_date, "DATE_FORMAT"),
        }
        if from_year is not None:
            body += " " + _(
                "Du kan skrive den allerede nu, men den kan først sendes fra 1. januar %(year)s."
            ) % {"year": from_year}
        return _("Afrapportering ønskes: %(title)s") % {"title": report.application.title}, body

    _queue(report.application, "report_requested", render, report=report)


def notify_report_returned(report: Report) -> None:
    def render():
        return (
            _("Afrapportering sendt retur: %(title)s") % {"title": report.application.title},
            _("Sekretariatet har sendt rapporten retur:\n\n%(comment)s")
            % {"comment": report.staff_comment},
        )

    # To the report itself, to put right and send again (fresh eyes round 34: the mail led to
    # the application, the report further down its page).
    _queue(report.application, "report_returned", render, report_people(report), report=report)


def notify_report_accepted(report: Report) -> None:
    """The applicant hears that the report is accepted, and what follows for money left over
    (fresh eyes round 13: an accepted report was not told, so the association kept waiting)."""
    from grants.services.reports import repayment_due

    repay = repayment_due(report)

    def render():
        lines = [
            _("Sekretariatet har godkendt %(kind)s for »%(title)s«.")
            % {"kind": report.definite_kind, "title": report.application.title}
        ]
        if report.staff_comment:
            lines.append(
                _("Sekretariatets bemærkning:\n%(comment)s") % {"comment": report.staff_comment}
            )
        if repay:
            lines.append(
                _(
                    "Rapporten oplyser %(amount)s som ubrugte midler. Beløbet skal som regel "
                    "betales tilbage; sekretariatet kontakter jer om det."
                )
                % {"amount": format_kroner(report.unspent_amount)}
            )
        subject = _("Afrapportering godkendt: %(title)s") % {"title": report.application.title}
        return subject, "\n\n".join(lines)

    _queue(report.application, "report_accepted", render, report_people(report))


def notify_report_submitted(report: Report) -> None:
    """A receipt to the applicant's side and a notice to the committee staff of the case, as
    for messages (fresh eyes round 14: a report was sent and nobody heard of it)."""
    from grants.case_notifications import to_staff

    application = report.application

    def receipt():
        return (
            _("Afrapportering modtaget: %(title)s") % {"title": application.title},
            _(
                "Sekretariatet har modtaget %(kind)s for »%(title)s«. Du får en e-mail, når "
                "den er gennemgået."
            )
            % {"kind": report.definite_kind, "title": application.title},
        )

    _queue(application, "report_submitted", receipt)

    def notice():
        return (
            _("Afrapportering indsendt: %(title)s") % {"title": application.title},
            _("%(kind)s for »%(title)s« er indsendt og venter på at blive gennemgået.")
            % {"kind": report.get_kind_display(), "title": application.title},
        )

    to_staff(
        application,
        "report_submitted",
        notice,
        link=reverse("sekretariat:report", args=[report.pk]),
    )


def _notify_drafts(pool, kind: str, subject: str, news: str, **moments) -> None:
    """Each of the pool's drafts' people: `news` (a msgid with %(pool)s, %(title)s,
    %(deadline)s and the `moments`' names); rendered in each person's language."""
    drafts = pool.applications.filter(status=ApplicationStatus.DRAFT).select_related(
        "created_by", "pool"
    )
    for application in drafts:

        def render(application=application):
            shown = {
                name: date_format(timezone.localtime(moment), "DATETIME_FORMAT")
                for name, moment in {"deadline": pool.application_deadline, **moments}.items()
            }
            lines = [
                _(news)
                % {"pool": pool.title, "title": application.title or _("(uden titel)"), **shown}
            ]
            # Whom to ask stands in the sign-off (`sign_off`).
            return _(subject) % {"pool": pool.title}, "\n\n".join(lines)

        _queue(application, kind, render)


def notify_pool_closed_early(pool, closed_at, deadline) -> None:
    """The pool was closed before its deadline, so the drafts cannot be sent (fresh eyes
    round 15: the draft just dropped out of "Venter på dig")."""
    _notify_drafts(
        pool,
        "pool_closed_early",
        gettext_noop("Puljen er lukket: %(pool)s"),
        gettext_noop(
            "%(pool)s blev lukket for ansøgninger %(when)s, før fristen %(deadline)s. "
            "Din kladde »%(title)s« blev ikke sendt og kan ikke længere sendes til "
            "puljen."
        ),
        when=closed_at,
        deadline=deadline,
    )


def notify_pool_reopened(pool) -> None:
    """Opened again after it was closed: the drafts' people were told their draft could no
    longer be sent (fresh eyes round 20: nobody heard that it could again)."""
    _notify_drafts(
        pool,
        "pool_reopened",
        gettext_noop("Puljen er åbnet igen: %(pool)s"),
        gettext_noop(
            "%(pool)s er åbnet for ansøgninger igen. Din kladde »%(title)s« kan nu sendes, "
            "senest %(deadline)s."
        ),
    )


def notify_deadline_moved_earlier(pool, deadline_before) -> None:
    """The deadline the drafts' people were told of is now earlier (fresh eyes round 18)."""
    _notify_drafts(
        pool,
        "pool_deadline_moved",
        gettext_noop("Ny ansøgningsfrist: %(pool)s"),
        gettext_noop(
            "Ansøgningsfristen for %(pool)s er rykket frem fra %(before)s til "
            "%(deadline)s. Din kladde »%(title)s« skal sendes inden den nye frist."
        ),
        before=deadline_before,
    )
