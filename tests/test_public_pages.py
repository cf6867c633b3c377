"""Public pages a citizen reads: project, pools, policies, goals, page basics, and what must
never show on any of them (unfunded applications, contact details, reviews, conflicts,
attachments)."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db.models import Count
from django.utils import timezone

from grants.models import (
    FUNDED_STATUSES,
    Application,
    ApplicationStatus,
    Attachment,
    ConflictOfInterest,
    ContactPerson,
    Report,
    ReportKind,
    ReportStatus,
    Review,
)
from grants.services.decisions import do_import_funded_application
from policies.models import Goal
from portal.money import format_kroner
from tests.identity_support import mitid_erhverv

HIDDEN_STATUSES = [status for status in ApplicationStatus if status not in FUNDED_STATUSES]


def fund(application: Application) -> Application:
    amounts = {row.year: row.amount for row in application.requested_amounts.all()}
    do_import_funded_application(application_id=application.pk, amounts=amounts, source="test")
    application.refresh_from_db()
    return application


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def text(html: str) -> str:
    """What a reader sees: tags removed, entities decoded, whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(a|span|strong|abbr|em|code|small|b|i)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def main_text(html: str) -> str:
    return text(html.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0])


def project_url(title: str) -> str:
    return f"/projekter/{Application.objects.get(title=title).pk}/"


def goal_url(goal: Goal) -> str:
    return f"/politikker/maal/{goal.pk}/"


# --- Hidden stays hidden ---------------------------------------------------------------


@pytest.fixture
def hidden(make_application, policy):
    """One application in each unfunded status, all serving the policy's goal."""
    applications = []
    for status in HIDDEN_STATUSES:
        application = make_application(title=f"Skjult {status.label}", status=status)
        application.goals.set(policy.goals.all())
        applications.append(application)
    return applications


@pytest.fixture
def public_urls(policy):
    goal = policy.goals.get()
    return [
        "/projekter/",
        "/puljer/",
        "/puljer/testrup/2026/",
        "/politikker/",
        f"/politikker/testrup/{policy.slug}/",
        goal_url(goal),
        "/sitemap.xml",
        "/sitemap-projects.xml",
        "/data/projekter.csv",
        "/data/360giving.json",
    ]


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def test_unfunded_applications_never_appear(client, hidden, make_application, policy, public_urls):
    visible = fund(make_application(title="Synligt projekt"))
    visible.goals.set(policy.goals.all())
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = body(response)
        for application in hidden:
            assert application.title not in content, (url, application.status)
            assert f"/projekter/{application.pk}/" not in content, url
    assert "Synligt projekt" in page(client, goal_url(policy.goals.get()))
    assert "<strong>1 projekt</strong>" in page(client, "/projekter/")
    assert "<strong>0 projekter</strong>" in page(client, "/projekter/?q=Skjult")
    for application in [*hidden, visible]:
        expected = 200 if application is visible else 404
        assert client.get(f"/projekter/{application.pk}/").status_code == expected


SECRETS = {
    "contact e-mail": "hemmelig.tovholder@testrup.dk",
    "contact phone": "+45 87 65 43 21",
    "review comment": "Svag forankring, anbefales ikke uden ændringer",
    "conflict reason": "Min svoger er leder af projektet",
    "attachment name": "budget-med-cpr-numre.xlsx",
}


@pytest.fixture
def funded_with_secrets(make_application, policy, staff_user):
    project = fund(make_application(title="Projekt med private oplysninger"))
    project.goals.set(policy.goals.all())
    ContactPerson.objects.create(
        application=project,
        name="Tove Tovholder",
        email=SECRETS["contact e-mail"],
        phone=SECRETS["contact phone"],
    )
    Review.objects.create(
        application=project, reviewer=staff_user, score_budget=2, comment=SECRETS["review comment"]
    )
    ConflictOfInterest.objects.create(
        application=project, user=staff_user, reason=SECRETS["conflict reason"]
    )
    Attachment.objects.create(
        application=project,
        file="attachments/test/budget.xlsx",
        original_name=SECRETS["attachment name"],
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        size=1000,
    )
    return project


def test_private_details_never_appear_on_public_pages_or_open_data(
    client, funded_with_secrets, public_urls
):
    urls = [*public_urls, f"/projekter/{funded_with_secrets.pk}/", "/"]
    for url in urls:
        content = body(client.get(url))
        for what, secret in SECRETS.items():
            assert secret not in content, f"{what} on {url}"
        assert "hemmelig.tovholder" not in content, url
    project_page = page(client, f"/projekter/{funded_with_secrets.pk}/")
    assert "Projekt med private oplysninger" in project_page
    assert "mailto:" not in project_page


# --- Project page ----------------------------------------------------------------------


def test_project_page_shows_what_for_whom_goals_and_money(client, demo):
    project = Application.objects.get(title="Kvinder i job")
    html = page(client, project_url("Kvinder i job"))
    shown = main_text(html)
    assert "<h1>Kvinder i job</h1>" in html
    assert "Frederiksberg Kommune" in shown
    assert "Arbejdsmarkeds- og Uddannelsesudvalget" in shown
    assert "Center for Integration" in shown
    for goal in project.goals.all():
        assert f'<a href="{goal_url(goal)}">{goal.name}</a>' in html
    for field in ("target_group", "challenge", "purpose", "description", "anchoring", "partners"):
        first_line = getattr(project, field).strip().splitlines()[0].strip()
        assert first_line, field
        assert " ".join(first_line.split()) in shown, field
    for criterion in project.success_criteria.all():
        assert " ".join(criterion.text.split()) in shown
    assert "2021 150.000 kr." in shown
    # The link says which pool it leads to, to a screen reader, not only the amount (fresh
    # eyes, session 32: a municipality may have two pools in a year).
    assert (
        '<a href="/puljer/frederiksberg/2021/">150.000 kr.'
        '<span class="visually-hidden"> fra Integrationspuljen 2021</span></a>'
    ) in html
    # One grant: no total.
    assert "Bevilget i alt" not in shown.split("Politisk udvalg")[0]
    # Its money ended in 2021: a result not in the portal is not "not yet" (session 32).
    assert "ikke afrapporteret i portalen" in shown
    assert "ikke afrapporteret endnu" not in shown


def test_a_grant_over_several_years_shows_its_total(client, demo):
    """Fresh eyes, session 31: three years of 100.000 kr. and no total. The total is of the
    grants, as the catalogue's "Bevilget i alt" filter counts them: carried-over money is
    part of an earlier grant."""
    from grants.public import funded_projects

    several = 0
    for project in funded_projects():
        grants = list(project.allocations.values_list("amount", flat=True))
        shown = main_text(page(client, f"/projekter/{project.pk}/"))
        money = shown.split("Penge fra puljen", 1)[1].split("Politisk udvalg", 1)[0]
        if len(grants) > 1:
            several += 1
            assert f"Bevilget i alt {format_kroner(sum(grants))}" in money, project.title
        else:
            assert "Bevilget i alt" not in money, project.title
    assert several, "the demo data has a grant over several years"


def test_project_page_shows_carry_over_with_unknown_amount(client, demo):
    shown = main_text(page(client, project_url("Udstyrspulje til borgere med fritidspas")))
    assert "2022 15.000 kr." in shown
    # Said as the money it is, whose amount is not known (fresh eyes, session 31: "beløb
    # ikke oplyst" first read as a missing grant).
    assert "2021 Restmidler fra 2020 beløbet er ikke oplyst" in shown
    shown = main_text(page(client, project_url("Esport for Mangfoldighed")))
    assert "Restmidler fra 2020 beløbet er ikke oplyst" in shown
    assert " kr." not in shown.split("Penge fra puljen", 1)[1].split("Indikator")[0]


def criteria_table(html: str) -> str:
    return text(html.split('id="criteria-heading"', 1)[1].split("</section>", 1)[0])


def test_project_page_shows_results_of_the_newest_accepted_report_only(client, demo):
    project = Application.objects.get(title="Kvinder i job")
    criterion = project.success_criteria.order_by("order").first()
    assert (criterion.target_value, criterion.unit) == (Decimal("80.00"), "%")
    for status, accepted_at, value, comment in [
        (ReportStatus.ACCEPTED, timezone.now() - datetime.timedelta(days=400), 61, "Første år"),
        (ReportStatus.ACCEPTED, timezone.now() - datetime.timedelta(days=30), 83, "Andet år"),
        (ReportStatus.SUBMITTED, None, 12, "Ikke godkendt endnu"),  # newest, not accepted
    ]:
        report = Report.objects.create(
            application=project,
            kind=ReportKind.EVALUATION,
            status=status,
            due_date=datetime.date(2022, 12, 31),
            accepted_at=accepted_at,
        )
        report.results.create(criterion=criterion, achieved_value=value, comment=comment)
    table = criteria_table(page(client, f"/projekter/{project.pk}/"))
    row = table.split(" ".join(criterion.text.split()), 1)[1]
    assert row.startswith(" Andet år 80 % 83 %"), row[:80]
    assert "61 %" not in table
    assert "12 %" not in table
    assert "Ikke godkendt endnu" not in table


def test_project_page_links_earlier_and_later_grants(client, make_pool, make_application):
    pools = {year: make_pool(year=year) for year in (2024, 2025)}
    first = fund(make_application(title="Lektiecafé fase 1", target_pool=pools[2024]))
    rejected = make_application(
        title="Lektiecafé afslået", target_pool=pools[2024], status=ApplicationStatus.REJECTED
    )
    second = fund(make_application(title="Lektiecafé fase 2", target_pool=pools[2025]))
    second.continues.set([first, rejected])
    third = fund(make_application(title="Lektiecafé fase 3"))  # the 2026 pool
    third.continues.set([second])

    shown = main_text(page(client, f"/projekter/{third.pk}/"))
    history = shown.split("Tidligere og senere bevillinger", 1)[1]
    assert "Lektiecafé fase 2 (2025) Lektiecafé fase 1 (2024)" in history
    assert "afslået" not in shown
    shown = main_text(page(client, f"/projekter/{first.pk}/"))
    assert "Videreført i Lektiecafé fase 2 (2025)" in shown
    html = page(client, f"/projekter/{second.pk}/")
    assert f'<a href="/projekter/{first.pk}/">Lektiecafé fase 1</a> (2024)' in html
    assert f'Videreført i <a href="/projekter/{third.pk}/">Lektiecafé fase 3</a>' in html

    # An example application continuing a real grant is not on the real grant's page
    # (fresh eyes round 34); the example's own page still shows the grant it continues.
    example = fund(
        make_application(title="Øvelse fase 4", target_pool=make_pool(year=2027, is_example=True))
    )
    example.continues.set([third])
    assert "Øvelse fase 4" not in main_text(page(client, f"/projekter/{third.pk}/"))
    assert "Lektiecafé fase 3" in main_text(page(client, f"/projekter/{example.pk}/"))


# --- Pools -----------------------------------------------------------------------------


def rows(html: str) -> list[str]:
    return [text(row) for row in re.findall(r"<tr>.*?</tr>", html, flags=re.S)]


def test_pools_page_shows_one_municipality_every_year_or_one_year_every_municipality(client, demo):
    """Issue 17: the page listed every pool of every municipality, a thousand rows (362 KB,
    135 ms) at national scale; it shows one municipality's years or one year's pools."""
    frederiksberg = page(client, "/puljer/?kommune=frederiksberg")
    assert "Integrationspuljer i Frederiksberg Kommune" in main_text(frederiksberg)
    table = rows(frederiksberg)
    assert "2021 Integrationspuljen 2021 722.000 kr. 722.000 kr. Lukket" in table
    assert "2022 Integrationspuljen 2022 700.000 kr. 700.000 kr. Lukket" in table
    assert '<a href="/puljer/frederiksberg/2021/">Integrationspuljen 2021</a>' in frederiksberg
    assert "Københavns Kommune" not in " ".join(table)
    assert "Integrationspolitik 2019-2022" in main_text(frederiksberg)  # its policy, linked
    example_year = timezone.localdate().year + 1
    copenhagen = main_text(page(client, "/puljer/?kommune=KOEBENHAVN"))  # any letter case
    assert f"Integrationspuljen {example_year} (eksempel) Eksempeldata 1.000.000 kr." in copenhagen

    one_year = page(client, "/puljer/?aar=2021")
    assert "Integrationspuljer 2021" in main_text(one_year)
    shown = rows(one_year)[1:]
    assert shown and all("2021" in row for row in shown)
    assert "Frederiksberg Kommune Integrationspuljen 2021 722.000 kr. 722.000 kr. Lukket" in shown
    # Both: one municipality's pools of one year, and a way back to all its years.
    both = page(client, "/puljer/?kommune=frederiksberg&aar=2022")
    assert rows(both)[1:] == ["2022 Integrationspuljen 2022 700.000 kr. 700.000 kr. Lukket"[5:]]
    assert 'href="?kommune=frederiksberg"' in both


def test_pools_page_without_a_choice_shows_the_newest_year_up_to_now(client, demo):
    from grants.public import newest_pool_year, public_pools

    year = newest_pool_year()
    this_year = timezone.localdate().year
    assert year == max(y for y in public_pools().values_list("year", flat=True) if y <= this_year)
    html = page(client, "/puljer/")
    assert f"Puljer i {year}" in main_text(html)
    # Why that year (fresh eyes, session 32).
    assert f"Alle kommuners puljer i {year}, det seneste år til og med i år" in main_text(html)
    chosen = main_text(page(client, f"/puljer/?aar={year}"))
    assert f"Alle kommuners puljer i {year}. Vælg" in chosen
    assert len(rows(html)) - 1 == public_pools().filter(year=year).count()
    # The year box stays empty, so choosing a municipality gives all its years (fresh eyes:
    # the box held the shown year, and "Vælg en kommune for at se alle dens år" gave one).
    assert 'name="aar" value=' not in html
    every_year = page(client, "/puljer/?kommune=koebenhavn&aar=")
    assert (
        len(rows(every_year)) - 1 == public_pools().filter(municipality__slug="koebenhavn").count()
    )
    # The years that have pools are links; the one shown is marked.
    years = sorted(set(public_pools().values_list("year", flat=True)), reverse=True)
    assert f'<strong aria-current="page" class="me-1">{year}</strong>' in html
    for other in years:
        if other != year:
            assert f'<a href="?aar={other}" class="me-1">{other}</a>' in html
    # Every link of the page leads somewhere.
    for link in set(re.findall(r'href="(/puljer/[^"?]+|\?kommune=[^"]+)"', html)):
        address = link if link.startswith("/") else "/puljer/" + link
        assert client.get(address).status_code == 200, address


def test_pools_page_without_a_choice_says_where_to_apply_now(client, demo):
    """Fresh eyes, session 31: /puljer/ opened on 2022's closed pool while pools were open
    for applications; the open ones come first, with their deadlines and calls, as on the
    front page. A chosen year or municipality shows its own table only."""
    from grants.models import Pool, PoolStatus
    from grants.public import newest_pool_year, public_pools

    open_pools = public_pools().filter(status=PoolStatus.OPEN)
    assert open_pools.exists()
    html = page(client, "/puljer/")
    shown = main_text(html)
    assert "<h1>Integrationspuljer</h1>" in html
    assert shown.index("Åbne for ansøgninger nu") < shown.index(f"Puljer i {newest_pool_year()}")
    section = html[html.index('id="open-pools"') : html.index("</section>")]
    for pool in open_pools:
        assert pool.title in section
        assert f'href="/puljer/soeg/{pool.pk}/"' in section
    assert "ansøgningsfrist" in section
    # A closed or planned pool is not among them.
    for pool in Pool.objects.exclude(status=PoolStatus.OPEN):
        assert f"/soeg/{pool.pk}/" not in section
    for chosen in ("?aar=2021", "?kommune=frederiksberg"):
        assert "Åbne for ansøgninger nu" not in main_text(page(client, "/puljer/" + chosen))
    # Nothing open: the year's heading as before.
    for pool in open_pools:  # saved, so the public cache hears of it
        pool.status = PoolStatus.CLOSED
        pool.save()
    html = page(client, "/puljer/")
    assert "Åbne for ansøgninger nu" not in html
    assert f"<h1>Integrationspuljer {newest_pool_year()}</h1>" in html


def test_pools_page_says_which_year_has_no_pools(client, demo):
    """Fresh eyes: "Ingen puljer endnu." ("no pools yet") for a year long past."""
    assert "Ingen puljer i 2001." in main_text(page(client, "/puljer/?aar=2001"))
    shown = main_text(page(client, "/puljer/?kommune=frederiksberg&aar=2001"))
    assert "Frederiksberg Kommune har ingen puljer i 2001." in shown


@pytest.mark.parametrize(
    "query, field", [("kommune=nowhere", "Kommune"), ("aar=abc", "År"), ("aar=1850", "År")]
)
def test_pools_page_refuses_an_unknown_choice_plainly(client, demo, query, field):
    response = client.get(f"/puljer/?{query}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "et filter er ugyldigt" in html
    assert f">{field}</a>:" in html
    assert "<table" not in html


def project_rows(html: str) -> list[str]:
    return re.findall(r'<a href="/projekter/\d+/">(.*?)</a></th>', html)


def test_pool_2021_shows_what_it_gave_to_what(client, demo):
    html = page(client, "/puljer/frederiksberg/2021/")
    assert sorted(unescape(t) for t in project_rows(html)) == sorted(
        [
            "Kvinder i job",
            "Dansk sproglig opkvalificering af unge",
            "Farvel til farvede forventninger - Minoritetsetniske elevers læringsvilkår",
            "Cricket for piger og kvinder",
            "Projekt Bibliotekets Borgerservice-to-go: Biblioteket Frederiksbergs opsøgende "
            "enhed i forhold til voksne indvandrere",
            "Åben Rådgivning",
        ]
    )
    table = rows(html)
    assert "Integrationspriser, netværksdannelse mv. 40.000 kr." in table
    assert "Sum 722.000 kr." in table
    assert "Bevilget til projekter 682.000 kr." in table
    assert (
        "Kvinder i job AUUArbejdsmarkeds- og Uddannelsesudvalget ✓ja ✓ja ✓ja ✓ja 150.000 kr."
        in table
    )
    shown = main_text(html)
    assert "Restmidler overført til året" in shown
    assert "Esport for Mangfoldighed: beløb ikke oplyst (fra 2020)" in shown


def test_pool_2022_sums_to_700000(client, demo):
    html = page(client, "/puljer/frederiksberg/2022/")
    assert len(project_rows(html)) == 6
    assert "Sum 700.000 kr." in rows(html)
    assert "Bevilget til projekter 660.000 kr." in rows(html)


def test_pool_page_says_what_is_committed_and_what_is_left(client, demo):
    from grants.models import Pool

    table = rows(page(client, "/puljer/frederiksberg/2021/"))
    assert "Bevilget og reserveret i alt 722.000 kr." in table
    assert "Til rådighed 0 kr." in table
    pool = Pool.objects.get(municipality__slug="frederiksberg", year=2021)
    Pool.objects.filter(pk=pool.pk).update(budget=800000)
    assert "Til rådighed 78.000 kr." in rows(page(client, "/puljer/frederiksberg/2021/?x=1"))


@pytest.mark.parametrize(
    "url", ["/puljer/nowhere/2021/", "/puljer/frederiksberg/1999/", "/puljer/koebenhavn/2021/"]
)
def test_unknown_pool_is_not_found(client, demo, url):
    assert client.get(url).status_code == 404


# --- Policies and goals ----------------------------------------------------------------


def test_policies_page_lists_both_policies(client, demo):
    """A row per policy with its goals counted (the goals are on its page: issue 17)."""
    html = page(client, "/politikker/")
    table = rows(html)
    assert any(
        row.startswith("Frederiksberg Kommune Integrationspolitik 2019-2022") for row in table
    )
    assert any(row.startswith("Københavns Kommune Integrationspolitik 2019-2022") for row in table)
    policy = Goal.objects.filter(policy__municipality__slug="frederiksberg").first().policy
    objectives = policy.goals.filter(kind="objective").count()
    resources = policy.goals.filter(kind="resource").count()
    frederiksberg = next(row for row in table if row.startswith("Frederiksberg"))
    assert frederiksberg.endswith(f"{objectives} målsætninger og {resources} ressourcer")
    assert f'href="/politikker/frederiksberg/{policy.slug}/"' in html


def test_policy_page_shows_principles_and_goals_with_aim_points(client, demo):
    html = page(client, "/politikker/koebenhavn/integrationspolitik-2019-2022/")
    shown = main_text(html)
    for principle in ("Investering i integration", "Dét, der virker", "Langsigtede indsatser"):
        assert principle in shown
    goal_1 = Goal.objects.get(policy__municipality__slug="koebenhavn", kind="objective", number=1)
    # Named as everywhere else (tags, filters), with the policy's full wording under it.
    assert f'<a href="{goal_url(goal_1)}">Mål 1: {goal_1.short_title}</a>' in html
    assert goal_1.title in shown
    for target in goal_1.targets.all():
        assert " ".join(target.text.split()) in shown
    shown = main_text(page(client, "/politikker/frederiksberg/integrationspolitik-2019-2022/"))
    assert "Mangfoldighed – tolerance for forskellighed" in shown
    assert "Samme grad af offentlig forsørgelse som for Frederiksberg generelt" in shown
    assert "Ressource 1: Borgeren som ressource – Borgeren er en ressource i eget liv" in shown
    assert client.get("/politikker/koebenhavn/findes-ikke/").status_code == 404


def test_goal_page_lists_projects_and_money_per_year(client, demo):
    goal = Goal.objects.get(policy__municipality__slug="frederiksberg", kind="objective", number=3)
    html = page(client, goal_url(goal))
    cards = {unescape(t) for t in re.findall(r'card-title"><a href="[^"]+">(.*?)</a>', html)}
    assert cards == {
        "Kvinder i job",
        "Fastholdelse i job",
        "Udstyrspulje til borgere med fritidspas",
        "Cricket for piger og kvinder",
        "Idrætsrollemodeller i Klub Jokeren og Klub Filippa",
        "Motionsforening for idrætsuvante voksne",
        "Esport for Mangfoldighed",
    }
    table = rows(html)
    assert "2021 160.000 kr." in table  # Kvinder i job 150.000 + Cricket 10.000
    assert "2022 215.000 kr." in table  # Fastholdelse 200.000 + Udstyr 15.000
    assert "Samme risiko for at få en kronisk sygdom som for Frederiksberg generelt" in text(html)


def test_goal_page_numbers_its_aim_points_as_the_policy_does(client, demo):
    # Fresh eyes round 41: "• 1. Flere …": a bullet before the policy's own number.
    goal = (
        Goal.objects.filter(targets__isnull=False)
        .annotate(n=Count("targets"))
        .filter(n__gte=2)
        .first()
    )
    html = page(client, goal_url(goal))
    section = html.split("Sigtepunkter og delmål", 1)[1].split("</ol>", 1)[0]
    assert "<ul" not in section
    numbers = [int(n) for n in re.findall(r'<li value="(\d+)">', section)]
    assert numbers == list(goal.targets.order_by("number").values_list("number", flat=True))
    first = goal.targets.order_by("number").first()
    item = re.search(r'<li value="\d+">(.*?)</li>', section, re.S).group(1)
    assert not item.startswith(f"{first.number}.")  # the list numbers it, not the text


def test_goal_pages_never_show_an_indicators_title_again_as_its_target(client, demo):
    # Fresh eyes round 41: many indicators are worded as their own target ("Samme
    # beskæftigelsesniveau som for Frederiksberg generelt"), and the "Mål" column repeated
    # the sentence beside it; it shows the target as the barometer does instead.
    repeated = 0
    for goal in Goal.objects.filter(policy__municipality__slug__in=["frederiksberg", "koebenhavn"]):
        html = page(client, goal_url(goal))
        if 'id="indicators-heading"' not in html:
            continue
        table = html.split('id="indicators-heading"', 1)[1].split("</table>", 1)[0]
        for row in re.findall(r"<tr><td>.*?</tr>", table, flags=re.S):
            title, _baseline, target, *_rest = [
                text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
            ]
            assert target and target != title, (goal_url(goal), title)
            repeated += title.startswith("Samme") and "generelt" in title
    assert repeated >= 5  # Frederiksberg's indicators worded as their targets were seen


def test_goal_page_shows_the_newest_projects_and_links_to_them_all(client, demo, monkeypatch):
    """Issue 17: a goal of a large municipality is served by hundreds of projects over the
    years; its page shows the newest and sends the reader to the catalogue for the rest."""
    from policies import views

    monkeypatch.setattr(views, "PROJECTS_SHOWN", 3)
    goal = Goal.objects.get(policy__municipality__slug="frederiksberg", kind="objective", number=3)
    html = page(client, goal_url(goal))
    cards = re.findall(r'card-title"><a href="[^"]+">(.*?)</a>', html)
    assert len(cards) == 3
    assert "De 3 nyeste af 7 projekter." in main_text(html)
    link = unescape(re.search(r'<a href="([^"]+)">Se dem alle i projektkataloget', html)[1])
    assert link == f"/projekter/?kommune=frederiksberg&maal={goal.pk}"
    assert "7 projekter" in main_text(page(client, link))
    # All shown: no count and no link.
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(views, "PROJECTS_SHOWN", 7)
    html = page(client, goal_url(goal))
    assert "Se dem alle" not in html
    assert len(re.findall(r'card-title"><a href="[^"]+">(.*?)</a>', html)) == 7


def test_copenhagen_goal_page_shows_its_indicators_with_baseline(client, demo):
    goal = Goal.objects.get(policy__municipality__slug="koebenhavn", kind="objective", number=1)
    shown = main_text(page(client, goal_url(goal)))
    assert (
        "15,3 pct. af de ikke-vestlige københavnere er på midlertidig, offentlig forsørgelse"
        in shown
    )
    assert "Ingen projekter endnu." in shown
    assert "Ingen bevillinger endnu." in shown
    assert client.get("/politikker/maal/999999/").status_code == 404


def test_goal_money_counts_only_funded_projects(client, make_application, policy):
    goal = policy.goals.get()
    fund(make_application(title="Bevilget", amounts={2026: "25000"})).goals.add(goal)
    make_application(
        title="Afslået", amounts={2026: "99000"}, status=ApplicationStatus.REJECTED
    ).goals.add(goal)
    html = page(client, goal_url(goal))
    assert "2026 25.000 kr." in rows(html)
    assert "99.000 kr." not in html


def test_a_goal_has_one_name_on_every_page(client, demo):
    """Fresh eyes searched for "Mål 1: Aktive på arbejdsmarkedet" (a tag) and found the goal's
    page titled "Mål 1: Er aktive på arbejdsmarkedet": the tag, the filter, the goal's page, the
    policy, the project and the barometer name a goal the same way."""
    goal = Goal.objects.get(policy__municipality__slug="frederiksberg", kind="objective", number=1)
    name = "Mål 1: Aktive på arbejdsmarkedet"
    assert goal.name == name
    policy = goal.policy
    project = goal.applications.filter(status__in=["active", "completed"]).first()
    pages = {
        "catalogue": "/projekter/?kommune=frederiksberg",
        "goal": goal_url(goal),
        "policy": f"/politikker/{policy.municipality.slug}/{policy.slug}/",
        "project": f"/projekter/{project.pk}/",
        "barometer": f"/barometer/{policy.municipality.slug}/{policy.slug}/",
    }
    for kind, url in pages.items():
        assert name in main_text(page(client, url)), kind
    assert f">{name}</option>" in page(client, pages["catalogue"])


def test_the_form_says_which_texts_are_published_and_the_page_keeps_to_it(
    client, caseworker, make_application
):
    """Fresh eyes found the amount note (a phone number, as typed) on the public project
    page, with nothing on the form saying it would be. Which texts are published is fixed
    here: a text field added to the page must be added to the form's notice too."""
    from django.urls import reverse

    from grants.models import Application, ContactPerson
    from tests.test_public_catalogue import fund

    texts = [
        name
        for name in Application.CONTENT_FIELDS
        if not Application._meta.get_field(name).is_relation
    ]
    application = make_application(**{name: f"MARK-{name}" for name in texts})
    ContactPerson.objects.create(
        application=application, name="MARK-contact", email="mark@example.dk"
    )
    fund(application)
    page = client.get(reverse("public:project", args=[application.pk])).content.decode()
    hidden = {name for name in texts if f"MARK-{name}" not in page}
    assert hidden == {"other_funding"}
    assert "MARK-contact" not in page

    client.force_login(caseworker)
    form = client.get(reverse("mine:start", args=[application.pool_id])).content.decode()
    assert 'data-testid="published-notice"' in form
    assert "Kontaktpersoner, anden finansiering og bilag vises ikke." in form


def test_a_goals_money_counts_no_example_grants(client, make_application, make_pool, policy):
    """Fresh eyes round 13: a goal's "Penge til projekter" summed an example pool's grant,
    which open data leaves out."""
    real = fund(make_application(title="Rigtigt projekt", amounts={2026: "10000"}))
    real.goals.set(policy.goals.all())
    example_pool = make_pool(year=2030, is_example=True)
    example = fund(
        make_application(title="Eksempelprojekt", target_pool=example_pool, amounts={2030: "20000"})
    )
    example.goals.set(policy.goals.all())
    text = page(client, goal_url(policy.goals.get()))
    money = text[text.index('id="money-heading"') :]
    money = money[: money.index("</section>")]
    assert "10.000 kr." in money
    assert "20.000 kr." not in money and "2030" not in money


def test_a_year_without_a_pool_says_so_with_the_years_there_are(client, demo):
    """Fresh eyes round 28: /puljer/frederiksberg/2028/ was the bare "Siden findes ikke"."""
    response = client.get("/puljer/frederiksberg/2031/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Frederiksberg Kommune har ingen offentliggjort integrationspulje for 2031" in html
    assert 'href="/puljer/frederiksberg/2021/"' in html
    assert client.get("/puljer/findes-ikke/2021/").status_code == 404
    assert "Den kan være på vej" in html  # a year still to come
    past = client.get("/puljer/frederiksberg/1999/").content.decode()
    assert "Den kan være på vej" not in past
    # The year's rounds of another scheme are named (fresh eyes round 30: Copenhagen's § 18
    # pool of 2019 while the page said there was none).
    from grants.models import Pool

    other = Pool.objects.get(municipality__slug="koebenhavn", year=2019)
    assert other.public_url != "/puljer/koebenhavn/2019/"  # a round of its own scheme
    page = client.get("/puljer/koebenhavn/2019/").content.decode()
    assert f'href="{other.public_url}"' in page


def test_a_pool_page_says_where_the_money_of_its_other_projects_comes_from(client, demo):
    """Fresh eyes round 35: "Fastholdelse i job", applied for in 2021 and granted from the
    2022 pool, was listed under "uden registrerede beløb ... ikke oplyst i portalen"."""
    shown = main_text(page(client, "/puljer/frederiksberg/2021/"))
    elsewhere = shown[shown.index("Indsatser fra puljen med penge fra andre års puljer") :]
    assert (
        "Fastholdelse i job (AUUArbejdsmarkeds- og Uddannelsesudvalget): 2022: 200.000 kr."
        in elsewhere
    )
    assert (
        "Udstyrspulje til borgere med fritidspas (KFUKultur- og Fritidsudvalget): 2022: 15.000 kr."
        in elsewhere
    )
    # Both have money, so no project of the pool is without a known amount.
    assert "uden registrerede beløb" not in shown
    # One whose amounts the portal does not know (no allocation anywhere) is said so.
    from grants.models import Allocation

    Allocation.objects.filter(application__title="Fastholdelse i job").delete()
    shown = main_text(page(client, "/puljer/frederiksberg/2021/?x=1"))
    unknown = shown[shown.index("Indsatser fra puljen uden registrerede beløb") :]
    assert (
        "Fastholdelse i job (AUUArbejdsmarkeds- og Uddannelsesudvalget)"
        in unknown[: unknown.index("Restmidler overført")]
    )


def test_a_pool_tables_goal_columns_are_explained_in_words(client, demo):
    """Fresh eyes, session 33: the columns said only "Mål 1", the goal's wording in a
    tooltip that touch and keyboard cannot open."""
    from grants.models import Pool

    pool = Pool.objects.get(municipality__slug="frederiksberg", year=2021)
    shown = main_text(page(client, "/puljer/frederiksberg/2021/"))
    legend = shown[shown.index("Målene i tabellen") :]
    for goal in pool.policy.goals.all():
        assert f"{goal.label}: {goal.title}" in legend


def test_a_pool_without_stated_amounts_shows_no_empty_table(client, demo):
    """Fresh eyes, session 32: a pool whose projects have no stated amount showed an empty
    table of goals, with only its sum, under a hint to scroll it sideways."""
    from grants.models import Allocation, Pool

    url = "/puljer/frederiksberg/2021/"
    assert 'class="table table-bordered' in page(client, url)
    pool = Pool.objects.get(municipality__slug="frederiksberg", year=2021)
    Allocation.objects.filter(pool=pool).delete()
    pool.reserved_lines.all().delete()
    html = page(client, url + "?x=1")
    assert 'class="table table-bordered' not in html
    assert "Tabellen kan rulles til siden" not in html
    shown = main_text(html)
    assert "Ingen af puljens indsatser har et registreret beløb; de står herunder." in shown
    assert "Indsatser fra puljen uden registrerede beløb" in shown


def test_the_catalogue_and_a_project_page_have_headings_to_move_by(client, demo):
    """Fresh eyes, session 32: the catalogue's cards (h3) sat under the facets' heading,
    and a project's questions were terms of a list, not headings."""
    import re

    from grants.models import Application

    catalogue = page(client, "/projekter/")
    results = catalogue.index(">Resultater</h2>")
    assert results < catalogue.index('<h3 class="h5 card-title"')
    project = Application.objects.filter(title="Fastholdelse i job").get()
    html = page(client, f"/projekter/{project.pk}/")
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", html)
    assert "Hvad vil projektet opnå?" in headings
    assert "Hvad sker der i projektet?" in headings
    assert "<dt>Hvad sker der i projektet?</dt>" not in html


def test_an_unknown_municipality_is_refused_without_naming_a_hundred(client, demo):
    """With a few municipalities the refusal names their short names; with a country's
    hundred it asked the reader to read them all under the select (session 25)."""
    from portal.filters import MOST_KEYS_NAMED
    from portal.models import Municipality

    named = main_text(page(client, "/projekter/?kommune=nowhere"))
    assert "»nowhere« findes ikke. Brug en af: frederiksberg, koebenhavn" in named
    Municipality.objects.bulk_create(
        Municipality(name=f"Kommune {n:03}", slug=f"kommune-{n:03}", code=f"9{n:02}")
        for n in range(MOST_KEYS_NAMED)
    )
    shown = main_text(page(client, "/projekter/?kommune=nowhere&x=1"))
    assert "»nowhere« findes ikke. Vælg en af mulighederne på listen." in shown
    assert "kommune-001" not in shown


def test_the_pools_list_commits_what_each_pool_balance_says(client, demo):
    """The pools page's "Bevilget og reserveret" comes from `committed_by_pool`, for many
    pools at once; it must be what `pool_balance` says of each pool on its own."""
    from grants.models import Pool, ReservedLine
    from grants.selectors import committed_by_pool, pool_balance

    pools = list(Pool.objects.all())
    assert ReservedLine.objects.filter(pool__in=pools).exists()  # both kinds are counted
    committed = committed_by_pool(pools)
    for pool in pools:
        balance = pool_balance(pool)
        assert committed[pool.pk] == balance["allocated"] + balance["reserved"], pool


def test_every_project_page_names_each_year_of_its_money_once(client, demo):
    """Fresh eyes, session 31: "2021 · 100.000 kr." and "2021 · restmidler fra 2020" were two
    lines of one year on the project page, where its card says "2021: 100.000 kr. +
    restmidler fra 2020". Every public project page of the demo data, each year once."""
    from grants.public import funded_projects

    both = 0
    for project in funded_projects():
        html = page(client, f"/projekter/{project.pk}/")
        money = html[html.index('id="money-heading"') :]
        money = money[: money.index("</table>")]
        years = re.findall(r'<th scope="row">(\d{4})</th>', money)
        assert years, project.title
        assert len(years) == len(set(years)) and years == sorted(years), (project.title, years)
        if "+ " in money:
            both += 1
            assert re.search(
                r"kr\.(<span class=\"visually-hidden\">[^<]*</span>)?</a>"
                r"<br><span class=\"small\">\+ .*restmidler fra \d{4}",
                money,
            )
    assert both, "the demo data has a year with a grant and carried-over money"


def test_a_project_whose_money_has_run_out_is_not_called_ongoing(
    client, make_application, make_pool
):
    """Fresh eyes, session 31: a project of 2019–2021 was "Igangværende" on its page in 2026
    (its status stays active until its final report is accepted)."""
    from django.utils import timezone

    this_year = timezone.localdate().year
    old = fund(
        make_application(
            title="Gammelt projekt", target_pool=make_pool(year=2021), amounts={2021: "5000"}
        )
    )
    running = fund(
        make_application(
            title="Nyt projekt", target_pool=make_pool(year=this_year), amounts={this_year: "5000"}
        )
    )
    assert old.status == running.status == "active"
    lead = re.compile(r'<p class="lead">([^<]*)')
    assert (
        lead.search(page(client, f"/projekter/{old.pk}/"))
        .group(1)
        .endswith("· Tilskudsperioden sluttede i 2021")
    )
    assert (
        lead.search(page(client, f"/projekter/{running.pk}/")).group(1).endswith("· Igangværende")
    )


EXAMPLE_NOTICES = {
    ("da", "departments"): "Eksempeldata: en opdigtet pulje, så sagsbehandlere kan afprøve "
    "ansøgningen.",
    ("da", "organisations"): "Eksempeldata: en opdigtet pulje, så foreninger kan afprøve at søge.",
    ("en", "departments"): "Example data: a made-up pool for caseworkers to try the application "
    "form.",
    ("en", "organisations"): "Example data: a made-up pool for associations to try applying.",
}


@pytest.mark.parametrize("language", ["da", "en"])
def test_an_example_pool_says_so_in_the_readers_language(client, demo, language):
    """Fresh eyes, session 31: the English pool page showed the example pool's Danish
    notice, and its call page still did (the notice was the demo pool's description). Every
    example pool's page and call, to whom it is for."""
    from grants.models import Pool

    from .page_crawl import use_language

    use_language(client, language)
    pools = Pool.objects.filter(is_example=True).select_related("municipality")
    assert {pool.applicants for pool in pools} == {"departments", "organisations"}
    for pool in pools:
        for address in (pool.public_url, f"/puljer/soeg/{pool.pk}/"):
            shown = main_text(page(client, address))
            assert EXAMPLE_NOTICES[language, pool.applicants] in shown, address
            name = pool.municipality.name
            assert (f"Budget og frist er ikke {name}s." if language == "da" else name) in shown
            assert ("opdigtet" in shown) is (language == "da"), address
            assert shown.count("Eksempeldata:" if language == "da" else "Example data:") == 1


def test_an_english_search_that_finds_nothing_says_the_texts_are_danish(client, demo):
    from .page_crawl import use_language

    use_language(client, "en")
    shown = text(page(client, "/projekter/?q=language"))
    assert "The projects' texts are written in Danish, so search with Danish words" in shown
    # Not when filters may be why nothing was found (fresh eyes, session 31).
    assert "written in Danish" not in text(page(client, "/projekter/?q=cricket&aar=2019"))
    use_language(client, "da")
    assert "skrevet på dansk" not in text(page(client, "/projekter/?q=language"))


def test_a_call_names_only_the_ways_in_the_login_page_offers(client, demo, settings):
    """Fresh eyes, session 32: the § 18 call told new associations they could log in "med et
    link på e-mail eller med MitID Erhverv" where the login page offered no MitID Erhverv."""
    from django.core.cache import cache

    from grants.models import Pool

    pool = Pool.objects.get(is_example=True, applicants="organisations")
    call = f"/puljer/soeg/{pool.pk}/"

    def said() -> str:
        cache.clear()
        html = page(client, call)
        return text(html[html.index('data-testid="new-organisation"') :].split("</p>", 1)[0])

    settings.LOCAL_PASSWORD_LOGIN = True  # e-mail links, as in the demo
    assert said().endswith("Så kan I logge ind med et link på e-mail.")
    assert "e-mail" in main_text(page(client, "/login/e-mail/"))
    provider = mitid_erhverv(pool.municipality, label="MitID Erhverv")
    assert said().endswith("Så kan I logge ind med et link på e-mail eller med MitID Erhverv.")
    settings.LOCAL_PASSWORD_LOGIN = False  # production
    assert said().endswith("Så kan I logge ind med MitID Erhverv.")
    provider.is_enabled = False
    provider.save()
    assert said().endswith("Så kan I logge ind.")


def test_carried_over_money_is_explained_and_an_unknown_amount_said(client, demo):
    """Fresh eyes, session 32: "restmidler" was explained only on the data page; "+
    restmidler fra 2020" said nothing of its amount where the first line of a year said
    "beløbet er ikke oplyst"; a pool's "0 kr." read as nothing given."""
    from grants.models import CarryOver

    explained = "Restmidler er penge, projektet ikke nåede at bruge i et år"
    carried = set(CarryOver.objects.values_list("application_id", flat=True))
    for project in Application.objects.filter(pk__in=carried):
        html = page(client, f"/projekter/{project.pk}/")
        money = main_text(html).split("Penge fra puljen", 1)[1].split("Politisk udvalg", 1)[0]
        assert explained in money, project.title
    shown = main_text(page(client, project_url("Åben Rådgivning")))
    assert "+ restmidler fra 2020 (beløbet er ikke oplyst)" in shown
    assert "tælles ikke med i »Bevilget i alt«" in shown
    assert explained not in main_text(page(client, project_url("Kvinder i job")))
    pool = main_text(page(client, "/puljer/frederiksberg/2020/"))
    assert "Bevilget til projekter 0 kr. + 3 indsatser uden oplyst beløb" in pool
