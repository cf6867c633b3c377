"""The change log ("Ændringslog") on the pool and application pages: who changed what, with
the values before and after, so staff can answer "who moved this money, and when?"."""

import html as html_lib
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.models import ApplicationStatus, ReservedLine
from tests.staff_support import DEFAULT_APPEAL_GUIDANCE


def audit_rows(response) -> list[dict]:
    """The change log as [{"by", "what", "changes"}], newest first, in plain text."""
    page = response.content.decode()
    assert "Ændringslog" in page
    table = page[page.index('id="audit-heading"') :]
    table = table[table.index("<tbody>") : table.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [
            html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell))).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.replace("</li>", " ; "), re.S)
        ]
        rows.append({"by": cells[1], "what": cells[2], "changes": cells[3]})
    return rows


def edit_pool(client, pool, **changes):
    lines = list(pool.reserved_lines.all())
    data = {
        "title": pool.title,
        "year": pool.year,
        "policy": pool.policy_id,
        "action_plan": "",
        "budget": "500.000",
        # Ahead of now: an open pool takes no deadline in the past.
        "application_deadline": (timezone.localtime() + timedelta(days=60)).strftime(
            "%Y-%m-%dT12:00"
        ),
        "evaluation_threshold": "100.000",
        "delegation_limit": "",
        "description": "",
        "version": pool.version,
        "reserved-TOTAL_FORMS": len(lines),
        "reserved-INITIAL_FORMS": len(lines),
        "reserved-MIN_NUM_FORMS": 0,
        "reserved-MAX_NUM_FORMS": 20,
    }
    for number, line in enumerate(lines):
        data |= {
            f"reserved-{number}-id": line.pk,
            f"reserved-{number}-title": line.title,
            f"reserved-{number}-amount": "40.000",
        }
    response = client.post(reverse("sekretariat:pool-edit", args=[pool.pk]), data | changes)
    assert response.status_code == 302, response.content.decode()
    pool.refresh_from_db()


@pytest.fixture
def staff(staff_user):
    staff_user.first_name, staff_user.last_name = "Sara", "Sekretær"
    staff_user.save()
    return staff_user


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_pool_page_logs_who_changed_the_budget_and_reserved_lines(staff_client, make_pool):
    pool = make_pool(year=2026, budget="500000")
    ReservedLine.objects.create(pool=pool, title="Integrationspriser", amount=Decimal("40000"))

    edit_pool(staff_client, pool, budget="600.000")
    edit_pool(staff_client, pool, budget="600.000", **{"reserved-0-amount": "30.000"})

    rows = audit_rows(staff_client.get(reverse("sekretariat:pool", args=[pool.pk])))
    line_change, budget_change = rows[0], rows[1]
    assert line_change["by"] == "Sara Sekretær"
    assert line_change["what"].startswith("reserveret beløb: Integrationspriser")
    assert "beløb: 40.000 kr. → 30.000 kr." in line_change["changes"]
    assert budget_change["by"] == "Sara Sekretær"
    assert budget_change["what"].startswith("pulje: Integrationspuljen 2026")
    assert "budget: 500.000 kr. → 600.000 kr." in budget_change["changes"]
    # Rows made outside a request (here: the test's setup) are marked as the system's.
    assert rows[-1]["by"] == "Portalen (automatisk)"


def test_application_page_logs_the_decision_and_the_money(
    staff_client, make_pool, make_application, django_capture_on_commit_callbacks
):
    make_pool(year=2026, budget="500000")
    application = make_application(title="Kvinder i job", amounts={2026: "100000"})
    application.status = ApplicationStatus.RECOMMENDED  # saved, so the history has it
    application.save()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("sekretariat:decide", args=[application.pk]),
            {
                "outcome": "approved",
                "committee": application.committee_id,
                "amount_2026": "100.000",
                "appeal_guidance": str(DEFAULT_APPEAL_GUIDANCE),
            },
        )

    rows = audit_rows(staff_client.get(reverse("sekretariat:application", args=[application.pk])))
    by_sara = [row for row in rows if row["by"] == "Sara Sekretær"]
    changes = " | ".join(f"{row['what']}: {row['changes']}" for row in by_sara)
    assert "status: Indstillet → Bevilget" in changes
    assert any(
        row["what"].startswith("bevilling") and "beløb: 100.000 kr." in row["changes"]
        for row in by_sara
    ), changes
    assert any(row["what"].startswith("afgørelse") for row in by_sara), changes


def test_the_change_log_shows_yes_no_and_times_the_danish_way(
    staff_client, make_pool, make_application, django_capture_on_commit_callbacks
):
    make_pool(year=2026, budget="500000")
    application = make_application(status=ApplicationStatus.RECOMMENDED, amounts={2026: "50000"})
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("sekretariat:decide", args=[application.pk]),
            {
                "outcome": "approved",
                "committee": application.committee_id,
                "amount_2026": "50.000",
                "appeal_guidance": str(DEFAULT_APPEAL_GUIDANCE),
            },
        )

    rows = audit_rows(staff_client.get(reverse("sekretariat:application", args=[application.pk])))
    [decision] = [row for row in rows if row["what"].startswith("afgørelse")]
    assert "truffet under delegation: Nej" in decision["changes"]
    assert "False" not in decision["changes"]
    assert "+00:00" not in decision["changes"]


def test_a_change_late_in_a_long_text_is_logged_where_it_changed(staff_client, make_pool):
    """Fresh eyes: edits to a pool's description after its first 117 characters never
    reached the change log (both sides were cut to the same first 117 characters)."""
    pool = make_pool(year=2026, budget="500000")
    opening = "Puljen støtter indsatser, der får flere i job og uddannelse. " * 3
    edit_pool(staff_client, pool, description=opening + "Ansøg senest i januar.")
    edit_pool(staff_client, pool, description=opening + "Ansøg senest i marts.")
    rows = audit_rows(staff_client.get(reverse("sekretariat:pool", args=[pool.pk])))
    assert "Ansøg senest i januar.… → " not in rows[0]["changes"]
    assert "januar" in rows[0]["changes"] and "marts" in rows[0]["changes"]
    assert rows[0]["changes"].startswith("beskrivelse:")


def test_every_money_field_of_the_log_reads_as_kroner():
    """Fresh eyes round 14: "højeste beløb: 150000.00" beside "budget: 800.000 kr."."""
    from django.apps import apps

    from grants.audit import _show
    from portal.money import MoneyField

    money = [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, MoneyField)
    ]
    assert money
    for _model, field in money:
        assert _show(Decimal("150000"), field, {}) == "150.000 kr.", field
