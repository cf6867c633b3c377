"""The catalogue's repeated parts written in Python: a project card (the catalogue's
results, a goal's projects) and the facets' lists of links.

Django's templates rendered the card through an include with about 40 nodes, loops and
filters: 0.3 ms a card, 20 a page, a fifth of the catalogue's CPU; the facets' hundred
municipalities another 2 ms (issue #17). Written here from the parts
`grants.cards.with_card_parts` gives a project (and `search_excerpt` from
`grants.search.with_excerpts`) and the rows `grants.public.facet_counts` counts, with every
value escaped as the template's autoescaping did, and the same words translated. The
template filter and tag: `{{ project|project_card:marks }}`, `{% facet_links rows query
"kommune" %}` (grants/templatetags/catalogue_html.py).
"""

from django.utils import translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from grants.cards import CarriedMoney
from portal.money import format_kroner
from portal.site import DANISH_PART


def _marked(text, marks) -> str:
    """The text escaped, the search's words in <mark> (grants.search.Marks)."""
    text = "" if text is None else str(text)
    return marks.mark(text) if marks else escape(text)


def _money_line(line) -> str:
    amount = f'<span class="money">{escape(format_kroner(line.amount))}</span>'
    if not isinstance(line, CarriedMoney):
        return amount
    carried = _("restmidler fra %(year)s") % {"year": line.from_year}
    return f"{amount} {carried}" if line.amount is not None else carried


def money_text(project) -> str:
    """ "2021: 75.000 kr. + restmidler fra 2020 · 2022: …", or that it is carried-over money
    only."""
    years = [
        f"{year:d}: " + " + ".join(_money_line(line) for line in lines)
        for year, lines in project.card_money_years
    ]
    return " · ".join(years) if years else escape(_("Finansieret af restmidler"))


def project_card(project, marks=None) -> SafeString:
    """The card's HTML. `marks`: the search's words to mark (grants.search.Marks), or None."""
    da_lang = "" if translation.get_language() == "da" else DANISH_PART
    pool = project.pool
    subtitle = [
        escape(project.municipality.name),
        _("søgt i %(pool)s") % {"pool": escape(pool.title)},
    ]
    if project.committee_id:
        committee = escape(_("Udvalg"))
        subtitle.append(f"{committee}: {conditional_escape(project.card_committees)}")
    if pool.is_example:
        example = escape(_("Eksempeldata"))
        subtitle.append(f'<span class="badge text-bg-secondary">{example}</span>')
    parts = [
        '<article class="card mb-3">\n  <div class="card-body">\n',
        f'    <h3 class="h5 card-title"{da_lang}><a href="{escape(project.card_url)}">'
        f"{_marked(project.title, marks)}</a></h3>\n",
        f'    <p class="card-subtitle small text-body-secondary mb-2">{" · ".join(subtitle)}</p>\n',
    ]
    if project.target_group:
        target_group = escape(_("Målgruppe"))
        parts.append(
            f'    <p class="mb-2"><strong>{target_group}:</strong> '
            f"<span{da_lang}>{_marked(project.card_target_group, marks)}</span></p>\n"
        )
    excerpt = getattr(project, "search_excerpt", "")
    if excerpt:
        parts.append(
            f'    <p class="small mb-2 search-excerpt"{da_lang}>{conditional_escape(excerpt)}</p>\n'
        )
    parts.append(f'    <p class="mb-1">{money_text(project)}</p>\n')
    if project.card_goals:
        tags = "".join(
            f'<span class="badge text-bg-light border goal-tag">{escape(goal.name)}</span> '
            for goal in project.card_goals
        )
        parts.append(f'    <p class="small mb-0">{tags}</p>\n')
    parts.append("  </div>\n</article>\n")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - every value escaped


# A facet's parameter: what a row's link sets it to, and the link's words.
FACETS = {
    "kommune": (lambda row: row["slug"], lambda row: escape(row["name"])),
    "aar": (lambda row: row["year"], lambda row: str(row["year"])),
    "udvalg": (
        lambda row: row["pk"],
        lambda row: f"{escape(row['name'])} ({escape(row['abbreviation'])})",
    ),
}


def facet_links(rows, query: str, key: str) -> SafeString:
    """`<ul>` of a facet's rows, each a link to the results with `key` set to the row's
    value, and its count: "Frederiksberg Kommune (12)"."""
    value_of, words_of = FACETS[key]
    base = escape(f"?{query}&{key}=" if query else f"?{key}=")
    items = "".join(
        f'<li><a href="{base}{escape(value_of(row))}">{words_of(row)}</a> ({row["n"]})</li>'
        for row in rows
    )
    return mark_safe(f'<ul class="list-unstyled">{items}</ul>')  # noqa: S308  # nosec B308 B703
