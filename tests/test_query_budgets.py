"""Every page's number of database queries is constant in the number of rows: the same for
a small and a ten times larger synthetic data set (generate_scale_data)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo.scale import generate
from grants.models import Application, ApplicationStatus, Pool
from indicators.models import Indicator
from policies.models import ActionPlan, Goal, Policy
from portal.models import Department, Municipality, Role, User


def pages(municipality: Municipality) -> dict[str, tuple[str, str | None]]:
    """name → (url, who is logged in) for the pages that matter, for one municipality."""
    pool = Pool.objects.filter(municipality=municipality).order_by("year").last()
    project = Application.objects.filter(
        municipality=municipality, status=ApplicationStatus.ACTIVE
    ).first()
    policy = Policy.objects.get(municipality=municipality)
    goal = Goal.objects.filter(policy=policy).first()
    indicator = Indicator.objects.filter(municipality=municipality).first()
    slug = municipality.slug
    return {
        "front page": ("/", None),
        "catalogue": (reverse("public:catalogue"), None),
        "catalogue search": (reverse("public:catalogue") + "?q=sprog+job", None),
        "catalogue filters": (reverse("public:catalogue") + f"?kommune={slug}&aar=2017", None),
        "project": (reverse("public:project", args=[project.pk]), None),
        "pools": (reverse("public:pools"), None),
        "pools of a municipality": (reverse("public:pools") + f"?kommune={slug}", None),
        "pool": (reverse("public:pool", args=[slug, pool.year]), None),
        "policies": (reverse("politikker:list"), None),
        "policy": (reverse("politikker:policy", args=[slug, policy.slug]), None),
        "goal": (reverse("politikker:goal", args=[goal.pk]), None),
        "barometer": (reverse("barometer:index"), None),
        "policy barometer": (reverse("barometer:policy", args=[slug, policy.slug]), None),
        "indicator": (reverse("barometer:indicator", args=[indicator.pk]), None),
        "staff home": (reverse("sekretariat:home"), "staff"),
        "pool (staff)": (reverse("sekretariat:pool", args=[pool.pk]), "staff"),
        "review queue": (reverse("sekretariat:queue", args=[pool.pk]), "staff"),
        "recommendation": (reverse("sekretariat:recommendation", args=[pool.pk]), "staff"),
        "application (staff)": (reverse("sekretariat:application", args=[project.pk]), "staff"),
        "reports": (reverse("sekretariat:reports"), "staff"),
        "results": (reverse("dokumenter:results") + f"?pulje={pool.pk}", "staff"),
        "indicators (staff)": (reverse("indikatorer:list"), "staff"),
        "dashboard": (reverse("mine:dashboard"), "caseworker"),
        "archive": (reverse("mine:archive"), "caseworker"),
        "open data catalogue record": (reverse("catalogue"), None),
        "API projects": (reverse("api:projects"), None),
        "API projects filtered": (reverse("api:projects") + f"?kommune={slug}&aar=2017", None),
        "API project": (reverse("api:project", args=[project.pk]), None),
        "API pools": (reverse("api:pools"), None),
        "API policies": (reverse("api:policies"), None),
        "API indicators": (reverse("api:indicators"), None),
    }


def page_queries(client, users, municipality) -> dict[str, list[str]]:
    """name → the SQL of each query the page asked."""
    found = {}
    for name, (url, who) in pages(municipality).items():
        client.logout()
        if who:
            client.force_login(users[who])
        client.get(url)  # warm up (content types, sessions)
        cache.clear()  # count the page's own queries, not a cached copy
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = [query["sql"] for query in queries]
    return found


def count_queries(client, users, municipality) -> dict[str, int]:
    return {name: len(sql) for name, sql in page_queries(client, users, municipality).items()}


def scale_users() -> dict[str, User]:
    municipality = Municipality.objects.get(slug="syntetisk-001")
    return {
        "staff": User.objects.get(username="syntetisk-syntetisk-001"),
        "caseworker": User.objects.create_user(
            username="cw",
            role=Role.CASEWORKER,
            municipality=municipality,
            department=Department.objects.filter(municipality=municipality).first(),
        ),
    }


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(client):
    generate(municipalities=1, years=3, per_year=4, first_year=2016)
    municipality = Municipality.objects.get(slug="syntetisk-001")
    users = scale_users()
    small = count_queries(client, users, municipality)
    generate(municipalities=2, years=3, per_year=40, first_year=2016)  # ten times more rows
    Application.objects.filter(municipality=municipality, pool__year=2018).update(
        department=users["caseworker"].department
    )
    large = count_queries(client, users, municipality)
    grown = {name: (small[name], large[name]) for name in small if large[name] > small[name]}
    assert grown == {}, "pages whose query count grew with the data: (small, large)"
    assert ActionPlan.objects.count() == 0  # the scale set has no action plans to count


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side cursors: PostgreSQL")
def test_no_page_reads_through_a_server_side_cursor(client):
    """A cursor declared, fetched from and closed is three round trips; Django uses one for
    `iterator()`, e.g. a model choice field's options (the staff queue had three, issue
    #17). The downloads stream through one on purpose; no page needs one."""
    generate(municipalities=1, years=2, per_year=4, first_year=2016)
    municipality = Municipality.objects.get(slug="syntetisk-001")
    queries = page_queries(client, scale_users(), municipality)
    declared = {
        name: sql[:80] for name, sqls in queries.items() for sql in sqls if "DECLARE" in sql[:20]
    }
    assert declared == {}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side cursors: PostgreSQL")
def test_no_form_reads_its_choices_through_a_server_side_cursor(client, demo):
    """The class of the test above over every page the public, staff and a caseworker reach,
    forms included (an application's edit page read its six model selects through six
    cursors): path → the cursors it declared."""
    from django.core.signals import request_started

    from .form_pages import new_draft_form
    from .page_crawl import crawl_as_each
    from .test_page_wording import USERS

    path = [""]
    declared: dict[str, list[str]] = {}

    def on_request(sender, environ, **kwargs):
        path[0] = environ["PATH_INFO"]

    def spy(execute, sql, params, many, context):
        # psycopg declares the cursor itself: a named cursor is a server-side one.
        if getattr(context["cursor"].cursor, "name", None):
            declared.setdefault(path[0], []).append(sql[:120])
        return execute(sql, params, many, context)

    request_started.connect(on_request)
    try:
        with connection.execute_wrapper(spy):
            crawl_as_each(client, USERS.values())
            _draft, url, _data = new_draft_form(client)
            assert client.get(url).status_code == 200
    finally:
        request_started.disconnect(on_request)
    assert declared == {}


@pytest.mark.django_db
def test_the_caseworkers_list_reads_each_row_kind_in_fixed_queries(
    client, caseworker, make_pool, make_application
):
    """The dashboard's and the archive's rows read only some of an application's columns
    (grants.caseworker_lists.ROW_FIELDS); a column a row needs and the list left out would be
    read once per row. Every kind of row the list treats apart (a draft in an open pool and in
    a closed one, a returned, an approved and a rejected one, one of an earlier year on the
    archive), once and then five times: the same number of queries."""
    import datetime

    from django.utils import timezone

    from grants.models import Allocation, Decision, PoolStatus

    open_pool = make_pool(year=timezone.localdate().year)
    closed_pool = make_pool(
        year=timezone.localdate().year - 1,
        status=PoolStatus.CLOSED,
        application_deadline=timezone.now() - datetime.timedelta(days=3),
    )
    old_pool = make_pool(  # its finished applications are on the archive's page
        year=timezone.localdate().year - 2,
        status=PoolStatus.CLOSED,
        application_deadline=timezone.now() - datetime.timedelta(days=400),
    )

    def add_each_kind():
        year = open_pool.year
        make_application(target_pool=open_pool, amounts={year: "1000", year + 1: "2000"})
        make_application(target_pool=closed_pool, amounts={closed_pool.year: "1000"})
        make_application(target_pool=open_pool, status=ApplicationStatus.RETURNED)
        make_application(target_pool=open_pool, status=ApplicationStatus.REJECTED)
        make_application(target_pool=old_pool, status=ApplicationStatus.REJECTED)
        approved = make_application(
            target_pool=open_pool,
            status=ApplicationStatus.APPROVED,
            amounts={year: "5000", year + 1: "5000"},
        )
        decision = Decision.objects.create(application=approved, outcome="approved")
        Allocation.objects.create(
            application=approved, pool=open_pool, decision=decision, amount=4000
        )

    client.force_login(caseworker)

    def queries(name):
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured)

    add_each_kind()
    once = {name: queries(name) for name in ("mine:dashboard", "mine:archive")}
    for _ in range(4):
        add_each_kind()
    assert {name: queries(name) for name in once} == once
