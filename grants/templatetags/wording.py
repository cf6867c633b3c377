from django import template
from django.utils.translation import gettext as _

from grants import wording
from portal.templatetags.text import BULLET

register = template.Library()


@register.simple_tag
def copy_heading(application, field, default):
    """{% copy_heading application "purpose" _("Formål/forandringsteori") %}"""
    return wording.copy_heading(application, field, default)


@register.simple_tag
def decision_word(application, key) -> str:
    """{% decision_word application "noun" %}: "Beslutning" for a department, "Afgørelse"
    for an association (grants.wording.DECISION_WORDS)."""
    return wording.decision_words(application, key)


@register.filter
def abbreviated(committee) -> str:
    """{{ project.committee|abbreviated }}: its abbreviation with its name, as the cards
    write it (grants.cards.abbreviated_committees)."""
    from grants.cards import NamedCommittee, abbreviated_committees

    return abbreviated_committees(NamedCommittee(committee.abbreviation, committee.name), [])


@register.filter
def committees(application) -> str:
    """ "AUU/UU": the responsible committee, then the co-committees; one way on every page,
    PDF and sheet (fresh eyes round 12: the recommendation left the co-committees out)."""
    from grants.selectors import committees_label

    return committees_label(application) or "–"


@register.simple_tag
def copy_numbers(application) -> dict[str, int]:
    """{% copy_numbers application as number %}: the numbers the application's form showed."""
    from grants.services.submission import uses_short_form

    return wording.heading_numbers(uses_short_form(application))


@register.filter
def text_lines(text: str) -> list[str]:
    """Staff's lines of a text typed one point a line, without the bullet signs they may
    have typed ("- ", "• "), for a list as the page's other points (fresh eyes round 18:
    the call's criteria were bare lines between bulleted lists)."""
    lines = (line.strip() for line in (text or "").splitlines())
    return [BULLET.sub("", line).strip() or line for line in lines if line]


@register.filter
def years_list(missing) -> str:
    """ "2028", "2028 og 2029", "2028, 2029 og 2030": the years of missing pools."""
    from django.utils.text import get_text_list

    return get_text_list([str(m.year) for m in missing], _("og"))


@register.filter
def asked_years(requested_amounts) -> list:
    """The years asked for: a year left at 0 kr. on the form was not asked for (fresh eyes
    round 20: the list said "2028: 0 kr." for a one-year project)."""
    return wording.asked_years_and_total(requested_amounts)[0]


@register.simple_tag
def status_word(status: str, application, applicant: bool = False) -> str:
    """{% status_word change.to_status application for_applicant %}: a status of the case's
    history as the page's reader names it (Application.label_of)."""
    return application.label_of(status, applicant=bool(applicant))
