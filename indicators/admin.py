from django.contrib import admin

from portal.admin_tools import MunicipalityScopedAdmin

from .models import Indicator, Measurement


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(MunicipalityScopedAdmin):
    list_display = ["__str__", "municipality", "unit", "direction", "baseline_value", "target_year"]
    list_filter = ["municipality", "unit", "direction", "target_kind"]
    search_fields = ["title", "baseline_text", "target_text"]
    autocomplete_fields = ["goal", "target"]
    filter_horizontal = ["responsible_committees"]
    inlines = [MeasurementInline]


@admin.register(Measurement)
class MeasurementAdmin(MunicipalityScopedAdmin):
    municipality_path = "indicator__municipality"
    list_display = ["indicator", "year", "period", "value", "comparison_value", "is_example"]
    list_filter = ["indicator__municipality", "year", "is_example"]
    search_fields = ["indicator__title", "note"]
