from django.contrib import admin

from portal.admin_tools import MunicipalityScopedAdmin

from .models import SDG, ActionPlan, Goal, Policy, Principle, Target


class PrincipleInline(admin.StackedInline):
    model = Principle
    extra = 0


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0
    fields = ["kind", "number", "title", "short_title", "responsible_committee"]
    show_change_link = True


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0
    fields = ["number", "text", "responsible_committee"]


@admin.register(Policy)
class PolicyAdmin(MunicipalityScopedAdmin):
    list_display = ["title", "municipality", "period", "adopted_on"]
    list_filter = ["municipality"]
    search_fields = ["title", "subtitle", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PrincipleInline, GoalInline]


@admin.register(Goal)
class GoalAdmin(MunicipalityScopedAdmin):
    municipality_path = "policy__municipality"
    list_display = ["__str__", "kind", "policy"]
    list_filter = ["kind", "policy__municipality", "policy"]
    search_fields = ["title", "short_title", "description"]
    inlines = [TargetInline]


@admin.register(Target)
class TargetAdmin(MunicipalityScopedAdmin):
    municipality_path = "goal__policy__municipality"
    list_display = ["__str__", "goal", "responsible_committee"]
    list_filter = ["goal__policy__municipality", "goal__policy"]
    search_fields = ["text"]


@admin.register(ActionPlan)
class ActionPlanAdmin(MunicipalityScopedAdmin):
    municipality_path = "policy__municipality"
    list_display = ["title", "policy", "year_start", "year_end"]
    list_filter = ["policy__municipality"]
    search_fields = ["title", "introduction"]
    filter_horizontal = ["sdgs"]


@admin.register(SDG)
class SDGAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Principle)
class PrincipleAdmin(MunicipalityScopedAdmin):
    municipality_path = "policy__municipality"
    list_display = ["title", "policy", "order"]
    list_filter = ["policy__municipality"]
    search_fields = ["title", "description"]
