"""The review queue: a pool's applications (never drafts), with filters and sorting kept in
the URL, and a page whose number of database queries does not grow with the list."""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from grants.models import Application, Review
from policies.models import Goal, GoalKind
from portal.models import Committee, Department, Organisation, User
from tests.page_crawl import crawl


@pytest.fixture
def setup(municipality, policy, department, committee, make_pool, make_application):
    """Three applications in the 2026 pool, a draft, and one in another year's pool."""
    pool = make_pool(year=2026)
    other_pool = make_pool(year=2025)
    auu = Committee.objects.create(
        municipality=municipality, name="Arbejdsmarkedsudvalget", abbreviation="AUU"
    )
    culture = Department.objects.create(municipality=municipality, name="Kultur og Fritid")
    job_goal = Goal.objects.get(policy=policy, number=1)
    language_goal = Goal.objects.create(
        policy=policy, kind=GoalKind.OBJECTIVE, number=2, title="Taler dansk"
    )
    women = make_application(
        title="Kvinder i job",
        status="submitted",
        amounts={2026: "100000", 2027: "50000"},
    )
    women.goals.set([job_goal])
    language = make_application(title="Sprogcafé", status="in_review", amounts={2026: "40000"})
    Application.objects.filter(pk=language.pk).update(department=culture, committee=auu)
    language.goals.set([language_goal])
    cricket = make_application(
        title="Cricket for piger", status="recommended", amounts={2026: "250000"}
    )
    Application.objects.filter(pk=cricket.pk).update(department=culture)
    cricket.goals.set([job_goal])
    make_application(title="Hemmelig kladde", amounts={2026: "10000"})
    make_application(title="Sidste års projekt", status="submitted", target_pool=other_pool)
    return {
        "pool": pool,
        "su": committee,
        "auu": auu,
        "centre": department,
        "culture": culture,
        "job_goal": job_goal,
        "language_goal": language_goal,
    }


def listed(client, pool, **params) -> list[str]:
    response = client.get(reverse("sekretariat:queue", args=[pool.pk]), params)
    assert response.status_code == 200
    links = re.findall(
        r'<a href="/sekretariat/ansoegninger/\d+/">(.*?)</a>', response.content.decode()
    )
    return links


def test_queue_lists_the_pools_applications_but_never_drafts(staff_client, setup):
    response = staff_client.get(reverse("sekretariat:queue", args=[setup["pool"].pk]))

    html = response.content.decode()
    assert listed(staff_client, setup["pool"]) == [
        "Cricket for piger",
        "Kvinder i job",
        "Sprogcafé",
    ]
    assert "3 ansøgninger" in html
    assert "Hemmelig kladde" not in html
    assert "Sidste års projekt" not in html
    assert "2026: 100.000 kr.<br>2027: 50.000 kr." in html  # requested per year


def test_filter_by_status(staff_client, setup):
    assert listed(staff_client, setup["pool"], status="in_review") == ["Sprogcafé"]
    assert listed(staff_client, setup["pool"], status="recommended") == ["Cricket for piger"]


def test_asking_for_drafts_does_not_reveal_them(staff_client, setup):
    assert "Hemmelig kladde" not in listed(staff_client, setup["pool"], status="draft")


def test_filter_by_committee_goal_and_department(staff_client, setup):
    pool = setup["pool"]
    assert listed(staff_client, pool, committee=setup["auu"].pk) == ["Sprogcafé"]
    assert listed(staff_client, pool, committee=setup["su"].pk) == [
        "Cricket for piger",
        "Kvinder i job",
    ]
    assert listed(staff_client, pool, goal=setup["job_goal"].pk) == [
        "Cricket for piger",
        "Kvinder i job",
    ]
    assert listed(staff_client, pool, goal=setup["language_goal"].pk) == ["Sprogcafé"]
    assert listed(staff_client, pool, applicant=f"department-{setup['culture'].pk}") == [
        "Cricket for piger",
        "Sprogcafé",
    ]


def test_the_department_choices_are_those_that_applied_in_the_pool(
    staff_client, setup, municipality, make_application
):
    """Fresh eyes round 36: every unit of the municipality was offered, most giving nothing;
    one with only a draft (never listed to staff) or only another year's application is not
    offered either."""
    drafts_only = Department.objects.create(municipality=municipality, name="Kun kladder")
    draft = make_application(title="Endnu en kladde")
    Application.objects.filter(pk=draft.pk).update(department=drafts_only)
    Department.objects.create(municipality=municipality, name="Aldrig søgt")
    page = staff_client.get(reverse("sekretariat:queue", args=[setup["pool"].pk]))
    select = re.search(r'<select name="applicant".*?</select>', page.content.decode(), re.S)
    offered = re.findall(r'<option value="department-\d+"[^>]*>(.*?)</option>', select.group(0))
    assert offered == sorted([setup["centre"].name, setup["culture"].name])


def applicant_options(client, pool) -> dict[str, list[tuple[str, str]]]:
    """The queue's "Ansøger" options: group label → [(value, name)]."""
    page = client.get(reverse("sekretariat:queue", args=[pool.pk])).content.decode()
    select = re.search(r'<select name="applicant".*?</select>', page, re.S).group(0)
    return {
        label: re.findall(r'<option value="([^"]+)"[^>]*>(.*?)</option>', options)
        for label, options in re.findall(
            r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S
        )
    }


def test_the_applicant_filter_chooses_associations_too(
    staff_client, setup, municipality, make_application
):
    """Fresh eyes round 39: the filter "Afdeling" offered only departments, while the
    column "Ansøger" named associations too. "Ansøger" offers every applicant of the pool,
    grouped, and finds an association's applications in the page and in its files."""
    pool = setup["pool"]
    club = Organisation.objects.create(municipality=municipality, name="Bevæg Dig For Livet")
    drafting = Organisation.objects.create(municipality=municipality, name="Kun en kladde")
    for title, organisation, status in (
        ("Gåhold", club, "submitted"),
        ("Løbeklub", club, "in_review"),
        ("Ikke sendt", drafting, None),
    ):
        application = make_application(title=title, status=status)
        Application.objects.filter(pk=application.pk).update(
            department=None, organisation=organisation
        )
    assert applicant_options(staff_client, pool) == {
        "Afdelinger": [
            (f"department-{setup['centre'].pk}", setup["centre"].name),
            (f"department-{setup['culture'].pk}", setup["culture"].name),
        ],
        "Foreninger": [(f"organisation-{club.pk}", club.name)],
    }
    chosen = {"applicant": f"organisation-{club.pk}"}
    assert listed(staff_client, pool, **chosen) == ["Gåhold", "Løbeklub"]
    page = staff_client.get(reverse("sekretariat:queue", args=[pool.pk]), chosen)
    assert f'<option value="organisation-{club.pk}" selected>' in page.content.decode()
    csv = staff_client.get(reverse("dokumenter:queue-csv", args=[pool.pk]), chosen)
    titles = sorted(line.split(",")[1] for line in csv.content.decode().splitlines()[1:])
    assert titles == ["Gåhold", "Løbeklub"]
    xlsx = staff_client.get(reverse("dokumenter:queue-xlsx", args=[pool.pk]), chosen)
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True)) == titles
    # Neither one that only drafted nor an unknown one is found: said, not ignored.
    queue = reverse("sekretariat:queue", args=[pool.pk])
    for unknown in (f"organisation-{drafting.pk}", "organisation-999999", "forening", "7"):
        html = staff_client.get(queue, {"applicant": unknown}).content.decode()
        assert "Det valgte findes ikke på listen. Vælg en af mulighederne." in html, unknown
        assert "Gåhold" not in html and "Hent som CSV" not in html, unknown


def test_amount_filters_use_the_total_requested_over_both_years(staff_client, setup):
    pool = setup["pool"]
    # "Kvinder i job" asks 100.000 + 50.000 = 150.000 in all.
    assert listed(staff_client, pool, amount_min="150000") == [
        "Cricket for piger",
        "Kvinder i job",
    ]
    assert listed(staff_client, pool, amount_min="150001") == ["Cricket for piger"]
    assert listed(staff_client, pool, amount_max="120000") == ["Sprogcafé"]
    assert listed(staff_client, pool, amount_min="40000", amount_max="150000") == [
        "Kvinder i job",
        "Sprogcafé",
    ]


def test_amount_filters_read_danish_thousands(staff_client, setup):
    assert listed(staff_client, setup["pool"], amount_min="150.000") == [
        "Cricket for piger",
        "Kvinder i job",
    ]


def test_search_in_title_ignores_case(staff_client, setup):
    assert listed(staff_client, setup["pool"], q="JOB") == ["Kvinder i job"]
    assert listed(staff_client, setup["pool"], q="café") == ["Sprogcafé"]


def test_sorting(staff_client, setup):
    pool = setup["pool"]
    # The choices are Danish both ways (attack round 15: "Title (descending)").
    page = staff_client.get(reverse("sekretariat:queue", args=[pool.pk])).content.decode()
    assert "Titel (faldende)" in page and "descending" not in page
    assert listed(staff_client, pool, sort="-requested") == [
        "Cricket for piger",
        "Kvinder i job",
        "Sprogcafé",
    ]
    assert listed(staff_client, pool, sort="requested") == [
        "Sprogcafé",
        "Kvinder i job",
        "Cricket for piger",
    ]
    assert listed(staff_client, pool, sort="-title") == [
        "Sprogcafé",
        "Kvinder i job",
        "Cricket for piger",
    ]


def test_filters_combine(staff_client, setup):
    pool = setup["pool"]
    assert listed(
        staff_client, pool, committee=setup["su"].pk, amount_max="200000", sort="-requested"
    ) == ["Kvinder i job"]
    assert listed(
        staff_client,
        pool,
        applicant=f"department-{setup['culture'].pk}",
        goal=setup["job_goal"].pk,
    ) == ["Cricket for piger"]
    response = staff_client.get(
        reverse("sekretariat:queue", args=[pool.pk]), {"status": "recommended", "q": "job"}
    )
    assert "Ingen ansøgninger matcher." in response.content.decode()
    assert "0 ansøgninger" in response.content.decode()


def test_the_filter_form_keeps_the_chosen_values(staff_client, setup):
    response = staff_client.get(
        reverse("sekretariat:queue", args=[setup["pool"].pk]), {"q": "job", "status": "submitted"}
    )
    html = response.content.decode()
    assert 'name="q" value="job"' in html
    assert re.search(r'<option value="submitted" selected>', html)


def make_many(count, *, pool, policy, make_application, reviewer):
    goal = Goal.objects.get(policy=policy, number=1)
    for number in range(count):
        application = make_application(
            title=f"Indsats {number:02d}",
            status="in_review",
            target_pool=pool,
            amounts={2026: "10000", 2027: "5000"},
        )
        application.goals.set([goal])
        Review.objects.create(application=application, reviewer=reviewer, score_budget=4)


def queries_for_queue(client, pool, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("sekretariat:queue", args=[pool.pk]), params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"goal": "GOAL", "amount_min": "1000", "sort": "-requested", "q": "Indsats"}],
    ids=["unfiltered", "filtered"],
)
def test_queries_do_not_grow_with_the_number_of_applications(
    staff_client,
    staff_user,
    policy,
    make_pool,
    make_application,
    django_assert_max_num_queries,
    params,
):
    pool = make_pool(year=2026)
    goal = Goal.objects.get(policy=policy, number=1)
    params = {key: (goal.pk if value == "GOAL" else value) for key, value in params.items()}
    many = {"pool": pool, "policy": policy, "make_application": make_application}

    make_many(3, reviewer=staff_user, **many)
    with_three = queries_for_queue(staff_client, pool, params)
    make_many(22, reviewer=staff_user, **many)
    with django_assert_max_num_queries(15):
        response = staff_client.get(reverse("sekretariat:queue", args=[pool.pk]), params)
    assert "25 ansøgninger" in response.content.decode()
    assert queries_for_queue(staff_client, pool, params) == with_three


def test_an_association_pools_queue_names_the_associations_in_page_and_files(client, demo):
    """Fresh eyes round 9: the queue and its files named an application's department only
    (an association's application has none: the export failed on it) and its first
    committee only ("AUU" for "AUU/KFU")."""
    from grants.models import Pool
    from portal.models import User

    client.force_login(User.objects.get(username="kbh-sekretariat"))
    pool = Pool.objects.get(scheme__name="Puljen til frivilligt socialt arbejde", year=2019)
    page = client.get(reverse("sekretariat:queue", args=[pool.pk])).content.decode()
    assert "Muhabet" in page and ">Ansøger</th>" in page
    csv = client.get(reverse("dokumenter:queue-csv", args=[pool.pk])).content.decode()
    assert csv.splitlines()[0].split(",")[2] == "Ansøger" and "Muhabet" in csv
    assert client.get(reverse("dokumenter:queue-xlsx", args=[pool.pk])).status_code == 200

    application = Application.objects.filter(pool=pool).first()
    other = Committee.objects.filter(municipality=pool.municipality).exclude(
        pk=application.committee_id
    )[0]
    application.co_committees.add(other)
    both = f"{application.committee.abbreviation}/{other.abbreviation}"
    csv = client.get(reverse("dokumenter:queue-csv", args=[pool.pk])).content.decode()
    page = client.get(reverse("sekretariat:queue", args=[pool.pk])).content.decode()
    assert both in csv and f">{both}</td>" in page


def test_the_number_of_reviews_in_page_and_files(staff_client, staff_user, setup):
    """Counted by the database (not loaded): the page's last column and the files' last one."""
    pool = setup["pool"]
    language = Application.objects.get(title="Sprogcafé")
    colleague = type(staff_user).objects.create_user(
        username="kollega", password="x", role=staff_user.role, municipality=staff_user.municipality
    )
    for reviewer in (staff_user, colleague):
        Review.objects.create(application=language, reviewer=reviewer, score_budget=4)
    page = staff_client.get(reverse("sekretariat:queue", args=[pool.pk])).content.decode()
    counts = dict(
        re.findall(r'>([^<>]+)</a></td>.*?<td class="text-end"[^>]*>(\d+)</td>', page, re.DOTALL)
    )
    assert counts == {"Kvinder i job": "0", "Sprogcafé": "2", "Cricket for piger": "0"}
    csv = staff_client.get(reverse("dokumenter:queue-csv", args=[pool.pk])).content.decode()
    by_title = {line.split(",")[1]: line.rsplit(",", 1)[1] for line in csv.splitlines()[1:]}
    assert by_title == {"Kvinder i job": "0", "Sprogcafé": "2", "Cricket for piger": "0"}


def test_a_committee_filter_finds_its_co_committee_applications_too(staff_client, setup):
    """Fresh eyes round 35: KFU gave only the applications KFU is responsible for, not the
    "SU/KFU" ones the list shows; as the catalogue's filter, co-committees count."""
    pool = setup["pool"]
    women = Application.objects.get(title="Kvinder i job")
    women.co_committees.add(setup["auu"])
    assert listed(staff_client, pool, committee=setup["auu"].pk) == ["Kvinder i job", "Sprogcafé"]
    csv = staff_client.get(
        reverse("dokumenter:queue-csv", args=[pool.pk]), {"committee": setup["auu"].pk}
    ).content.decode()
    assert "Kvinder i job" in csv and "Cricket for piger" not in csv


def test_a_pool_paying_only_earlier_applications_grants_says_so(client, demo):
    """Fresh eyes round 37: a later year's pool of multi-year grants said "0 ansøgninger /
    Ingen ansøgninger matcher." with no filter set, beside a pool page listing its grants."""
    from grants.models import Pool
    from portal.models import User

    client.force_login(User.objects.get(username="kbh-sekretariat"))
    pool = Pool.objects.get(scheme__name="Puljen til frivilligt socialt arbejde", year=2020)
    assert not Application.objects.filter(pool=pool).exists() and pool.allocations.exists()
    page = client.get(reverse("sekretariat:queue", args=[pool.pk])).content.decode()
    assert "Ingen har søgt i denne pulje." in page and "matcher" not in page
    assert "bevillinger til ansøgninger fra tidligere puljer" in page


def test_an_unknown_choice_in_the_address_is_said_plainly(staff_client, setup):
    """Every list filter that chooses among options, in the staff queue and the public
    catalogue (an id, a status, a sort order): a value that is not among the options is
    said plainly, not with Django's "Marker en gyldig valgmulighed …", which also repeated
    what was typed in the address (fresh eyes rounds 37 and 40)."""
    from django_filters import ChoiceFilter, ModelChoiceFilter

    from grants.filters import ReviewQueueFilter
    from grants.public import ProjectFilter
    from portal.filters import KnownChoiceFilter

    pages = [
        (reverse("sekretariat:queue", args=[setup["pool"].pk]), ReviewQueueFilter),
        (reverse("public:catalogue"), ProjectFilter),
    ]
    checked = []
    for url, filterset in pages:
        for name, declared in filterset.base_filters.items():
            # A filter by a readable key (KnownChoiceFilter) says it in its own words.
            chooses = isinstance(declared, ChoiceFilter | ModelChoiceFilter)
            if not chooses or isinstance(declared, KnownChoiceFilter):
                continue
            page = staff_client.get(url, {name: "999999bogus"}).content.decode()
            assert "Det valgte findes ikke på listen. Vælg en af mulighederne." in page, name
            assert "gyldig valgmulighed" not in page and "999999bogus er" not in page, name
            checked.append(name)
    assert {"status", "sort", "committee", "goal", "maal", "udvalg"} <= set(checked), checked
    # The applicant: a department's or an association's id (fresh eyes round 39).
    queue = reverse("sekretariat:queue", args=[setup["pool"].pk])
    for unknown in ("department-999999", "organisation-999999", "999999"):
        page = staff_client.get(queue, {"applicant": unknown}).content.decode()
        assert "Det valgte findes ikke på listen. Vælg en af mulighederne." in page, unknown
        assert "gyldig valg" not in page, unknown


class _DownloadLinks(HTMLParser):
    """Each link's classes and words, for the links that download a file."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._open: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open = [dict(attrs).get("class") or "", ""]

    def handle_data(self, data):
        if self._open is not None:
            self._open[1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            classes, words = self._open[0], " ".join(self._open[1].split())
            if DOWNLOAD_WORDS.search(words):
                self.links.append((words, classes))
            self._open = None


# "Hent som Excel", "Status som CSV", "Hent tallene som CSV", "Hent som PDF".
DOWNLOAD_WORDS = re.compile(r"^Hent\b.*\bsom (?:Excel|CSV|PDF)$|\bsom (?:Excel|CSV)$")


def test_every_staff_pages_download_buttons_look_like_the_portals_downloads(client, demo):
    """Fresh eyes round 39: the queue's "Hent som Excel/CSV", then the pool page's "Status
    som Excel/CSV", were grey outlines that looked disabled. On every staff page a file's
    download is the portal's download button: a PDF the main one or the secondary, Excel
    and CSV the secondary (btn-outline-primary)."""
    client.force_login(User.objects.get(username="frb-sekretariat"))
    start = ["/sekretariat/", "/sekretariat/handleplaner/", "/sekretariat/resultater/"]
    pages = crawl(client, start, per_view=1)
    found: dict[str, list[tuple[str, str]]] = {}
    for url, html in pages.items():
        if not url.startswith("/sekretariat/"):
            continue
        parser = _DownloadLinks()
        parser.feed(html)
        if parser.links:
            found[resolve(urlsplit(url).path).url_name] = parser.links
    # The pages known to offer files, so a crawl that missed one does not pass unseen.
    assert {"pool", "queue", "recommendation", "action-plan", "results"} <= set(found), found
    for page, links in found.items():
        for words, classes in links:
            wanted = {"btn btn-outline-primary"}
            if words.endswith("PDF"):
                wanted.add("btn btn-primary")
            assert classes in wanted, (page, words, classes)


def test_a_file_of_an_invalid_filter_is_not_the_whole_pool(staff_client, setup):
    """Fresh eyes round 40: the Excel/CSV address with a filter value that is no option (an
    edited or old link) gave every application of the pool, where the page refuses the
    search. The file's address sends back to the page, which says what is wrong."""
    pool = setup["pool"]
    queue = reverse("sekretariat:queue", args=[pool.pk])
    for name in ("dokumenter:queue-csv", "dokumenter:queue-xlsx"):
        for wrong in ({"status": "bogus"}, {"sort": "bogus"}, {"amount_min": "abc"}):
            response = staff_client.get(reverse(name, args=[pool.pk]), wrong)
            assert response.status_code == 302, (name, wrong)
            assert response["Location"].startswith(queue + "?"), (name, wrong)
            page = staff_client.get(response["Location"]).content.decode()
            assert "Hent som CSV" not in page, (name, wrong)
    # A valid filter still downloads.
    response = staff_client.get(reverse("dokumenter:queue-csv", args=[pool.pk]), {"sort": "title"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_a_sort_order_is_not_counted_as_a_filter(staff_client, setup):
    """Fresh eyes round 40: the folded filters said "Filtre (2 valgt)" for one filter and a
    sort order."""
    queue = reverse("sekretariat:queue", args=[setup["pool"].pk])
    summary = re.compile(r"<summary class=\"mb-2\">([^<]*)</summary>")
    page = staff_client.get(queue, {"sort": "title"}).content.decode()
    assert summary.search(page).group(1) == "Filtre"
    page = staff_client.get(queue, {"sort": "-requested", "status": "submitted"}).content.decode()
    assert summary.search(page).group(1) == "Filtre (1 valgt)"
