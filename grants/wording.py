"""The words an association's volunteer reads for the application's headings (issue 16,
item 5): the form's labels and the submit page's list of what is missing use the same ones,
so a volunteer can match one with the other (fresh eyes round 10)."""

from django.utils.translation import gettext_lazy as _

# An association's volunteer reads the same form in plain words (issue 16, item 5): what the
# question asks is the same, the civil servant's words ("indsats", "forankring") are not.
ORGANISATION_WORDS = {
    "title": (_("Projektets navn"), _("Et kort navn, fx »Lektiecafé for nye danskere«.")),
    "committee": (
        _("Hvilket udvalg i kommunen hører projektet under? (kan springes over)"),
        _("Ved I det ikke, så spring over. Kommunen finder det rigtige udvalg."),
    ),
    "co_committees": (
        _("Andre udvalg (kan springes over)"),
        _("Kun hvis projektet også hører under et andet udvalg."),
    ),
    "continues": (
        _("Fortsætter projektet et af jeres tidligere projekter?"),
        _("Vælg det tidligere projekt, hvis I søger om at fortsætte det."),
    ),
    "previous_funding_text": (
        _("Har foreningen fået penge fra puljen før?"),
        _("Fx »Ja, 100.000 kr. i 2020 til lektiecaféen« – eller »Nej«."),
    ),
    "goals": (
        _("Hvilke af kommunens mål hjælper projektet med?"),
        _("Vælg et eller flere mål fra kommunens politik."),
    ),
    "resources": (
        _("Hvad bygger projektet på? (kan springes over)"),
        _("Vælg det, der passer – eller spring over."),
    ),
    "other_policy_goals": (
        _("Andre mål, projektet hjælper med (kan springes over)"),
        _("Fx mål fra andre planer i kommunen eller jeres egne mål."),
    ),
    "target_group": (
        _("Hvem er projektet for?"),
        _("Fx nyankomne familier i Nordvest eller unge kvinder, der vil lære dansk."),
    ),
    "challenge": (
        _("Hvilket problem vil I hjælpe med?"),
        _("Fortæl, hvad I ser i jeres arbejde, og hvorfor der er brug for projektet."),
    ),
    "purpose": (
        _("Hvad vil I opnå?"),
        _("Hvad bliver bedre for deltagerne, og hvorfor tror I, at projektet virker?"),
    ),
    "description": (
        _("Hvad skal der ske i projektet?"),
        _("Aktiviteter, hvor ofte, hvor mange deltagere og frivillige."),
    ),
    "continuation_learnings": (
        _("Hvad har virket, og hvad gør I anderledes? (kun hvis projektet fortsætter)"),
        "",
    ),
    "anchoring": (
        _("Hvordan fortsætter arbejdet, når pengene er brugt?"),
        _("Fx flere frivillige, andre fonde eller et samarbejde med en skole."),
    ),
    "partners": (
        _("Hvem samarbejder I med?"),
        _("Fx andre foreninger, skoler, biblioteker eller kommunen."),
    ),
    "other_funding": (
        _("Får projektet penge fra andre steder?"),
        _("Fx fonde, kontingenter eller andre puljer – og hvor meget."),
    ),
    "amount_note": (_("Bemærkning til beløbet"), _("Fx hvad pengene skal bruges til.")),
    "sdgs": (_("FN's verdensmål"), _("Kan springes over: de verdensmål, projektet hjælper med.")),
}

# The headings of an association's application where it is read back (its copy on the case
# pages, the receipt and its PDF): the short forms of the questions its form asked, for
# whoever reads it. Departments' copies keep the headings of the municipality's form.
ORGANISATION_COPY_HEADINGS = {
    "title": _("Projektets navn"),
    "committee": _("Hvilket udvalg i kommunen hører projektet under?"),
    "amounts": _("Hvor mange penge søger I?"),
    "contacts": _("Hvem kan kommunen kontakte?"),
    "previous_funding_text": _("Har I fået penge fra puljen før?"),
    "goals": _("Kommunens mål"),
    "other_policy_goals": _("Andre mål"),
    "target_group": _("Deltagerne"),
    "challenge": _("Hvorfor er der brug for projektet?"),
    "purpose": _("Hvad vil I opnå?"),
    "description": _("Hvad skal der ske?"),
    "continuation_learnings": _(
        "Hvad har virket, og hvad gør I anderledes? (kun hvis projektet fortsætter)"
    ),
    "success_criteria": _("Hvordan ser I, at det lykkes?"),
    "anchoring": _("Når pengene er brugt"),
    "partners": _("Samarbejdspartnere"),
    "other_funding": _("Andre penge til projektet"),
}


def copy_heading(application, field: str, default: str) -> str:
    """A heading of the application's copy: the association's words for an association's
    application, `default` (the municipality's form) otherwise. One rule for the pages and
    the PDF: the words follow the form that was filled in, not who reads it."""
    if application.organisation_id and field in ORGANISATION_COPY_HEADINGS:
        return str(ORGANISATION_COPY_HEADINGS[field])
    return str(default)


# The form's headings in order (templates/grants/caseworker/edit.html); the short form's
# leave-outs are named as in grants.services.submission.SHORT_FORM_OPTIONAL.
HEADINGS = [
    "title", "amounts", "contacts", "previous", "goals", "other_goals", "target_group",
    "challenge", "purpose", "description", "success_criteria", "anchoring", "partners",
    "other_funding", "sdgs",
]  # fmt: skip


def heading_numbers(short: bool) -> dict[str, int]:
    """Heading numbers without gaps: the short form numbers only what it shows. One rule
    for the form and every copy of the application (fresh eyes round 13: the form, the
    submit page and the case page numbered the same answers three ways)."""
    from grants.services.submission import SHORT_FORM_OPTIONAL

    shown = [name for name in HEADINGS if not (short and name in SHORT_FORM_OPTIONAL)]
    return {name: number for number, name in enumerate(shown, start=1)}


# A municipal department applying to its municipality's pool gets a "beslutning": it is no
# "afgørelse" under forvaltningsloven (no § 22 reasons, no complaint), which is what an
# association gets (fresh eyes rounds 28–31 found the two mixed on one page). Every page,
# form, message, mail and letter takes its words from here: (department, association).
DECISION_WORDS = {
    "noun": (_("Beslutning"), _("Afgørelse")),
    "record": (_("Registrér beslutning"), _("Registrér afgørelse")),
    "recorded": (_("Beslutningen er registreret."), _("Afgørelsen er registreret.")),
    "appeal_heading": (_("Kan beslutningen påklages?"), _("Klagevejledning")),
    "fetch_letter": (_("Hent brevet med beslutningen (PDF)"), _("Hent afgørelsesbrevet (PDF)")),
    "fetch_letter_in_portal": (
        _("Hent brevet med beslutningen (PDF) på ansøgningens side i portalen:"),
        _("Hent afgørelsesbrevet (PDF) på ansøgningens side i portalen:"),
    ),
    "made_on": (
        _("Der er truffet beslutning om »%(title)s«: %(outcome)s."),
        _("Der er truffet afgørelse om »%(title)s«: %(outcome)s."),
    ),
    "already_recorded": (
        _(
            "Ansøgningen er allerede afgjort: »%(outcome)s«%(amount)s, registreret af %(who)s "
            "den %(when)s. Din beslutning er ikke gemt."
        ),
        _(
            "Ansøgningen er allerede afgjort: »%(outcome)s«%(amount)s, registreret af %(who)s "
            "den %(when)s. Din afgørelse er ikke gemt."
        ),
    ),
    "already_made": (
        _("Der er allerede truffet beslutning om denne ansøgning."),
        _("Der er allerede truffet afgørelse om denne ansøgning."),
    ),
    "meeting_in_future": (
        _("Mødedatoen kan ikke ligge i fremtiden. Registrér beslutningen efter mødet."),
        _("Mødedatoen kan ikke ligge i fremtiden. Registrér afgørelsen efter mødet."),
    ),
    "committee_missing": (
        _("Angiv det udvalg, der har truffet beslutningen."),
        _("Angiv det udvalg, der har truffet afgørelsen."),
    ),
    "reasons_missing": (
        _(
            "En beslutning, der ikke giver fuldt ud medhold, skal have en begrundelse og en "
            "tekst om, hvorvidt den kan påklages."
        ),
        _(
            "En afgørelse, der ikke giver fuldt ud medhold, skal have en begrundelse "
            "(forvaltningsloven § 22) og en klagevejledning."
        ),
    ),
    "grant_after": (
        _("Tilskuddet gives for %(years)s efter beslutningen af %(date)s."),
        _("Tilskuddet gives for %(years)s efter afgørelsen af %(date)s."),
    ),
    "deadline_before": (
        _("Fristen kan ikke ligge før beslutningen (%(date)s)."),
        _("Fristen kan ikke ligge før afgørelsen (%(date)s)."),
    ),
    "signed_before": (
        _("Samarbejdsaftalen kan ikke være underskrevet før beslutningen (%(date)s)."),
        _("Samarbejdsaftalen kan ikke være underskrevet før afgørelsen (%(date)s)."),
    ),
}


def decision_words(application, key: str) -> str:
    """The words for `key` in DECISION_WORDS, as this application's decision is called."""
    department, association = DECISION_WORDS[key]
    return str(department if application.from_own_department else association)


def asked_years_and_total(requested_amounts) -> tuple[list, object]:
    """The years asked for (a year left at 0 kr. was not) and their total when there is more
    than one, else None: "I alt" wherever an application's amounts are listed, the form,
    the submit page, the receipt, its mail and its PDF alike (fresh eyes round 31)."""
    rows = [row for row in requested_amounts if row.amount]
    total = sum((row.amount for row in rows), 0) if len(rows) > 1 else None
    return rows, total
