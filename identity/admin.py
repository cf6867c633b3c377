import json
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal import site
from portal.admin_tools import NUMBER_FORMFIELDS, MunicipalityScopedAdmin
from portal.models import Department, Role

from . import health, services
from .models import (
    ExternalIdentity,
    IdentityProvider,
    RoleMapping,
    SignInEvent,
    SignInMethod,
)

# What only the installation's superusers set: where the portal trusts sign-ins from. A
# municipality's administrators keep the role mapping, the button text and the contact.
CONNECTION_FIELDS = [
    "municipality",
    "kind",
    "slug",
    "issuer",
    "client_id",
    "client_secret_name",
    "scopes",
    # The claims decide who a person is: the CVR claim which organisation an applicant
    # belongs to, the group claim which role anyone gets.
    "groups_claim",
    "name_claim",
    "email_claim",
    "cvr_claim",
    "tenant_claim",
    "tenant_value",
    "mfa_amr_values",
    "mfa_acr_values",
    "is_enabled",
]


class DepartmentChoiceField(forms.ModelChoiceField):
    """A department named with its municipality: two municipalities may both have a
    "Jobcentret", and the add page lists every municipality's departments."""

    with_municipality = True

    def label_from_instance(self, obj):
        return f"{obj} ({obj.municipality.name})" if self.with_municipality else str(obj)


def without_related_links(formfield):
    """No add/change/delete/view icons next to a municipality or department: a municipality
    or department is never added or deleted from a provider's page."""
    widget = getattr(formfield, "widget", None)
    if isinstance(widget, RelatedFieldWidgetWrapper):
        widget.can_add_related = widget.can_change_related = False
        widget.can_delete_related = widget.can_view_related = False
    return formfield


class IdentityProviderForm(forms.ModelForm):
    def full_clean(self):
        super().full_clean()
        # A refused secret name may be the secret itself, typed in the wrong field: never
        # send it back in the page.
        if self.is_bound and "client_secret_name" in self.errors:
            self.data = self.data.copy()
            self.data["client_secret_name"] = ""  # nosec B105 - an emptied field, no password


class RoleMappingFormSet(forms.BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # The provider as the form above has it (its municipality may be chosen in the same
        # submission), so RoleMapping.clean can compare the department's municipality.
        form.instance.provider = self.instance
        return form


class RoleMappingInline(admin.TabularInline):
    model = RoleMapping
    formset = RoleMappingFormSet
    extra = 1
    fields = ["group", "role", "department"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            # Only the provider's municipality's departments: never another's names.
            provider_id = request.resolver_match.kwargs.get("object_id")
            provider = IdentityProvider.objects.filter(pk=provider_id).first()
            municipality = provider.municipality_id if provider else request.user.municipality_id
            departments = Department.objects.select_related("municipality", "parent")
            every_municipality = provider is None and request.user.is_superuser
            if every_municipality:
                kwargs["queryset"] = departments
            else:
                kwargs["queryset"] = departments.filter(municipality_id=municipality)
            kwargs["form_class"] = DepartmentChoiceField
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            # One municipality's: its name after each ran off the table's edge at 1280 px
            # (fresh eyes round 34).
            field.with_municipality = every_municipality
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            # An association's people come with MitID Erhverv's CVR claim, never from a
            # group (RoleMapping.clean refuses it): not offered (fresh eyes round 34).
            kwargs["choices"] = [
                (value, label)
                for value, label in db_field.get_choices(include_blank=True)
                if value != Role.ORGANISATION
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "group":
            # Narrower than the admin's default, so "Slet?" fits beside it at 1280 px.
            kwargs["widget"] = forms.TextInput(attrs={"size": 22})
        return without_related_links(super().formfield_for_dbfield(db_field, request, **kwargs))


@admin.register(IdentityProvider)
class IdentityProviderAdmin(MunicipalityScopedAdmin):
    form = IdentityProviderForm
    # A plain address field: the admin's URL widget shows "Nuværende:/Ændring:" after an error.
    formfield_overrides = {
        **NUMBER_FORMFIELDS,
        models.URLField: {"widget": forms.URLInput(attrs={"class": "vURLField"})},
    }
    list_display = ["button", "municipality", "kind", "is_enabled"]
    list_filter = ["kind", "is_enabled", "municipality"]
    search_fields = ["label", "municipality__name", "issuer", "slug"]
    inlines = [RoleMappingInline]
    fieldsets = [
        (None, {"fields": ["municipality", "kind", "label", "slug", "is_enabled"]}),
        (
            _("Forbindelse (registreret hos udbyderen)"),
            {
                "fields": [
                    "redirect_uri",
                    "connection_status",
                    "issuer",
                    "client_id",
                    "client_secret_name",
                    "scopes",
                ]
            },
        ),
        (
            _("Claims"),
            {
                "fields": [
                    "groups_claim",
                    "name_claim",
                    "email_claim",
                    "cvr_claim",
                    "tenant_claim",
                    "tenant_value",
                ]
            },
        ),
        (_("Totrinslogin"), {"fields": ["mfa_amr_values", "mfa_acr_values"]}),
        (_("Hjælp"), {"fields": ["support_contact"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return without_related_links(super().formfield_for_dbfield(db_field, request, **kwargs))

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        wrapped = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in wrapped:
            # Django writes "Tilføj endnu en Rolle fra gruppe" (capfirst of the name).
            data = json.loads(inline_formset.inline_formset_data())
            data["options"]["addText"] = gettext("Tilføj endnu en rolle fra gruppe")
            inline_formset.inline_formset_data = partial(json.dumps, data)
        return wrapped

    @admin.display(description=_("knap"), ordering="label")
    def button(self, obj):
        return obj.button_text

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # The host the administrator reached the admin on, when PORTAL_BASE_URL is unset.
            obj.admin_base_url = site.base_url(request)
        return obj

    @admin.display(description=_("adresse til udbyderen (redirect URI)"))
    def redirect_uri(self, obj):
        path = reverse("sso-callback", args=[obj.slug]) if obj and obj.slug else ""
        if not path:
            return _("Vises, når udbyderen er gemt.")
        base = getattr(obj, "admin_base_url", "") or site.base_url()
        return format_html(
            "<code>{}</code><br>{}",
            base + path,
            _("Denne adresse skal kommunens IT-afdeling registrere hos udbyderen."),
        )

    @admin.display(description=_("forbindelse"))
    def connection_status(self, obj):
        if obj is None or obj.pk is None:
            return _("Vises, når udbyderen er gemt.")
        # What is saved, not what a refused form just typed into the instance (a secret typed
        # into the name field was echoed; a path probed for files).
        obj = type(obj).objects.get(pk=obj.pk)
        return format_html_join(
            mark_safe("<br>"),  # nosec B308 B703 - a constant tag
            "{} {}",
            ((mark, text) for mark, text in health.check(obj)),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj)) + [
            "redirect_uri",
            "connection_status",
        ]
        if not request.user.is_superuser:
            fields += [name for name in CONNECTION_FIELDS if name not in fields]
        return fields

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def save_formset(self, request, form, formset, change):
        # Role mappings as they were before this save: people who hold a changed or deleted
        # mapping's role are signed out, so no session keeps a role the provider no longer
        # gives (the next sign-in decides their role again).
        changed = [
            inline_form.instance.pk
            for inline_form in formset.initial_forms
            if inline_form.instance.pk
            and (inline_form.has_changed() or inline_form in formset.deleted_forms)
        ]
        before = list(RoleMapping.objects.filter(pk__in=changed))
        super().save_formset(request, form, formset, change)
        if before:
            ended = services.do_end_sessions_for_mappings(
                actor=request.user, provider=form.instance, mappings=before
            )
            messages.info(
                request,
                ngettext(
                    "%(n)s person med en ændret eller slettet rolle er logget ud og får sin "
                    "rolle, når vedkommende logger ind igen.",
                    "%(n)s personer med en ændret eller slettet rolle er logget ud og får deres "
                    "rolle, når de logger ind igen.",
                    ended,
                )
                % {"n": ended},
            )


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(MunicipalityScopedAdmin):
    municipality_path = "provider__municipality"
    list_display = ["name", "provider", "cvr", "user", "last_seen"]
    list_filter = ["provider"]
    search_fields = ["name", "subject", "cvr", "user__username"]
    readonly_fields = ["provider", "issuer", "subject", "user", "name", "cvr", "claims"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class WithoutProviderFilter(admin.RelatedFieldListFilter):
    """The providers, and the sign-ins without one said in words, not "–"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_value_display = _("Ingen (adgangskode eller link i e-mail)")


@admin.register(SignInEvent)
class SignInEventAdmin(MunicipalityScopedAdmin):
    audit_records = True
    # Few, short columns: the table fits 1280 px; the reason is on the row's page. How by
    # the provider's name, and the second factor before the role (fresh eyes round 33: every
    # provider was "Login-udbyder", and "Totrin" was off the side at 1280 px).
    # The role as a filter, not a column, and the reason under the outcome, so the table fits
    # 1280 px beside the admin's menu and a used link or a password typed while signed in is
    # told apart in the list (fresh eyes round 34).
    list_display = ["when", "who", "how", "outcome_and_reason", "second_factor"]
    list_display_links = ["when"]
    list_filter = ["outcome", "method", ("provider", WithoutProviderFilter), "role"]
    # The reason too: it names the association of a MitID Erhverv sign-in, or the CVR number
    # that tried (recheck round 32: "FISKEN" found nothing).
    search_fields = [
        "identity__name",
        "identity__subject",
        "identity__cvr",
        "user__email",
        "user__username",
        "detail",
    ]
    list_select_related = ["identity", "user"]
    # The row's page starts with when it happened (fresh eyes round 16: no time there).
    fields = [
        "at",
        "method",
        "provider",
        "identity",
        "person",
        "outcome",
        "role",
        "department",
        "second_factor",
        "reason",
    ]
    # The second factor as the list says it (fresh eyes round 34: a red ✗ "hos udbyderen"
    # for a password sign-in, and nothing of the portal's own code).
    readonly_fields = ["at", "person", "second_factor", "reason"]

    @admin.display(description=_("årsag"))
    def reason(self, obj):
        return obj.shown_detail or "–"

    def changelist_view(self, request, extra_context=None):
        # Not the admin's "Vælg login, der skal vises": what the list answers.
        title = _("Login-loggen: hvem loggede ind hvornår og hvordan, og hvad blev afvist")
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def of_municipality(self, municipality_id):
        # A sign-in through a provider belongs to the provider's municipality; one with an
        # e-mailed link to the municipality of the person's organisation.
        return models.Q(provider__municipality=municipality_id) | models.Q(
            provider__isnull=True, user__municipality=municipality_id
        )

    @admin.display(description=_("tidspunkt"), ordering="at")
    def when(self, obj):
        # Short, so the table fits 1280 px (fresh eyes round 34: "5. december 2026 kl. 02:50"
        # pushed "Totrin" and "Rolle" off the side); the row's page has it in full.
        return date_format(timezone.localtime(obj.at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("hvem"), ordering="identity__name")
    def who(self, obj):
        # Two people of one name told apart by their user name (fresh eyes round 11), or for
        # a provider's person, whose user name is an internal id, by the e-mail address
        # (fresh eyes round 13: "Mette Madsen (frederiksberg.3f9a…)" widened the table).
        person = obj.identity or obj.user
        if person is None:
            return "–"
        if obj.user is None:
            return str(person)
        # A password's person by name too (fresh eyes round 33: "me-adm" for Anne Admin).
        name = str(obj.identity) if obj.identity else obj.user.get_full_name() or str(person)
        tell_apart = obj.user.email if obj.identity else obj.user.get_username()
        if tell_apart and tell_apart != name:
            return f"{name} ({tell_apart})"
        return name

    @admin.display(description=_("udfald"), ordering="outcome")
    def outcome_and_reason(self, obj):
        if not obj.detail:
            return obj.get_outcome_display()
        return format_html(
            '{}<br><span class="small">{}</span>', obj.get_outcome_display(), obj.shown_detail
        )

    @admin.display(description=_("totrin"))
    def second_factor(self, obj):
        return obj.second_factor()

    @admin.display(description=_("måde"), ordering="method")
    def how(self, obj):
        # One word for a password, so "Rolle" fits at 1280 px (fresh eyes round 34).
        return _("Adgangskode") if obj.method == SignInMethod.PASSWORD else obj.how()

    @admin.display(description=_("bruger"))
    def person(self, obj):
        # By name and address, not the provider's internal user name (fresh eyes round 33:
        # "frederiksberg.e57756f76d7e3027c1563c74").
        if obj.user is None:
            return "–"
        name = obj.user.get_full_name() or obj.user.get_username()
        return f"{name} ({obj.user.email})" if obj.user.email else name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
