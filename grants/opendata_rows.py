"""The rows behind the open data: funded projects read chunk by chunk as plain values.

A national export holds tens of thousands of projects, so it builds no model instances and
prefetches nothing. Each chunk is one query for the projects' own columns (keyset pagination
on the primary key, so a late chunk costs what the first one does) and one query per related
table the export needs, grouped by project here; the few municipalities, pools, departments
and committees are read once per download. The number of queries grows with the number of
chunks, never with the number of projects.

Projects come only from `grants.public.open_data_projects()`, and related rows only of those
projects; a municipality's own files (`municipality_id`) read only its projects, with the
same queries narrowed to it.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from django.db.models import Manager, QuerySet

from grants.models import Allocation, Application, CarryOver, Decision, Pool, RequestedAmount
from grants.public import open_data_projects
from portal.models import Committee, Department, Municipality, Organisation

# Projects per chunk: the memory a download holds at a time, and the queries it makes.
CHUNK = 500


def _grouped(rows: Iterable[dict]) -> dict[int, list[dict]]:
    """Rows by their project, each project's rows in the order of the query."""
    grouped = defaultdict(list)
    for row in rows:
        grouped[row["application_id"]].append(row)
    return grouped


# Rows related to projects, by name: where they are, in which order the export lists a
# project's rows (the model's or the former prefetch's ordering, a key breaking ties) and
# which of their fields it reads.
RELATIONS: dict[str, tuple[Manager, tuple[str, ...], tuple[str, ...]]] = {
    # At most one per project.
    "decision": (Decision.objects, ("pk",), ("meeting_date", "recorded_at", "source")),
    "co_committees": (
        Application.co_committees.through.objects,
        ("committee__municipality__name", "committee__abbreviation", "committee_id"),
        ("committee__abbreviation",),
    ),
    "goals": (
        Application.goals.through.objects,
        ("goal__kind", "goal__number", "goal_id"),
        ("goal__kind", "goal__number", "goal__title", "goal__short_title", "goal__policy__title"),
    ),
    "sdgs": (Application.sdgs.through.objects, ("sdg_id",), ("sdg_id",)),
    "requested_amounts": (RequestedAmount.objects, ("year", "pk"), ("year", "amount")),
    "allocations": (
        Allocation.objects,
        ("pool__year", "pk"),
        ("amount", "pool__year", "pool__title", "pool__status", "pool__scheme__name"),
    ),
    "carry_overs": (
        CarryOver.objects,
        ("to_pool__year", "pk"),
        ("amount", "from_pool__title", "to_pool__year"),
    ),
}


def projects_of(municipality_id: int | None = None) -> QuerySet[Application]:
    """The funded projects a download holds: all, or one municipality's (never example
    data, grants.public.open_data_projects)."""
    projects = open_data_projects()
    if municipality_id is not None:
        projects = projects.filter(municipality_id=municipality_id)
    return projects


def related_rows(
    name: str, first_pk: int, last_pk: int, municipality_id: int | None = None
) -> QuerySet:
    """The `name` rows of the funded projects with first_pk <= pk <= last_pk: a chunk's.
    (A range rather than a list of 500 primary keys: cheaper to send and to plan.)"""
    rows, order, fields = RELATIONS[name]
    return (
        rows.filter(
            application_id__gte=first_pk,
            application_id__lte=last_pk,
            application__in=projects_of(municipality_id),
        )
        .order_by(*order)
        .values("application_id", *fields)
    )


class Lookup:
    """Rows of a small table (municipalities, pools, …) by primary key, for the whole
    download: all that funded projects point to are read in one query at the start; a chunk
    reads any others it points to (a project funded while the download runs)."""

    def __init__(self, rows: Manager, key: str, *fields: str, projects: QuerySet):
        self.key = key
        self.queryset = rows.order_by().values("pk", *fields)
        used = self.queryset.filter(pk__in=projects.values(key))
        self.rows: dict[int, dict] = {row["pk"]: row for row in used}

    def attach(self, chunk: list[dict], name: str) -> None:
        """Set `name` of each project to the row its key points to, or None."""
        missing = {project[self.key] for project in chunk} - self.rows.keys() - {None}
        if missing:
            self.rows.update((row["pk"], row) for row in self.queryset.filter(pk__in=missing))
        for project in chunk:
            project[name] = self.rows.get(project[self.key])


def project_chunks(
    fields: Sequence[str], relations: Sequence[str], municipality_id: int | None = None
) -> Iterator[list[dict]]:
    """Funded projects in order of primary key, as lists of at most CHUNK dicts: all, or
    only those of the municipality `municipality_id`.

    Each dict has `pk` and the project's own `fields`; `municipality`, `pool`, `department`
    and `committee` as dicts (committee None when there is none); and for each name in
    `relations` (a key of RELATIONS) the list of that project's related rows.
    """
    funded = projects_of(municipality_id)
    lookups = {
        "municipality": Lookup(
            Municipality.objects,
            "municipality_id",
            *("name", "code", "slug", "cvr"),
            projects=funded,
        ),
        "pool": Lookup(
            Pool.objects,
            "pool_id",
            *("year", "title", "policy__title", "scheme__name"),
            projects=funded,
        ),
        "department": Lookup(Department.objects, "department_id", "name", projects=funded),
        "organisation": Lookup(
            Organisation.objects, "organisation_id", "name", "cvr", projects=funded
        ),
        "committee": Lookup(
            Committee.objects, "committee_id", "name", "abbreviation", projects=funded
        ),
    }
    foreign_keys = [lookup.key for lookup in lookups.values()]
    projects = funded.order_by("pk").values("pk", *foreign_keys, *fields)
    last_pk = None
    while True:
        size = CHUNK  # read on each chunk, so tests can make it small
        after = projects if last_pk is None else projects.filter(pk__gt=last_pk)
        chunk = list(after[:size])
        if not chunk:
            return
        for name, lookup in lookups.items():
            lookup.attach(chunk, name)
        first_pk, last_pk = chunk[0]["pk"], chunk[-1]["pk"]
        for name in relations:
            grouped = _grouped(related_rows(name, first_pk, last_pk, municipality_id))
            for project in chunk:
                project[name] = grouped.get(project["pk"], [])
        yield chunk
        if len(chunk) < size:
            return
