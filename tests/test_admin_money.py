"""No door of the Django admin writes money or a workflow status past the services.

The models are discovered from `admin.site._registry`: every admin whose model (or one of
whose inlines) has a `MoneyField` or a `status` field is walked, so a new money model is
covered without touching this test.
"""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from simple_history.admin import SimpleHistoryAdmin

from grants.models import Pool
from portal.admin_tools import guarded_field_names
from portal.models import User


def _guarded_admins():
    found = []
    for model, model_admin in admin.site._registry.items():
        inline_models = [inline.model for inline in model_admin.inlines]
        if guarded_field_names(model) or any(guarded_field_names(m) for m in inline_models):
            found.append((model, model_admin))
    return sorted(found, key=lambda item: item[0]._meta.label)


GUARDED_ADMINS = _guarded_admins()


def _guarded_models():
    return [
        model
        for app in ("portal", "policies", "grants", "indicators", "worker", "django_tasks_database")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical") and guarded_field_names(model)
    ]


def money_snapshot() -> dict:
    """Every money and status value of every row (and so every row count) in the portal."""
    return {
        model._meta.label: sorted(
            model._default_manager.values_list("pk", *guarded_field_names(model))
        )
        for model in _guarded_models()
    }


def assert_pools_balance():
    for pool in Pool.objects.exclude(budget=None):
        assert pool.allocated_total + pool.reserved_total <= pool.budget, pool


class FormFields(HTMLParser):
    """The fields of the admin's change form as the browser would submit them."""

    def __init__(self, form_id_suffix="_form"):
        super().__init__()
        self.form_id_suffix = form_id_suffix
        self.data: dict[str, str] = {}
        self._select = None
        self._textarea = None
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("id") or "").endswith(self.form_id_suffix):
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value") or ("on" if kind == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def form_data(html: str, form_id_suffix="_form") -> dict[str, str]:
    """The fields of the first form whose id ends with `form_id_suffix` ("" = any form)."""
    parser = FormFields(form_id_suffix)
    parser.feed(html)
    return parser.data


def tampered_value(model, name: str, current=None) -> str:
    field = model._meta.get_field(name)
    if name == "status":
        others = [value for value, _label in field.choices if value != current]
        return others[-1]
    return "1" if name == "budget" else "5000000"


def tamper(data: dict, model, inline_models: list, obj=None) -> dict:
    """The rendered form with every money and status field (also injected ones) changed."""
    data = dict(data)
    for name in guarded_field_names(model):
        data[name] = tampered_value(model, name, getattr(obj, name, None))
    prefixes = [key.removesuffix("-TOTAL_FORMS") for key in data if key.endswith("-TOTAL_FORMS")]
    for prefix in prefixes:
        total = int(data[f"{prefix}-TOTAL_FORMS"] or 0)
        for inline_model in inline_models:
            names = guarded_field_names(inline_model)
            for row in range(total + 1):
                for name in names:
                    data[f"{prefix}-{row}-{name}"] = tampered_value(inline_model, name)
            # A new row, too: a reserved line or allocation of 5.000.000 kr.
            data.setdefault(f"{prefix}-{total}-year", "2021")
            data.setdefault(f"{prefix}-{total}-title", "Indsmuglet")
        data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    return data


@pytest.fixture
def superuser_client(client, demo):
    """The demo administrator; a review is added so every money model has a row to open."""
    from grants.models import (
        Allocation,
        Application,
        Recommendation,
        Report,
        ReportKind,
        Review,
    )

    application = Application.objects.filter(municipality__slug="frederiksberg").first()
    staff = User.objects.get(username="frb-sekretariat")
    review = Review.objects.create(application=application, reviewer=staff, score_budget=4)
    review.proposed_amounts.create(year=2021, amount=1000)
    recommendation = Recommendation.objects.create(
        application=application, summary="Godt projekt", recommended_by=staff
    )
    recommendation.amounts.create(year=2021, amount=1000)
    funded = Allocation.objects.filter(pool__municipality__slug="frederiksberg").first()
    report = Report.objects.create(
        application=funded.application, kind=ReportKind.EVALUATION, due_date="2022-06-30"
    )
    report.spent_amounts.create(year=funded.pool.year, amount=1000)
    # A mail on record and its delivery in the worker's queue: both have a status.
    from worker.mail import enqueue_delivery, send_after_commit

    mail = send_after_commit(to=["a@example.dk"], subject="Afgørelse", body="…", kind="decision")
    enqueue_delivery(mail.pk)
    client.force_login(User.objects.get(username="admin"))
    return client


def _object_of(model):
    # A pool with money committed, where a budget of 1 kr. breaks the balance.
    if model is Pool:
        return Pool.objects.filter(allocations__isnull=False).distinct().first()
    return model._default_manager.first()


@pytest.mark.parametrize(
    ("model", "model_admin"), GUARDED_ADMINS, ids=[m._meta.label for m, _ in GUARDED_ADMINS]
)
def test_the_admin_never_writes_money_or_status(superuser_client, model, model_admin):
    info = (model._meta.app_label, model._meta.model_name)
    inline_models = [inline.model for inline in model_admin.inlines]
    obj = _object_of(model)
    assert obj is not None, f"the demo has no {model._meta.label} to open"
    before = money_snapshot()

    change_url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    page = superuser_client.get(change_url)
    assert page.status_code == 200
    response = superuser_client.post(
        change_url, tamper(form_data(page.content.decode()), model, inline_models, obj)
    )
    assert response.status_code in (200, 302, 403)

    add_url = reverse("admin:{}_{}_add".format(*info))
    add_page = superuser_client.get(add_url)
    if add_page.status_code == 200:
        superuser_client.post(
            add_url, tamper(form_data(add_page.content.decode()), model, inline_models)
        )

    if isinstance(model_admin, SimpleHistoryAdmin):
        version = obj.history.order_by("history_id").first()
        try:
            history_url = reverse(
                "admin:{}_{}_simple_history".format(*info), args=[obj.pk, version.history_id]
            )
        except NoReverseMatch:  # pragma: no cover - every history admin has the view
            history_url = None
        if history_url:
            # Reverting to an old version would write its old money and status.
            history_page = superuser_client.get(history_url)
            data = form_data(history_page.content.decode())
            assert superuser_client.post(history_url, data).status_code == 403

    assert money_snapshot() == before
    assert_pools_balance()


def test_the_pool_admin_says_where_the_budget_is_changed(superuser_client):
    pool = _object_of(Pool)
    page = superuser_client.get(reverse("admin:grants_pool_change", args=[pool.pk]))
    html = page.content.decode()
    assert "Sekretariat → Puljer" in html
    assert 'name="budget"' not in html
    assert 'name="reserved_lines-0-amount"' not in html
    # Nothing on the page can be changed, so no "Gem" that saves nothing (round 28).
    assert 'name="_save"' not in html
    # Nor any field the pool form's service checks (attack round 24: a deadline before the
    # opening, 0 years, saved here past the rules).
    from grants.services.pools import POOL_FIELDS

    for name in (*POOL_FIELDS, "is_example"):
        assert f'name="{name}"' not in html and f'name="{name}_0"' not in html, name


def test_the_snapshot_sees_a_changed_budget(demo):
    """The guard above compares snapshots; they must notice a change of money."""
    before = money_snapshot()
    pool = _object_of(Pool)
    Pool.objects.filter(pk=pool.pk).update(budget=Decimal("1"))
    assert money_snapshot() != before
    with pytest.raises(AssertionError):
        assert_pools_balance()


@pytest.mark.parametrize(
    ("model", "model_admin"), GUARDED_ADMINS, ids=[m._meta.label for m, _ in GUARDED_ADMINS]
)
def test_the_admin_shows_money_in_kroner(superuser_client, model, model_admin):
    """Every money field the admin shows read-only reads `100.000 kr.`, as in the portal,
    never Django's `100000,00` (fresh eyes round 28, on the pool's page)."""
    import re

    from portal.money import MoneyField, format_kroner

    obj = _object_of(model)
    info = (model._meta.app_label, model._meta.model_name)
    html = superuser_client.get(
        reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    ).content.decode()
    readonly = " ".join(re.findall(r'<div class="readonly">(.*?)</div>', html, re.S))
    readonly += " ".join(re.findall(r'<td class="field-\w+">\s*<p>(.*?)</p>', html, re.S))
    assert not re.search(r"\b\d{4,},\d\d\b", readonly), readonly
    for field in model._meta.concrete_fields:
        value = getattr(obj, field.name)
        if isinstance(field, MoneyField) and value is not None:
            assert format_kroner(value) in html, field.name


def test_every_money_row_names_its_amount_in_kroner(superuser_client):
    """Fresh eyes round 29: a spent amount's admin page was headed "2021: 160000.00" above
    "160.000 kr."; a row's name (headings, breadcrumbs, inline titles) says kroner too."""
    import re

    for model in _guarded_models():
        for obj in model._default_manager.all()[:3]:
            assert not re.search(r"\d{4,}\.\d\d", str(obj)), (model, str(obj))
