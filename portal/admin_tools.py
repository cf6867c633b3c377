"""Shared Django admin helpers: municipality scoping and money columns."""

from django.contrib import admin
from django.db import models

from portal.forms import TEXT_MAX_LENGTH, DanishDecimalField, KronerField, single_line
from portal.models import Municipality
from portal.money import MoneyField, format_kroner

# The admin types numbers like every other form: Danish text inputs, never `type=number`
# (MoneyField brings KronerField itself; it is a DecimalField, so it must win here).
NUMBER_FORMFIELDS = {
    MoneyField: {"form_class": KronerField},
    models.DecimalField: {"form_class": DanishDecimalField},
    # The same limit on free text as the portal's own forms (portal.forms.LimitedTextMixin).
    models.TextField: {"max_length": TEXT_MAX_LENGTH},
    # One line in a one-line field, as in the portal's own forms (portal.forms.single_line).
    models.CharField: {"validators": [single_line]},
}


# -- Money and workflow status are never written through the admin ------------------------
#
# Every change of money (budgets, reserved lines, allocations, carry-over, requested,
# proposed, recommended and spent amounts) and every workflow status goes through the
# services in `grants.services`, which check the rule under a row lock and record the actor.
# The admin therefore shows those fields read-only, and rows that *are* money cannot be
# added, changed or deleted here (docs/decisions.md, "Money in the admin").


def guarded_field_names(model) -> list[str]:
    """The fields of `model` the admin must never write: money and workflow status."""

    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, MoneyField) or field.name == "status"
    ]


# Rows that own money or a case: moving a row from one of these to another (an application to
# another pool or municipality, a report to another application, a pool to another
# municipality's policy) would move money and cases past the services. Named by label, since
# the ground imports no app (docs/decisions.md, "Layers").
OWNERS = {
    "portal.municipality",
    "portal.department",
    # An application moved to another association gave it the first one's messages and
    # attachments (attack round 10).
    "portal.organisation",
    "portal.committee",
    "policies.policy",
    "policies.actionplan",
    "grants.pool",
    "grants.application",
    "grants.report",
    "grants.review",
    "grants.decision",
    "grants.recommendation",
}


def owner_field_names(model) -> list[str]:
    """Foreign keys of `model` to a row that owns money or a case: fixed once the row exists."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.many_to_one and field.related_model._meta.label_lower in OWNERS
    ]


def holds_money(model) -> bool:
    """Whether deleting a row of `model` would delete money or a workflow status."""
    if guarded_field_names(model):
        return True
    return any(
        guarded_field_names(relation.related_model)
        for relation in model._meta.related_objects
        if relation.on_delete is models.CASCADE
    )


class MoneyGuardedAdmin(admin.ModelAdmin):
    """Money and status fields are read-only; says where they are changed instead.

    `money_rows = True` for models whose rows *are* money (an allocation, a reserved line):
    then the admin only shows them. `where_to_change` is shown on the change form.
    """

    money_rows = False
    where_to_change = ""

    # Records of what happened (status changes, conflict declarations, decisions) are never
    # deleted.
    audit_records = False
    # Rows made only by the portal's own pages through a service (applications, reviews,
    # recommendations, attachments, reports): the admin does not add them beside the rules.
    made_by_services = False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        guarded = guarded_field_names(self.model)
        if obj is not None:
            # No row moves to another owner here: an attachment, contact or criterion moved
            # to another municipality's application was an attack's way across.
            guarded += owner_field_names(self.model)
        return fields + [name for name in dict.fromkeys(guarded) if name not in fields]

    def has_add_permission(self, request):
        return (
            not self.money_rows
            and not self.made_by_services
            and super().has_add_permission(request)
        )

    def has_change_permission(self, request, obj=None):
        return not self.money_rows and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleting a pool, an application or a report would take its money rows with it.
        return (
            not self.audit_records
            and not holds_money(self.model)
            and super().has_delete_permission(request, obj)
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if self.where_to_change and request.method == "GET":
            from django.contrib import messages

            messages.info(request, self.where_to_change)
        return super().changeform_view(request, object_id, form_url, extra_context)


class MunicipalityScopedAdmin(MoneyGuardedAdmin):
    """Staff who are not superusers see only rows of their own municipality.

    Money and status are read-only (`MoneyGuardedAdmin`).

    `municipality_path` is the lookup from the model to its Municipality.
    """

    municipality_path = "municipality"
    formfield_overrides = NUMBER_FORMFIELDS

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if request.user.municipality_id is None:
            return queryset.none()
        return queryset.filter(self.of_municipality(request.user.municipality_id))

    def of_municipality(self, municipality_id: int) -> models.Q:
        """The rows of one municipality (a model reaching it two ways overrides this)."""
        return models.Q(**{self.municipality_path: municipality_id})

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        # A filter listing every municipality would reveal the others' names and ids.
        return [f for f in filters if not (isinstance(f, str) and f.endswith("municipality"))]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Municipality and not request.user.is_superuser:
            kwargs["queryset"] = Municipality.objects.filter(pk=request.user.municipality_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def money_column(field: str, description: str):
    """A list_display column showing a money field as `150.000 kr.`."""

    @admin.display(description=description, ordering=field)
    def column(obj):
        return format_kroner(getattr(obj, field))

    column.__name__ = f"{field}_kr"
    return column


class ReadOnlyInline(admin.TabularInline):
    """An inline of money rows: shown, never added, changed or deleted in the admin."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def show_money_in_kroner() -> None:
    """Django's admin shows a read-only DecimalField as `722000,00` (no grouping, øre always):
    money reads `722.000 kr.` there, as everywhere else (the list columns and the portal).
    Django has no hook for how a read-only model field is shown, so its one function for it
    is wrapped where the change form and the list import it; other fields are untouched."""
    from django.contrib.admin import helpers, utils
    from django.contrib.admin.templatetags import admin_list

    original = utils.display_for_field

    def display_for_field(value, field, empty_value_display, avoid_link=False):
        if isinstance(field, MoneyField) and value is not None:
            return format_kroner(value)
        return original(value, field, empty_value_display, avoid_link)

    helpers.display_for_field = display_for_field
    admin_list.display_for_field = display_for_field
