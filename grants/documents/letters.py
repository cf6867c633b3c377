"""The letters of the case as PDF (issue 16, item 7): the decision letter (afgørelse) and the
cooperation agreement (samarbejdsaftale). Built with the same ReportLab machinery as the
application's PDF (grants.documents.pdf).

The decision letter gives what forvaltningsloven asks of a written decision: the reasons
(§ 22) with the rules the decision builds on and the main considerations (§ 24), and the
appeal guidance (§ 25). A grant from a municipality's own pool is given under the
municipality's own powers (kommunalfuldmagten, or e.g. serviceloven § 18 for voluntary social
work) and cannot be appealed to another administrative authority; the letter says so and says
where the applicant can still turn: the municipality itself, and Folketingets Ombudsmand."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from grants.decision_extent import (
    FULL,
    REFUSED,
    YearRow,
    extent,
    extent_label,
    no_pool_note,
    year_rows,
)
from grants.models import Application, Decision, DecisionOutcome, GrantCondition, Report
from grants.wording import decision_words
from portal.money import ZERO, format_kroner

from .content import criterion_line
from .pdf import FONT_BOLD, PRIMARY, STYLES, TABLE_STYLE, build, money, paragraphs, text

# A letter's own headings: no table of contents or bookmarks (those follow "h1" and "h2").
STYLES.setdefault(
    "letter_sender",
    ParagraphStyle("letter_sender", fontName=FONT_BOLD, fontSize=12, leading=15, textColor=PRIMARY),
)
STYLES.setdefault(
    "letter_heading",
    ParagraphStyle(
        "letter_heading",
        fontName=FONT_BOLD,
        fontSize=11,
        leading=14,
        spaceBefore=10,
        spaceAfter=4,
        textColor=PRIMARY,
        keepWithNext=1,
    ),
)


def default_legal_basis() -> str:
    return _(
        "Tilskud fra puljen gives efter kommunalfuldmagtsreglerne (de ulovbestemte regler om, "
        "hvilke opgaver en kommune må varetage) og efter puljens formål og kriterier, som de er "
        "beskrevet i opslaget af puljen."
    )


def _sender(application: Application) -> list:
    pool = application.pool
    return [
        text(application.municipality.name, "letter_sender"),
        text(pool.title),
        Spacer(1, 6),
    ]


def _recipient(application: Application, issued) -> list:
    lines = [application.applicant_name]
    contact = application.contacts.first()
    if contact is not None:
        lines.append(_("Att.: %(name)s") % {"name": contact.name})
    # An association's postal address, as it gave it (fresh eyes round 12: a letter to a
    # name only); a department is reached inside the municipality.
    organisation = application.organisation
    if organisation is not None and organisation.address.strip():
        name = application.applicant_name.casefold()
        for line in organisation.address.strip().splitlines():
            line = line.strip()
            # The name is the first line already (fresh eyes round 29: "FAKTI / Att.: … /
            # FAKTI c/o Birgit Nielsen" from an address typed with the name in it).
            if line.casefold().startswith(name):
                line = line[len(name) :].strip(" ,")
            if line:
                lines.append(line)
    return [
        text("\n".join(lines)),
        Spacer(1, 4),
        text(date_format(issued, "DATE_FORMAT")),
        Spacer(1, 10),
    ]


def _amount_table(rows: list[YearRow]) -> Table:
    data = [
        [
            text(_("År"), "cell_bold"),
            # Over the amounts, right-aligned as they are (fresh eyes round 28).
            text(_("Ansøgt"), "cell_right_bold"),
            text(_("Bevilget"), "cell_right_bold"),
        ]
    ]
    for row in rows:
        # A year with no pool at the decision was not decided: not "0 kr." (fresh eyes 13).
        # Right-aligned as the amounts it stands among (fresh eyes rounds 17 and 18).
        granted = text(_("ikke afgjort *"), "cell_right") if row.no_pool else money(row.granted)
        data.append([text(str(row.year), "cell"), money(row.requested), granted])
    data.append(
        [
            text(_("I alt"), "cell_bold"),
            money(sum((r.requested for r in rows), ZERO), bold=True),
            money(sum((r.granted for r in rows), ZERO), bold=True),
        ]
    )
    table = Table(data, colWidths=[30 * mm, 40 * mm, 40 * mm], hAlign="LEFT")
    table.setStyle(TABLE_STYLE)
    return table


def amount_block(rows: list[YearRow]) -> list:
    """The table, and under it why a year is "ikke afgjort *" (letter and agreement alike)."""
    block = [_amount_table(rows)]
    for row in rows:
        if row.no_pool:
            block += [Spacer(1, 4), *paragraphs(f"* {no_pool_note(row.year)}")]
    return block


def default_appeal_guidance(pool, application=None) -> str:
    """The appeal guidance the decision form starts with, on the pool's own legal basis
    (fresh eyes round 10: a § 18 pool's letter said "Lov om social service § 18" under its
    rules and "kommunalfuldmagtsreglerne" in its appeal guidance). A department of the
    municipality is told that its grant cannot be appealed, and why (fresh eyes round 18: it
    was sent to Ankestyrelsen)."""
    if application is not None and application.from_own_department:
        return _(
            # Said of the decision either way: the form starts with it before the outcome is
            # chosen, and a refusal has no "bevilling" (fresh eyes round 21).
            # "i forvaltningslovens forstand": the letter is headed "Afgørelse", and a bare "not
            # an afgørelse" read as a contradiction (fresh eyes round 24).
            "Beslutningen fordeler puljens midler mellem kommunens egne enheder. Den er derfor "
            "ikke en afgørelse i forvaltningslovens forstand og kan ikke påklages."
        )
    basis = pool.legal_basis.strip() or _("kommunalfuldmagtsreglerne")
    return _(
        "Tilskud fra puljen gives efter %(basis)s, og afgørelsen kan ikke påklages til anden "
        "administrativ myndighed. Mener du, at afgørelsen er ulovlig, kan du rette henvendelse "
        "til Ankestyrelsen, som fører tilsyn med kommunerne."
    ) % {"basis": basis}


def _who_decided(decision: Decision) -> str:
    if decision.under_delegation:
        if decision.application.from_own_department:
            return _("Sekretariatet har truffet beslutningen efter delegation fra udvalget")
        return _("Sekretariatet har truffet afgørelsen efter delegation fra udvalget")
    committee = str(decision.committee or _("Udvalget"))
    if decision.meeting_date:
        return _("%(committee)s har behandlet ansøgningen på sit møde den %(date)s") % {
            "committee": committee,
            "date": date_format(decision.meeting_date, "DATE_FORMAT"),
        }
    return _("%(committee)s har behandlet ansøgningen") % {"committee": committee}


def report_lines(decision: Decision) -> list[str]:
    """What the grant asks the applicant to report, and when."""
    if decision.outcome != DecisionOutcome.APPROVED:
        return []
    lines = []
    for report in Report.objects.filter(application=decision.application).order_by("due_date"):
        lines.append(
            _("%(kind)s senest %(due)s")
            % {
                "kind": report.get_kind_display(),
                "due": date_format(report.due_date, "DATE_FORMAT"),
            }
        )
    if decision.condition == GrantCondition.EVALUATION and not lines and decision.evaluation_due:
        lines.append(
            _("Evaluering senest %(due)s")
            % {"due": date_format(decision.evaluation_due, "DATE_FORMAT")}
        )
    return lines


def condition_text(decision: Decision) -> str:
    if (
        decision.condition == GrantCondition.COOPERATION_AGREEMENT
        and decision.application.from_own_department
    ):
        # A department is part of the administration: its agreement is with the pool's
        # secretariat (fresh eyes round 18).
        return _(
            "Bevillingen er på %(threshold)s eller mere i alt. Derfor skal I indgå en "
            "samarbejdsaftale med puljens sekretariat, før projektet går i gang. Aftalen ligger "
            "i sagen i portalen; underskriv den og send den tilbage til sekretariatet."
        ) % {"threshold": format_kroner(decision.application.pool.evaluation_threshold)}
    if decision.condition == GrantCondition.COOPERATION_AGREEMENT:
        return _(
            "Bevillingen er på %(threshold)s eller mere i alt. Derfor skal I indgå en "
            "samarbejdsaftale med forvaltningen, før projektet går i gang. Aftalen ligger i sagen "
            "i portalen; underskriv den og send den tilbage til sekretariatet."
        ) % {"threshold": format_kroner(decision.application.pool.evaluation_threshold)}
    if decision.condition == GrantCondition.EVALUATION:
        return _(
            "Bevillingen er under %(threshold)s i alt. I skal sende en evaluering af projektet "
            "året efter."
        ) % {"threshold": format_kroner(decision.application.pool.evaluation_threshold)}
    return ""


def payment_text(decision: Decision) -> str:
    """How a grant's money reaches the grantee, for the page, the mail and the letter (fresh
    eyes round 31: a treasurer's first question, "when does the money come, and to which
    account?", was answered nowhere). Payments are the finance system's (docs/decisions.md):
    this says where they go and what the grantee must do, never a date the portal cannot
    keep. Empty for a refusal and for a decision made before the portal."""
    if decision.outcome != DecisionOutcome.APPROVED or decision.source:
        return ""
    application = decision.application
    if application.from_own_department:
        return _(
            "Sekretariatet sørger for, at bevillingen bliver overført til jeres budget, år for "
            "år. I skal ikke selv gøre noget for at få pengene."
        )
    text = _(
        "Kommunen udbetaler tilskuddet til foreningens NemKonto: den bankkonto, der er "
        "knyttet til foreningens CVR-nummer. Et tilskud for flere år udbetales år for år."
    )
    organisation = application.organisation
    if organisation is not None and not organisation.cvr:
        text += " " + _(
            "Kommunen kender endnu ikke foreningens CVR-nummer, og uden det kan pengene ikke "
            "udbetales. Send CVR-nummeret til sekretariatet i en besked i sagen."
        )
    return text


def appeal_heading(application: Application) -> str:
    # A department cannot appeal: the heading asks what the text answers (fresh eyes round
    # 29: "Klageadgang" above "kan ikke påklages").
    return decision_words(application, "appeal_heading")


def appeal_paragraphs(decision: Decision) -> str:
    if decision.application.from_own_department:
        # Inside the municipality: no Ombudsman, no reconsideration as of a decision; a word
        # to the secretariat (fresh eyes round 18: a department got a citizen's guidance).
        guidance = decision.appeal_guidance.strip() or default_appeal_guidance(
            decision.application.pool, decision.application
        )
        # Of the decision, granted or refused (fresh eyes round 21: "bevillingen" on a refusal).
        disagree = _("Er I uenige i beslutningen, så skriv til sekretariatet i sagen i portalen.")
        return f"{guidance}\n\n{disagree}"
    guidance = decision.appeal_guidance.strip() or _(
        "Afgørelsen kan ikke påklages til anden administrativ myndighed, fordi tilskud fra "
        "puljen gives efter kommunens egne regler for puljen."
    )
    return "\n\n".join(
        [
            guidance,
            _(
                "Er du uenig i afgørelsen, kan du skrive til kommunen og bede om, at den "
                "genovervejes. Skriv til sekretariatet i sagen i portalen."
            ),
            _(
                "Du kan også klage til Folketingets Ombudsmand, når kommunen har taget stilling "
                "til din henvendelse. Klagen skal være sendt inden 12 måneder efter afgørelsen "
                "(ombudsmandsloven § 13). Læs mere på www.ombudsmanden.dk."
            ),
        ]
    )


def reasons_text(decision: Decision, kind: str) -> str:
    if decision.reasons.strip():
        return decision.reasons
    if kind == FULL and decision.application.from_own_department:
        return _("I har fået det, I søgte om.")
    if kind == FULL:
        return _(
            "I har fået fuldt medhold i ansøgningen. Afgørelsen har derfor ingen nærmere "
            "begrundelse (forvaltningsloven § 22)."
        )
    return "–"


def decision_letter_pdf(decision: Decision, *, issued=None) -> bytes:
    application = decision.application
    pool = application.pool
    issued = issued or timezone.localdate()
    rows = year_rows(decision)
    kind = extent(decision, rows)
    granted_total = sum((row.granted for row in rows), ZERO)
    # A department gets a "beslutning": it is no afgørelse in the law's sense, which its
    # appeal part says (fresh eyes rounds 24-25: "Afgørelse" above "not an afgørelse").
    internal = application.from_own_department
    title = _("Beslutning om tilskud") if internal else _("Afgørelse om tilskud")
    outcome = _("Beslutning: %(extent)s") if internal else _("Afgørelse: %(extent)s")
    story = _sender(application) + _recipient(application, issued)
    story += [
        text(title, "title"),
        text(
            _("Vedrørende ansøgningen »%(title)s« til %(pool)s")
            % {"title": application.title, "pool": pool.title},
            "subtitle",
        ),
        text(outcome % {"extent": extent_label(kind)}, "letter_heading"),
    ]
    if kind == REFUSED:
        summary = _("%(who)s og har besluttet ikke at give tilskud.")
    else:
        summary = _("%(who)s og har besluttet at give tilskud på %(total)s i alt.")
    story += paragraphs(
        summary % {"who": _who_decided(decision), "total": format_kroner(granted_total)}
    )
    story += [text(_("Beløb pr. år"), "letter_heading"), *amount_block(rows)]
    if decision.message:
        story += [text(_("Meddelelse"), "letter_heading"), *paragraphs(decision.message)]
    if payment_text(decision):
        story += [text(_("Udbetaling"), "letter_heading"), *paragraphs(payment_text(decision))]
    if kind != REFUSED:
        story.append(text(_("Vilkår"), "letter_heading"))
        story += paragraphs(condition_text(decision) or _("Ingen særlige vilkår."))
        if decision.conditions_text:
            story += [text(_("Øvrige vilkår"), "label"), *paragraphs(decision.conditions_text)]
        criteria = [criterion_line(c) for c in application.success_criteria.all()]
        if criteria:
            story += [
                text(_("Succeskriterier, som projektet skal afrapportere på"), "label"),
                *paragraphs("\n".join(f"• {line}" for line in criteria)),
            ]
        story += [text(_("Afrapportering"), "letter_heading")]
        story += paragraphs(
            "\n".join(report_lines(decision))
            or _("Sekretariatet fortæller jer, hvornår der skal afrapporteres.")
        )
    story += [
        text(_("Begrundelse"), "letter_heading"),
        *paragraphs(reasons_text(decision, kind)),
        text(
            _("Regler, beslutningen bygger på") if internal else _("Regler, afgørelsen bygger på"),
            "label",
        ),
        *paragraphs(pool.legal_basis.strip() or default_legal_basis()),
    ]
    if pool.contact.strip():
        # Whom to ask (fresh eyes round 10: the letter named no one, only the municipality).
        # Together: the name on one page and the address on the next read as two contacts
        # (fresh eyes round 18).
        story.append(
            KeepTogether(
                [
                    text(
                        _("Spørgsmål til beslutningen")
                        if internal
                        else _("Spørgsmål til afgørelsen"),
                        "letter_heading",
                    ),
                    *paragraphs(pool.contact.strip()),
                ]
            )
        )
    appeal = paragraphs(appeal_paragraphs(decision))
    closing = [Spacer(1, 10), text(_("Med venlig hilsen")), text(application.municipality.name)]
    # The appeal section and the greeting move to the next page together: its last lines
    # and the greeting alone on a page read as cut off (fresh eyes rounds 28 and 29).
    story.append(
        KeepTogether([text(appeal_heading(application), "letter_heading"), *appeal, *closing])
    )
    return build(story, title=f"{title}: {application.title}")


def agreement_pdf(decision: Decision, *, issued=None) -> bytes:
    """The cooperation agreement between the municipality and the grantee, ready to sign."""
    application = decision.application
    issued = issued or timezone.localdate()
    rows = [row for row in year_rows(decision) if row.granted > 0]
    title = _("Samarbejdsaftale")
    # A department's agreement is made inside the municipality, with the pool's secretariat
    # (fresh eyes round 31: "between Frederiksberg Kommune and Center for Integration").
    internal = application.from_own_department
    parties = (
        _(
            "Aftalen er indgået mellem sekretariatet for %(pool)s i %(municipality)s og "
            "%(applicant)s."
        )
        if internal
        else _("Aftalen er indgået mellem %(municipality)s og %(applicant)s.")
    ) % {
        "pool": application.pool.title,
        "municipality": application.municipality.name,
        "applicant": application.applicant_name,
    }
    story = _sender(application) + [
        text(title, "title"),
        text(
            _("om projektet »%(title)s« med tilskud fra %(pool)s")
            % {"title": application.title, "pool": application.pool.title},
            "subtitle",
        ),
        text(_("1. Parterne"), "letter_heading"),
        *paragraphs(parties),
        text(_("2. Projektet og formålet"), "letter_heading"),
        *paragraphs(application.purpose or application.description or application.title),
        text(_("3. Tilskuddet"), "letter_heading"),
        *amount_block(year_rows(decision)),
        Spacer(1, 4),
        *paragraphs(
            decision_words(application, "grant_after")
            % {
                "years": _(" og ").join(str(row.year) for row in rows),
                # The decision's date (the committee's meeting), not the day it was typed in.
                "date": date_format(decision.decided_on, "DATE_FORMAT"),
            }
        ),
        text(_("4. Succeskriterier"), "letter_heading"),
        *paragraphs(
            "\n".join(f"• {criterion_line(c)}" for c in application.success_criteria.all())
            or _("Aftales mellem parterne.")
        ),
        text(_("5. Afrapportering og opfølgning"), "letter_heading"),
        *paragraphs(
            "\n".join(report_lines(decision))
            or _("Sekretariatet fortæller jer, hvornår der skal afrapporteres.")
        ),
        *paragraphs(
            _(
                "Projektet mødes med puljens sekretariat mindst én gang om året om, hvordan det "
                "går. Ubrugte midler går tilbage til puljen eller overføres efter aftale med "
                "sekretariatet."
            )
            if internal
            else _(
                "Projektet mødes med forvaltningen mindst én gang om året om, hvordan det går. "
                "Ubrugte midler betales tilbage eller overføres efter aftale med forvaltningen."
            )
        ),
        text(_("6. Øvrige vilkår"), "letter_heading"),
        *paragraphs(decision.conditions_text or _("Ingen.")),
        text(_("7. Ændringer"), "letter_heading"),
        *paragraphs(
            _(
                "Ændres projektet væsentligt, skal sekretariatet godkende det på forhånd. Skriv "
                "til sekretariatet i sagen i portalen."
            )
            if internal
            else _(
                "Ændres projektet væsentligt, skal forvaltningen godkende det på forhånd. Skriv "
                "til sekretariatet i sagen i portalen."
            )
        ),
        text(_("8. Underskrifter"), "letter_heading"),
        _signatures(application, issued),
    ]
    return build(story, title=f"{title}: {application.title}")


def _signing_municipality(application: Application) -> str:
    """Who signs for the municipality: the pool's secretariat for a department of its own."""
    if application.from_own_department:
        return _("sekretariatet for %(pool)s") % {"pool": application.pool.title}
    return application.municipality.name


def _signatures(application: Application, issued) -> Table:
    line = "\n\n\n" + "_" * 34
    data = [
        [
            text(_("For %(party)s") % {"party": _signing_municipality(application)}, "cell_bold"),
            text(_("For %(party)s") % {"party": application.applicant_name}, "cell_bold"),
        ],
        [
            text(_("Dato:") + line + "\n" + _("Underskrift"), "cell"),
            text(_("Dato:") + line + "\n" + _("Underskrift"), "cell"),
        ],
    ]
    table = Table(data, colWidths=[85 * mm, 85 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table
