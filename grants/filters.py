"""The staff review queue's filters and sorting (django-filter); state lives in the URL."""

import functools

import django_filters
from django.db.models import FETCH_PEERS, Count, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from grants.models import Application, ApplicationStatus, RequestedAmount, Review
from grants.public import in_committee
from grants.select_options import committee_options, goal_options, list_options
from policies.models import Goal
from portal.filters import KronerFilter, ListedChoiceFilter, ModelChoiceFilter, OrderedRangesForm
from portal.models import Committee
from portal.money import ZERO

STAFF_STATUSES = [(value, label) for value, label in ApplicationStatus.choices if value != "draft"]


class DanishOrderingFilter(django_filters.OrderingFilter):
    # django-filter's own "%s (descending)" has no Danish translation (attack round 15 saw
    # "Title (descending)" beside the Danish labels).
    descending_fmt = _("%s (faldende)")


class ReviewQueueFilter(django_filters.FilterSet):
    # The empty choice in plain Danish, never Django's "---------".
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STAFF_STATUSES, empty_label=_("Alle")
    )
    # The committee or a co-committee, as the catalogue's filter and the list's "SU/KFU"
    # (fresh eyes round 35: KFU left out the SU/KFU applications).
    committee = ModelChoiceFilter(
        label=_("Udvalg"),
        queryset=Committee.objects.none(),
        empty_label=_("Alle"),
        method="filter_committee",
    )
    goal = ModelChoiceFilter(
        label=_("Mål"), field_name="goals", queryset=Goal.objects.none(), empty_label=_("Alle")
    )
    # Whoever applied: a department or an association (fresh eyes round 39: only the
    # departments were offered, beside a column naming associations too).
    applicant = ListedChoiceFilter(
        label=_("Ansøger"), choices=(), empty_label=_("Alle"), method="filter_applicant"
    )
    amount_min = KronerFilter(
        label=_("Ansøgt i alt fra (kr.)"), field_name="requested_total", lookup_expr="gte"
    )
    amount_max = KronerFilter(
        label=_("Ansøgt i alt til (kr.)"), field_name="requested_total", lookup_expr="lte"
    )
    q = django_filters.CharFilter(
        label=_("Søg i titel"), field_name="title", lookup_expr="icontains"
    )
    sort = DanishOrderingFilter(
        label=_("Sortér efter"),
        empty_label=_("Standard"),
        fields=(
            ("title", "title"),
            ("requested_total", "requested"),
            ("submitted_at", "submitted"),
            ("status", "status"),
            ("committee__abbreviation", "committee"),
        ),
        field_labels={
            "title": _("Titel"),
            "requested_total": _("Ansøgt beløb"),
            "submitted_at": _("Indsendt"),
            "status": _("Status"),
            "committee__abbreviation": _("Udvalg"),
        },
    )

    class Meta:
        model = Application
        fields = []
        form = OrderedRangesForm

    def filter_committee(self, queryset, name, value):
        return queryset.filter(in_committee(value))

    def filter_applicant(self, queryset, name, value):
        kind, pk = value.split("-", 1)
        return queryset.filter(**{APPLICANT_KINDS[kind]: int(pk)})

    def __init__(self, data=None, *args, pool, **kwargs):
        super().__init__(data, *args, **kwargs)
        municipality = pool.municipality_id
        # Each in its order within one municipality or policy: the models' default orders
        # begin with the municipality's name, a join for nothing here.
        committees = Committee.objects.filter(municipality_id=municipality).order_by("abbreviation")
        goals = Goal.objects.filter(policy=pool.policy_id).order_by("kind", "number")
        self.filters["committee"].queryset = committees
        self.filters["goal"].queryset = goals
        # Shown as plain values, not an instance per option (issue #17).
        list_options(self.filters["committee"].field, lambda: committee_options(committees))
        list_options(self.filters["goal"].field, lambda: goal_options(goals))
        # Read once, when the form first asks (to check a value or to show the options).
        self.filters["applicant"].extra["choices"] = functools.cache(
            lambda: applicant_choices(pool)
        )


# An applicant option's value: "department-12", "organisation-7".
APPLICANT_KINDS = {"department": "department_id", "organisation": "organisation_id"}


def applicant_choices(pool) -> list:
    """The pool's applicants as grouped options, departments then associations, each by
    name: only those that applied in the pool (fresh eyes round 36: every unit of the
    municipality was offered, most of them giving no results), in one query."""
    applicants = (
        Application.objects.filter(pool=pool)
        .exclude(status=ApplicationStatus.DRAFT)
        .values_list("department_id", "department__name", "organisation_id", "organisation__name")
        .distinct()
        .order_by("department__name", "organisation__name")
    )
    departments, organisations = [], []
    for department_id, department, organisation_id, organisation in applicants:
        if department_id is not None:
            departments.append((f"department-{department_id}", department))
        elif organisation_id is not None:
            organisations.append((f"organisation-{organisation_id}", organisation))
    groups = [(_("Afdelinger"), departments), (_("Foreninger"), organisations)]
    return [(label, options) for label, options in groups if options]


def with_requested_total(queryset):
    """Each application's total asked, as a correlated subquery (per_application): a join
    and a GROUP BY of the queue's whole rows made its page query and its count several
    times slower (issue #17)."""
    from grants.selectors import per_application

    return queryset.annotate(
        requested_total=Coalesce(
            per_application(RequestedAmount.objects.all(), Sum("amount")), ZERO
        )
    )


# What the queue's rows and files read of an application and its applicant (the rules they
# ask included); a column left out is read once for all rows (FETCH_PEERS), never per row.
QUEUE_FIELDS = (
    "title",
    "number",
    "status",
    "submitted_at",
    "municipality_id",
    "pool_id",
    "department__name",
    "organisation__name",
    "committee__abbreviation",
)


def review_queue(user, pool):
    """The staff's list of a pool's applications, as the page and its exports show it: one
    queryset and one reader of its rows (`queue_rows`), so the page and the files cannot
    drift apart."""
    from grants.access import staff_applications
    from grants.selectors import per_application

    # The number of reviews, counted by the database: the list shows no review itself, and
    # prefetching every review of 50 applications cost 3 ms a page (issue #17).
    reviews = per_application(Review.objects.all(), Count("pk"))
    return (
        with_requested_total(
            staff_applications(user)
            .filter(pool=pool)
            .select_related("committee", "department", "organisation")
            .only(*QUEUE_FIELDS)
            .fetch_mode(FETCH_PEERS)
        )
        .annotate(review_count=Coalesce(reviews, 0))
        .order_by("number", "title")
    )


def queue_rows(applications) -> list[Application]:
    """The queue's rows (`applications` evaluated, in a fixed number of queries), each with
    `row_status` (its status; "Delvis bevilget" from the same amounts as everywhere),
    `row_committees` ("SU/KFU"), `asked` [(year, amount)] in year order, `asked_cell`
    ("2027: 100.000 kr.<br>…", grants.cards.year_lines) and `link` (its case page). Plain
    values, one query per relation, not prefetched: a related manager and a filtered
    queryset per application and relation were a sixth of the page (issue #17)."""
    from grants.cards import co_committee_abbreviations, shown_asked, with_row_status, year_lines
    from grants.selectors import join_committees
    from portal.site import id_address_pattern

    applications = list(applications)
    with_row_status(applications)
    others = co_committee_abbreviations([application.pk for application in applications])
    case_page = id_address_pattern("sekretariat:application")
    for application in applications:
        application.link = case_page.format(application.pk)
        application.asked_cell = year_lines(shown_asked(application.asked))
        application.row_committees = join_committees(
            application.committee.abbreviation if application.committee_id else None,
            others[application.pk],
        )
    return applications


def later_years_of_earlier_grants(pool) -> int:
    """How many of the pool's grants pay a later year of an application sent to an earlier
    pool (a multi-year grant): what an empty queue says the pool still pays (fresh eyes
    round 37: "0 ansøgninger" beside a pool page listing its grants)."""
    return pool.allocations.exclude(application__pool=pool).count()
