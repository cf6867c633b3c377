from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin_tools import MunicipalityScopedAdmin
from portal.models import Department

from .models import ExternalIdentity, IdentityProvider, RoleMapping, SignInEvent

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
    "tenant_claim",
    "tenant_value",
    "mfa_amr_values",
    "mfa_acr_values",
    "is_enabled",
]


class RoleMappingInline(admin.TabularInline):
    model = RoleMapping
    extra = 1
    fields = ["group", "role", "department"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department":
            # Only the provider's municipality's departments: never another's names.
            provider_id = request.resolver_match.kwargs.get("object_id")
            provider = IdentityProvider.objects.filter(pk=provider_id).first()
            municipality = provider.municipality_id if provider else request.user.municipality_id
            if provider is None and request.user.is_superuser:
                kwargs["queryset"] = Department.objects.all()
            else:
                kwargs["queryset"] = Department.objects.filter(municipality_id=municipality)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(IdentityProvider)
class IdentityProviderAdmin(MunicipalityScopedAdmin):
    list_display = ["button_text", "municipality", "kind", "issuer", "is_enabled"]
    list_filter = ["kind", "is_enabled", "municipality"]
    search_fields = ["label", "municipality__name", "issuer", "slug"]
    inlines = [RoleMappingInline]
    fieldsets = [
        (None, {"fields": ["municipality", "kind", "label", "slug", "is_enabled"]}),
        (
            _("Forbindelse (registreret hos udbyderen)"),
            {"fields": ["issuer", "client_id", "client_secret_name", "scopes"]},
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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [name for name in CONNECTION_FIELDS if name not in fields]
        return fields

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)


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


@admin.register(SignInEvent)
class SignInEventAdmin(MunicipalityScopedAdmin):
    municipality_path = "provider__municipality"
    audit_records = True
    list_display = ["at", "identity", "provider", "outcome", "role", "mfa_by_provider"]
    list_filter = ["outcome", "provider"]
    search_fields = ["identity__name", "identity__subject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
