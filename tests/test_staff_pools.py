"""Committee staff create, edit, open and close pools. The pool page shows the money as a
municipal finance officer would check it: budget, reserved, allocated and available."""

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.models import Pool, PoolStatus, ReservedLine
from grants.services.decisions import do_record_decision
from grants.services.errors import DomainError
from portal.models import Role, User
from tests.staff_support import messages_of, refusals_of


class _FormValues(HTMLParser):
    """What a browser would send for the page's own form (the one without an action)."""

    def __init__(self):
        super().__init__()
        self.values, self._in_form, self._select, self._textarea = {}, False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_form = not attrs.get("action")
        elif not self._in_form or "name" not in attrs and tag != "option":
            return
        elif tag == "input":
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            if attrs.get("type") not in ("submit", "button"):
                self.values[attrs["name"]] = attrs.get("value", "")
        elif tag == "select":
            self._select = attrs["name"]
            self.values.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            text = self.values[self._textarea]
            self.values[self._textarea] = text + (data if text else data.removeprefix("\n"))


def form_values(response) -> dict:
    parser = _FormValues()
    parser.feed(response.content.decode())
    return parser.values


def balance_of(response) -> dict[str, str]:
    """The pool page's balance table as {label: amount}."""
    html = response.content.decode()
    table = html[html.index('id="balance-heading"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<th scope="row">(.*?)</th><td class="money[^"]*"[^>]*>(.*?)</td>', table)
    return dict(rows)


# A round still to come: its deadline is ahead whenever the tests run.
NEXT = timezone.localdate().year + 1


def pool_data(policy, **overrides) -> dict:
    data = {
        "title": f"Integrationspuljen {NEXT}",
        "year": str(NEXT),
        "policy": str(policy.pk),
        "action_plan": "",
        "budget": "500.000",
        "application_deadline": f"{NEXT}-01-31T12:00",
        "evaluation_threshold": "100.000",
        "delegation_limit": "",
        "description": "Puljen for projekter, der styrker integrationen.",
        "reserved-TOTAL_FORMS": "1",
        "reserved-INITIAL_FORMS": "0",
        "reserved-MIN_NUM_FORMS": "0",
        "reserved-MAX_NUM_FORMS": "20",
        "reserved-0-title": "Integrationspriser, netværksdannelse mv.",
        "reserved-0-amount": "40.000",
    }
    return data | overrides


@pytest.fixture
def colleague(municipality):
    return User.objects.create_user(
        username="kollega", password="x", role=Role.COMMITTEE_STAFF, municipality=municipality
    )


def test_created_pool_shows_budget_reserved_allocated_and_available(staff_client, policy):
    response = staff_client.post(reverse("sekretariat:pool-create"), pool_data(policy), follow=True)

    assert response.status_code == 200
    assert "Puljen er gemt." in refusals_of(response)
    pool = Pool.objects.get(year=NEXT)
    assert response.redirect_chain[-1][0] == reverse("sekretariat:pool", args=[pool.pk])
    assert pool.status == PoolStatus.PLANNED  # a new pool is not open before staff open it
    balance = balance_of(response)
    assert balance["Budget"] == "500.000 kr."
    assert balance["Reserveret"] == "40.000 kr."
    assert balance["Bevilget"] == "0 kr."
    assert balance["Til rådighed"] == "460.000 kr."
    assert "Integrationspriser, netværksdannelse mv." in response.content.decode()


def test_the_demo_example_pool_shows_its_reserved_line(demo, client):
    client.force_login(User.objects.get(username="frb-sekretariat"))
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")

    balance = balance_of(client.get(reverse("sekretariat:pool", args=[pool.pk])))

    assert (balance["Budget"], balance["Reserveret"], balance["Til rådighed"]) == (
        "700.000 kr.",
        "40.000 kr.",
        "660.000 kr.",
    )


def test_a_second_pool_for_the_same_year_is_refused(staff_client, policy, make_pool):
    make_pool(year=NEXT)

    response = staff_client.post(reverse("sekretariat:pool-create"), pool_data(policy))

    assert response.status_code == 400
    assert f"har allerede en pulje for {NEXT}: »" in " ".join(refusals_of(response))
    assert Pool.objects.filter(year=NEXT).count() == 1
    assert not ReservedLine.objects.exists()  # the refused pool's line is not left behind


@pytest.mark.parametrize("year", ["-1", "0", "1999", "2101"])
def test_a_year_outside_the_range_is_said_as_the_range(staff_client, policy, year):
    """Attack round 24: -1 got Django's "større end eller lig 0" for a rule of 2000–2100."""
    response = staff_client.post(
        reverse("sekretariat:pool-create"), pool_data(policy) | {"year": year}
    )

    assert response.status_code == 400
    assert "Angiv et år mellem 2000 og 2100." in response.content.decode()
    assert not Pool.objects.exists()


def test_reserved_lines_above_the_budget_are_refused(staff_client, policy):
    data = pool_data(policy, budget="30.000")

    response = staff_client.post(reverse("sekretariat:pool-create"), data)

    assert response.status_code == 400
    assert any("mindre end de reserverede beløb" in m for m in refusals_of(response))
    assert not Pool.objects.exists()


def test_amounts_must_be_written_as_kroner(staff_client, policy):
    response = staff_client.post(
        reverse("sekretariat:pool-create"), pool_data(policy, budget="500,000.00")
    )

    assert response.status_code == 400
    assert "fx 150.000 eller 150.000,50" in response.content.decode()
    assert not Pool.objects.exists()


def test_two_staff_editing_the_same_pool_cannot_overwrite_each_other(
    client, staff_user, colleague, make_pool
):
    pool = make_pool(year=2026, budget="500000", status=PoolStatus.PLANNED)
    ReservedLine.objects.create(pool=pool, title="Priser", amount=Decimal("40000"))
    edit_url = reverse("sekretariat:pool-edit", args=[pool.pk])
    client.force_login(staff_user)
    mine = form_values(client.get(edit_url))
    client.force_login(colleague)
    theirs = form_values(client.get(edit_url))
    assert mine["budget"] == theirs["budget"] == "500.000"

    theirs["budget"] = "600.000"
    response = client.post(edit_url, theirs, follow=True)
    assert "Puljen er gemt." in refusals_of(response)

    client.force_login(staff_user)
    mine["budget"] = "800.000"
    mine["reserved-0-amount"] = "10.000"
    response = client.post(edit_url, mine)

    assert response.status_code == 409
    [message] = messages_of(response)
    assert message.startswith("Puljen er gemt et andet sted")
    pool.refresh_from_db()
    assert pool.budget == Decimal("600000")  # the colleague's budget stands
    assert pool.reserved_total == Decimal("40000")
    html = response.content.decode()
    assert '<dt>Budget</dt>\n        <dd class="mb-1">600.000</dd>' in html  # what was saved …
    assert form_values(response)["budget"] == "800.000"  # … next to what this user typed
    assert form_values(response)["reserved-0-amount"] == "10.000"


def test_budget_cannot_go_below_allocated_and_reserved(
    staff_client, staff_user, make_pool, make_application
):
    pool = make_pool(year=2026, budget="500000")
    ReservedLine.objects.create(pool=pool, title="Priser", amount=Decimal("40000"))
    application = make_application(amounts={2026: "300000"}, status="recommended")
    do_record_decision(
        application_id=application.pk,
        outcome="approved",
        actor=staff_user,
        amounts={2026: Decimal("300000")},
        committee=application.committee,
        meeting_date=datetime.date(2026, 3, 1),
    )
    edit_url = reverse("sekretariat:pool-edit", args=[pool.pk])
    data = form_values(staff_client.get(edit_url)) | {"budget": "300.000"}

    response = staff_client.post(edit_url, data)

    assert response.status_code == 400
    assert (
        "Budgettet (300.000 kr.) er mindre end det allerede bevilgede og reserverede "
        "(340.000 kr.)." in response.context["form"].errors["budget"]
    )
    pool.refresh_from_db()
    assert pool.budget == Decimal("500000")
    balance = balance_of(staff_client.get(reverse("sekretariat:pool", args=[pool.pk])))
    assert balance["Til rådighed"] == "160.000 kr."

    data["budget"] = "340.000"  # exactly what is committed is allowed
    response = staff_client.post(edit_url, data, follow=True)
    assert balance_of(response)["Til rådighed"] == "0 kr."


def test_staff_open_and_close_a_pool(staff_client, make_pool):
    pool = make_pool(year=2027, status=PoolStatus.PLANNED)
    url = reverse("sekretariat:pool-status", args=[pool.pk])

    response = staff_client.post(url, {"status": "open"}, follow=True)
    assert "Puljens status er nu »Åben for ansøgninger«." in refusals_of(response)
    assert "Luk puljen for ansøgninger" in response.content.decode()
    pool.refresh_from_db()
    assert pool.status == PoolStatus.OPEN

    # Before the deadline, closing is confirmed first (fresh eyes round 13).
    response = staff_client.post(url, {"status": "closed"}, follow=True)
    assert "Puljen er ikke lukket. Fristen er ikke nået" in refusals_of(response)[0]
    assert 'name="confirm"' in response.content.decode()
    pool.refresh_from_db()
    assert pool.status == PoolStatus.OPEN
    response = staff_client.post(url, {"status": "closed", "confirm": "1"}, follow=True)
    assert "Puljens status er nu »Lukket«." in refusals_of(response)
    pool.refresh_from_db()
    assert pool.status == PoolStatus.CLOSED
    # Closed early: the page says when, and it can open again with the deadline it had
    # (fresh eyes round 21).
    page = response.content.decode()
    assert 'data-testid="closed-at"' in page and 'value="open"' in page

    # Past its deadline, it is not offered to open, and the page says what to do instead.
    Pool.objects.filter(pk=pool.pk).update(
        application_deadline=timezone.now() - timezone.timedelta(hours=1)
    )
    page = staff_client.get(reverse("sekretariat:pool", args=[pool.pk])).content.decode()
    assert 'value="open"' not in page and 'data-testid="closed-at"' not in page
    assert "Vælg en ny frist under »Rediger pulje«" in page


@pytest.mark.parametrize(
    "missing", [{"budget": None}, {"application_deadline": None}], ids=["budget", "deadline"]
)
def test_a_pool_without_budget_or_deadline_cannot_be_opened(staff_client, make_pool, missing):
    pool = make_pool(year=2027, status=PoolStatus.PLANNED, **missing)

    response = staff_client.post(
        reverse("sekretariat:pool-status", args=[pool.pk]), {"status": "open"}, follow=True
    )

    assert messages_of(response) == [
        "En pulje skal have budget og ansøgningsfrist, før den kan åbnes."
    ]
    pool.refresh_from_db()
    assert pool.status == PoolStatus.PLANNED
    # The page says so in place of the button.
    page = response.content.decode()
    assert 'value="open"' not in page and 'data-testid="open-problem"' in page


def test_an_unknown_status_is_refused(staff_client, make_pool):
    pool = make_pool(year=2027, status=PoolStatus.PLANNED)

    response = staff_client.post(
        reverse("sekretariat:pool-status", args=[pool.pk]), {"status": "deleted"}, follow=True
    )

    assert messages_of(response) == ["Ukendt status."]
    pool.refresh_from_db()
    assert pool.status == PoolStatus.PLANNED


def test_home_lists_the_pools_with_waiting_applications(staff_client, make_pool, make_application):
    pool = make_pool(year=2026)
    make_application(title="Ny", status="submitted")
    make_application(title="I gang", status="in_review")
    make_application(title="Kladde")  # drafts are not staff's business

    response = staff_client.get(reverse("sekretariat:home"))

    html = response.content.decode()
    row = html[html.index(reverse("sekretariat:pool", args=[pool.pk])) :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r'<td class="text-end"[^>]*>(\d+)</td>', row)
    assert cells == ["1", "1"]  # new, in review
    assert "500.000 kr." in row


def test_a_pools_year_cannot_be_moved_onto_another_pool(staff_client, make_pool):
    make_pool(year=2026)
    pool = make_pool(year=2027, status=PoolStatus.PLANNED)
    edit_url = reverse("sekretariat:pool-edit", args=[pool.pk])
    data = form_values(staff_client.get(edit_url)) | {"year": "2026"}

    response = staff_client.post(edit_url, data)

    assert response.status_code == 400
    assert "har allerede en pulje for 2026: »" in " ".join(refusals_of(response))
    pool.refresh_from_db()
    assert (pool.year, pool.version) == (2027, 1)


def test_removing_a_reserved_line_frees_its_money(staff_client, make_pool):
    pool = make_pool(year=2026, budget="500000")
    ReservedLine.objects.create(pool=pool, title="Priser", amount=Decimal("40000"))
    edit_url = reverse("sekretariat:pool-edit", args=[pool.pk])
    data = form_values(staff_client.get(edit_url)) | {"reserved-0-DELETE": "on"}

    response = staff_client.post(edit_url, data, follow=True)

    assert "Puljen er gemt." in refusals_of(response)
    assert balance_of(response)["Reserveret"] == "0 kr."
    assert balance_of(response)["Til rådighed"] == "500.000 kr."
    assert not ReservedLine.objects.exists()


def test_a_line_of_another_pool_planted_in_the_form_is_refused_and_nothing_changes(
    staff_client, make_pool
):
    """Attack round 16: the id of another pool's reserved line, posted as a new row, deleted
    this pool's own line and made it again."""
    pool = make_pool(year=2026, budget="500000")
    other = make_pool(year=2027, budget="500000")
    own = ReservedLine.objects.create(pool=pool, title="Priser", amount=Decimal("40000"))
    foreign = ReservedLine.objects.create(pool=other, title="Andet", amount=Decimal("10000"))
    edit_url = reverse("sekretariat:pool-edit", args=[pool.pk])
    data = form_values(staff_client.get(edit_url)) | {
        "reserved-INITIAL_FORMS": "0",
        "reserved-TOTAL_FORMS": "1",
        "reserved-0-id": str(foreign.pk),
        "reserved-0-title": "Priser",
        "reserved-0-amount": "1",
    }

    response = staff_client.post(edit_url, data)

    # Refused as a line of another pool, or as a form without this pool's own line.
    page = response.content.decode()
    assert response.status_code == 400
    assert "hører ikke til puljen" in page or "Formularen blev ikke sendt hel" in page
    assert list(pool.reserved_lines.values_list("pk", "amount")) == [(own.pk, Decimal("40000"))]
    assert list(other.reserved_lines.values_list("pk", "amount")) == [(foreign.pk, 10000)]


def test_a_blank_new_pool_starts_from_next_year_and_the_pool_rules_defaults(staff_client, policy):
    """Fresh eyes round 20: "Opret pulje" showed the required threshold empty, so the first
    save failed with "Dette felt er påkrævet."; the year was empty too."""
    values = form_values(staff_client.get(reverse("sekretariat:pool-create")))
    assert values["year"] == str(NEXT)
    assert values["evaluation_threshold"] == "100.000"
    assert values["max_grant_years"] == "2"


def test_a_blank_new_pool_starts_from_a_year_its_scheme_has_no_round_for(staff_client, make_pool):
    """Fresh eyes round 21: next year was taken by the scheme, and the first save refused
    the year the form had chosen. The page as rendered saves."""
    make_pool(year=NEXT)
    make_pool(year=NEXT + 1)
    create = reverse("sekretariat:pool-create")
    values = form_values(staff_client.get(create))
    assert values["year"] == str(NEXT + 2)


@pytest.mark.parametrize(
    "forged",
    [
        {"reserved-TOTAL_FORMS": "-1"},
        {"reserved-TOTAL_FORMS": "0", "reserved-INITIAL_FORMS": "0"},
        {"reserved-INITIAL_FORMS": "-2"},
        {"reserved-TOTAL_FORMS": "2", "reserved-1-id": "{own}", "reserved-1-title": "Andet"},
        {"reserved-TOTAL_FORMS": "abc"},
    ],
    ids=["negative-total", "rows-left-out", "negative-initial", "same-row-twice", "not-a-count"],
)
def test_a_reserved_lines_post_that_leaves_out_or_repeats_rows_is_refused(
    staff_client, make_pool, forged
):
    """Attack round 21: the service saves the rows posted and deletes the rest, so a post
    with a negative or short row count deleted the pool's lines, and one naming a row twice
    overwrote it. Refused with a plain message; nothing changes."""
    pool = make_pool(year=2026, budget="500000")
    own = ReservedLine.objects.create(pool=pool, title="Priser", amount=Decimal("40000"))
    edit_url = reverse("sekretariat:pool-edit", args=[pool.pk])
    values = form_values(staff_client.get(edit_url))
    data = values | {k: v.format(own=own.pk) for k, v in forged.items()}
    data.setdefault("reserved-1-amount", "1")

    response = staff_client.post(edit_url, data)

    assert response.status_code == 400
    assert "Formularen blev ikke sendt hel" in response.content.decode()
    assert "ManagementForm" not in response.content.decode()
    assert list(pool.reserved_lines.values_list("pk", "title", "amount")) == [
        (own.pk, "Priser", Decimal("40000"))
    ]
    # The page as rendered still saves.
    assert staff_client.post(edit_url, values).status_code == 302


def test_download_names_write_danish_letters_out(staff_client, make_pool):
    """Fresh eyes round 21: "Fællesskabspuljen" became "fllesskabspuljen" in file names."""
    pool = make_pool(year=2027)
    Pool.objects.filter(pk=pool.pk).update(title="Fællesskabspuljen for Østerbro å 2027")
    response = staff_client.get(reverse("dokumenter:pool-xlsx", args=[pool.pk]))
    assert "status-faellesskabspuljen-for-oesterbro-aa-2027.xlsx" in response["Content-Disposition"]


def test_a_new_pool_offers_three_reserved_lines(staff_client, policy):
    """Fresh eyes round 21: a new pool could get one reserved line, the rest only after."""
    values = form_values(staff_client.get(reverse("sekretariat:pool-create")))
    assert values["reserved-TOTAL_FORMS"] == "3"


def test_the_delegation_limit_is_not_above_the_budget(staff_client, make_pool):
    """Fresh eyes round 21: 500.000 kr. delegated in a pool of 100.000 kr. was accepted."""
    pool = make_pool(year=2027, budget="100000")
    url = reverse("sekretariat:pool-edit", args=[pool.pk])
    values = form_values(staff_client.get(url))
    response = staff_client.post(url, values | {"delegation_limit": "500.000"})
    assert response.status_code == 400
    assert "Grænsen kan ikke være højere end puljens budget (100.000 kr.)" in (
        response.content.decode()
    )
    assert staff_client.post(url, values | {"delegation_limit": "50.000"}).status_code == 302


def test_the_pool_service_refuses_a_delegation_limit_above_the_budget(make_pool, staff_user):
    """The rule in its service, for every door (the admin and commands too)."""
    from grants.services.pools import PoolContent, do_update_pool

    pool = make_pool(year=2027, budget="100000")
    fields = {name: getattr(pool, name) for name in ("budget", "delegation_limit")}
    with pytest.raises(DomainError, match="højere end puljens budget"):
        do_update_pool(
            pool_id=pool.pk,
            actor=staff_user,
            expected_version=pool.version,
            content=PoolContent(fields=fields | {"delegation_limit": Decimal("500000")}),
        )
    pool.refresh_from_db()
    assert pool.delegation_limit != Decimal("500000")


def _starred(html: str, field_id: str) -> bool:
    label = re.search(rf'<label for="{field_id}"[^>]*>(.*?)</label>', html, re.S)
    assert label, field_id
    return "asteriskField" in label.group(1)


def test_empty_reserved_line_rows_carry_no_required_star(staff_client, make_pool):
    """Fresh eyes round 39: the optional empty rows starred "Formål" and "Beløb" as if a line
    had to be reserved. A saved line's fields keep their stars, and a begun row still needs
    both."""
    html = staff_client.get(reverse("sekretariat:pool-create")).content.decode()
    for row in range(3):
        for name in ("title", "amount"):
            assert not _starred(html, f"id_reserved-{row}-{name}"), (row, name)
    assert _starred(html, "id_title")  # the pool's own required fields keep theirs

    pool = make_pool(year=2026, budget="500000")
    ReservedLine.objects.create(pool=pool, title="Priser", amount=Decimal("40000"))
    edit_url = reverse("sekretariat:pool-edit", args=[pool.pk])
    response = staff_client.get(edit_url)
    html = response.content.decode()
    assert _starred(html, "id_reserved-0-title") and _starred(html, "id_reserved-0-amount")
    assert not _starred(html, "id_reserved-1-title")

    data = form_values(response) | {"reserved-1-title": "Temadag"}
    response = staff_client.post(edit_url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Reserveret beløb 2: Beløb: Dette felt er påkrævet." in html
    assert _starred(html, "id_reserved-1-amount")  # the begun row's fields are asked for
    assert list(pool.reserved_lines.values_list("title", flat=True)) == ["Priser"]
