"""Shared Django admin helpers: municipality scoping and money columns."""

from django.contrib import admin
from django.db import models

from portal.forms import DanishDecimalField, KronerField
from portal.models import Municipality
from portal.money import MoneyField, format_kroner

# The admin types numbers like every other form: Danish text inputs, never `type=number`
# (MoneyField brings KronerField itself; it is a DecimalField, so it must win here).
NUMBER_FORMFIELDS = {
    MoneyField: {"form_class": KronerField},
    models.DecimalField: {"form_class": DanishDecimalField},
}


class MunicipalityScopedAdmin(admin.ModelAdmin):
    """Staff who are not superusers see only rows of their own municipality.

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
        return queryset.filter(**{self.municipality_path: request.user.municipality_id})

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
