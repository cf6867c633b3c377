"""Every model has a working Django admin: list, add and change pages open."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from grants.models import Application, ConflictOfInterest, Pool, Review
from portal.models import Municipality, Role, User

MODEL_ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.fixture
def superuser_client(client, demo):
    """Logged in as the demo administrator, with a review and a conflict declaration added
    so that every model has at least one row to open."""
    superuser = User.objects.get(username="admin")
    staff = User.objects.get(username="frb-sekretariat")
    application = Application.objects.filter(municipality__slug="frederiksberg").first()
    review = Review.objects.create(application=application, reviewer=staff, score_budget=4)
    review.proposed_amounts.create(year=2021, amount=1000)
    ConflictOfInterest.objects.create(application=application, user=superuser, reason="Nabo")
    client.force_login(superuser)
    return client


@pytest.mark.parametrize(
    ("model", "model_admin"), MODEL_ADMINS, ids=[m._meta.label for m, _ in MODEL_ADMINS]
)
def test_admin_pages_open(superuser_client, model, model_admin):
    info = (model._meta.app_label, model._meta.model_name)
    changelist = superuser_client.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert changelist.status_code == 200
    if model_admin.has_add_permission(changelist.wsgi_request):
        assert superuser_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
    obj = model._default_manager.first()
    if obj is not None:
        url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        page = superuser_client.get(url)
        assert page.status_code == 200
        # Each field once (fresh eyes round 22: the pool's "Kommune" stood twice).
        main = page.content.decode().split('class="js-inline-admin-formset', 1)[0]
        labels = re.findall(r"<label[^>]*>([^<]+)</label>", main)
        labels = [label for label in labels if label not in {"Dato:", "Tid:"}]  # date + time
        assert len(labels) == len(set(labels)), sorted(labels)


def test_every_model_of_the_portal_is_in_the_admin():
    own_models = [
        model
        for app in ("portal", "policies", "grants", "indicators", "worker")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
        # The search's word list and the catalogue's counts: derived data triggers keep
        # (and a nightly job, for the words), not edited. Used backup codes: keyed digests,
        # nothing anyone should read or edit (new codes forget them).
        and model._meta.label
        not in ("grants.SearchWord", "grants.CatalogueCount", "portal.UsedBackupCode")
    ]
    missing = [model._meta.label for model in own_models if model not in admin.site._registry]
    assert missing == []


def test_money_is_shown_in_kroner_in_the_admin_list(superuser_client):
    response = superuser_client.get(reverse("admin:grants_allocation_changelist"))
    assert "150.000 kr." in response.content.decode()


def test_staff_in_the_admin_see_only_their_own_municipality(client, demo):
    kbh = Municipality.objects.get(slug="koebenhavn")
    user = User.objects.create_user(
        username="kbh-it", role=Role.ADMINISTRATOR, municipality=kbh, is_staff=True
    )
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_pool", "view_policy"]))
    client.force_login(user)

    frb_pool = Pool.objects.filter(municipality__slug="frederiksberg").first()
    response = client.get(reverse("admin:grants_pool_change", args=[frb_pool.pk]))
    assert response.status_code == 302  # the admin redirects: no such object for this user
    listing = client.get(reverse("admin:policies_policy_changelist")).content.decode()
    assert "Københavns Kommune" in listing
    assert "Frederiksberg Kommune" not in listing


def test_permissions_are_named_in_the_admins_language(client, demo):
    """Django stores a permission's name in English: a Danish administrator picked among
    "Can add login-udbyder" and "Can delete bevilling" when making a group."""
    from django.contrib.auth.models import Permission

    client.force_login(User.objects.get(username="admin"))
    html = client.get("/admin/auth/group/add/").content.decode()
    assert "Can add" not in html and "Can view" not in html
    assert "login-udbyder | Kan tilføje" in html
    user = User.objects.get(username="frb-sekretariat")
    html = client.get(f"/admin/portal/user/{user.pk}/change/").content.decode()
    assert "Can change" not in html and "| Kan ændre" in html
    assert Permission.objects.filter(name__startswith="Can add").exists()  # stored as before


def user_forms(client) -> list[tuple[str, dict]]:
    """Every add and change form of the user model in the admin, as the browser would post
    them (the change form of a Frederiksberg caseworker)."""
    from django.contrib.auth import get_user_model

    from tests.form_pages import parse_forms

    model = get_user_model()
    assert model in admin.site._registry
    info = (model._meta.app_label, model._meta.model_name)
    caseworker = User.objects.get(username="frb-sagsbehandler")
    forms = []
    for url in (
        reverse("admin:{}_{}_add".format(*info)),
        reverse("admin:{}_{}_change".format(*info), args=[caseworker.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        form = next(f for f in parse_forms(page.content.decode()) if f.id.endswith("_form"))
        data = {k: v if len(v) > 1 else v[0] for k, v in form.data(("_save", "", "")).items()}
        if "password1" in data:
            data |= {"password1": "En-lang-adgangskode-1", "password2": "En-lang-adgangskode-1"}
            data["usable_password"] = "true"
        forms.append((url, data))
    return forms


def test_every_user_form_of_the_admin_keeps_organisation_and_department_in_the_municipality(
    client, demo
):
    """Attack round 7: adding a user with the role »Forening« gave a 500 (the add form had no
    organisation), and the change form made a Frederiksberg person a member of a Copenhagen
    organisation, who then read its application, messages and attachments. The rule is
    User.clean(), so every form of the user model obeys it."""
    from portal.models import Department, Organisation

    client.force_login(User.objects.get(username="admin"))
    frb = Municipality.objects.get(slug="frederiksberg")
    kbh_organisation = Organisation.objects.filter(municipality__slug="koebenhavn").first()
    frb_organisation = Organisation.objects.create(municipality=frb, name="Frb Forening")
    frb_department = Department.objects.filter(municipality=frb).first()
    kbh_department = Department.objects.filter(municipality__slug="koebenhavn").first()
    refused = [
        ({"role": "organisation", "organisation": ""}, "Vælg den organisation"),
        ({"role": "organisation", "organisation": kbh_organisation.pk}, "hører ikke til"),
        ({"role": "caseworker", "department": kbh_department.pk}, "hører ikke til"),
        ({"role": "caseworker", "department": ""}, "skal have en afdeling"),
        ({"role": "caseworker", "organisation": frb_organisation.pk}, "Kun en bruger"),
        ({"role": "committee_staff", "municipality": ""}, "Vælg brugerens kommune"),
    ]
    forms = user_forms(client)
    assert len(forms) == 2
    for n, (url, blank) in enumerate(forms):
        base = blank | {"municipality": frb.pk, "department": "", "organisation": ""}
        if "password1" in blank:
            base["username"] = f"ny-bruger-{n}"
        for change, message in refused:
            before = list(User.objects.order_by("pk").values())
            response = client.post(url, base | {"department": frb_department.pk} | change)
            assert response.status_code == 200, (url, change)  # the form again, not a 500
            assert message in response.content.decode(), (url, change)
            assert list(User.objects.order_by("pk").values()) == before, (url, change)
        accepted = client.post(
            url, base | {"role": "organisation", "organisation": frb_organisation.pk}
        )
        assert accepted.status_code == 302, url
    assert User.objects.filter(organisation=frb_organisation).count() == 2
    assert not User.objects.filter(organisation=kbh_organisation, municipality=frb).exists()


def test_the_decision_list_names_each_extent_in_a_fixed_number_of_queries(
    superuser_client, django_assert_max_num_queries
):
    """The list says "Delvis bevilget" for less than asked (fresh eyes round 29); its rows'
    allocations come prefetched, not one query per decision."""
    from grants.models import Decision

    assert Decision.objects.count() > 15  # the demo's: more rows than the budget below
    with django_assert_max_num_queries(15):
        page = superuser_client.get("/admin/grants/decision/")
    assert page.status_code == 200


def test_the_application_list_says_each_status_in_a_fixed_number_of_queries(
    superuser_client, django_assert_max_num_queries
):
    """The list's status reads the amounts asked and granted ("Delvis bevilget"): prefetched
    with the rows, not a query per application."""
    from grants.models import Application

    assert Application.objects.count() > 15
    with django_assert_max_num_queries(15):
        page = superuser_client.get("/admin/grants/application/")
    assert page.status_code == 200


def test_a_sent_applications_content_is_not_changed_in_the_admin(superuser_client):
    """Fresh eyes round 33: an admin changed a granted project's partners and a target, and
    the public page followed. What the decision rests on is shown, not edited; a draft's
    content still can be (support), and the list says the status as the portal does."""
    from grants.models import Application, ApplicationStatus, SuccessCriterion

    granted = Application.objects.filter(status=ApplicationStatus.ACTIVE).first()
    criterion = granted.success_criteria.first()
    url = reverse("admin:grants_application_change", args=[granted.pk])
    page = superuser_client.get(url).content.decode()
    assert 'name="partners"' not in page and 'name="_save"' not in page
    # Its status as the portal says it (recheck round 33: "Bevilget" for "Delvis bevilget").
    assert f'<div class="readonly">{granted.status_label}</div>' in page
    response = superuser_client.post(url, {"partners": "Ændret i admin"})
    assert response.status_code == 403
    granted.refresh_from_db()
    assert granted.partners != "Ændret i admin"
    criterion_url = reverse("admin:grants_successcriterion_change", args=[criterion.pk])
    assert 'name="target_value"' not in superuser_client.get(criterion_url).content.decode()
    assert SuccessCriterion.objects.get(pk=criterion.pk).target_value == criterion.target_value

    # Nor deleted, one by one or in bulk (attack round 33: the only contact person went).
    from grants.models import ContactPerson

    contact = ContactPerson.objects.filter(application__status=ApplicationStatus.ACTIVE).first()
    delete_url = reverse("admin:grants_contactperson_delete", args=[contact.pk])
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert ContactPerson.objects.filter(pk=contact.pk).exists()
    for name in ("contactperson", "successcriterion", "attachment"):
        listing = superuser_client.get(reverse(f"admin:grants_{name}_changelist")).content
        assert b'value="delete_selected"' not in listing, name

    draft = Application.objects.filter(status=ApplicationStatus.DRAFT).first()
    if draft is not None:
        page = superuser_client.get(reverse("admin:grants_application_change", args=[draft.pk]))
        assert 'name="partners"' in page.content.decode()

    listing = superuser_client.get(reverse("admin:grants_application_changelist")).content
    assert b"Delvis bevilget" in listing or b"Bevilget" in listing
