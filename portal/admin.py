from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal import lockouts, twofactor
from portal.admin_tools import MunicipalityScopedAdmin

from .models import Committee, Department, Municipality, Organisation, User

admin.site.site_header = _("Integrationsportalen – administration")
admin.site.site_title = _("Integrationsportalen – administration")
admin.site.index_title = _("Administration")
# The en dash every page of the portal writes for "nothing" (fresh eyes round 34: "-" in
# one column of the admin, "–" in the next).
admin.site.empty_value_display = "–"


class CommitteeInline(admin.TabularInline):
    model = Committee
    extra = 0


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    fk_name = "municipality"


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "cvr", "website"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CommitteeInline, DepartmentInline]


@admin.register(Committee)
class CommitteeAdmin(MunicipalityScopedAdmin):
    list_display = ["abbreviation", "name", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name", "abbreviation"]


@admin.register(Department)
class DepartmentAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "parent", "municipality"]
    list_filter = ["municipality"]
    search_fields = ["name", "parent__name"]
    autocomplete_fields = ["parent"]


@admin.register(Organisation)
class OrganisationAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "cvr", "kind", "municipality"]
    list_filter = ["municipality", "kind"]
    search_fields = ["name", "cvr"]
    # The statutes and accounts are uploaded by the organisation's people ("Din forening"),
    # where every file is checked by its content; the admin only shows whether they exist.
    exclude = ["statutes", "accounts"]
    readonly_fields = ["statutes_sent", "accounts_sent"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "cvr" in form.base_fields:
            # What the number does (fresh eyes round 10: nothing said MitID Erhverv uses it).
            form.base_fields["cvr"].help_text = _(
                "Otte cifre. Folk, der logger ind med MitID Erhverv for dette CVR-nummer, "
                "kommer ind for organisationen. Står det tomt, kan ingen logge ind med "
                "MitID Erhverv for den."
            )
        return form

    @admin.display(description=_("vedtægter"))
    def statutes_sent(self, organisation):
        return _("sendt") if organisation.statutes else _("ikke sendt")

    @admin.display(description=_("seneste regnskab"))
    def accounts_sent(self, organisation):
        return _("sendt") if organisation.accounts else _("ikke sendt")


# Django stores a permission's name in English ("Can add login-udbyder") and shows it so.
PERMISSION_ACTIONS = {
    "add": _("Kan tilføje"),
    "change": _("Kan ændre"),
    "delete": _("Kan slette"),
    "view": _("Kan se"),
}


def permission_label(permission: Permission) -> str:
    """ "Log ind med kommunens login | login-udbyder | Kan tilføje", in the admin's language."""
    action = permission.codename.split("_", 1)[0]
    model = permission.content_type.model_class()
    if action not in PERMISSION_ACTIONS or model is None:
        return str(permission)
    return " | ".join(
        [
            str(model._meta.app_config.verbose_name),
            str(model._meta.verbose_name),
            str(PERMISSION_ACTIONS[action]),
        ]
    )


class TranslatedPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions") and formfield is not None:
            formfield.label_from_instance = permission_label
        return formfield


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(TranslatedPermissionsMixin, BaseGroupAdmin):
    pass


class YesNoFilter(admin.SimpleListFilter):
    """A yes/no filter on an annotation of UserAdmin.get_queryset."""

    field: str

    def lookups(self, request, model_admin):
        return [("ja", _("Ja")), ("nej", _("Nej"))]

    def queryset(self, request, queryset):
        if self.value() in ("ja", "nej"):
            return queryset.filter(**{self.field: self.value() == "ja"})
        return queryset


class LockedFilter(YesNoFilter):
    title = _("spærret efter forkerte adgangskoder")
    parameter_name = "spaerret"
    field = "locked_now"


class TwoFactorFilter(YesNoFilter):
    title = _("totrinslogin")
    parameter_name = "totrin"
    field = "has_app"


def _lock_notice(person, until):
    """ "Spærret … indtil …" with the way to lift it, on the person's page (at its top and in
    its field alike; fresh eyes round 24: only the list's action lifted it)."""
    return format_html(
        '{} <a href="{}">{}</a>',
        _locked_text(until),
        reverse("admin:portal_user_lift_lockout", args=[person.pk]),
        _("Ophæv spærringen"),
    )


def _locked_text(until) -> str:
    return _("Spærret efter for mange forkerte adgangskoder indtil %(until)s.") % {
        "until": lockouts.said_until(until)
    }


@admin.register(User)
class UserAdmin(TranslatedPermissionsMixin, BaseUserAdmin):
    # Support finds who is locked out or has two-factor login from the list (fresh eyes
    # round 13: only each person's own page said so).
    # Narrow enough for 1280 px: the support columns before the department (fresh eyes
    # round 14 had to scroll to them).
    # "Spærret" next to the name: a provider's long user names pushed it out of view at
    # 1280 px (fresh eyes round 24).
    list_display = [
        "username",
        "full_name",
        "locked_column",
        "two_factor_column",
        "role",
        "municipality",
        "is_active",
    ]
    list_filter = ["role", "municipality", "is_active", "is_staff", LockedFilter, TwoFactorFilter]

    def get_queryset(self, request):
        from django.db.models import Exists, OuterRef
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return (
            super()
            .get_queryset(request)
            .annotate(
                locked_now=lockouts.locked_now(),
                has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            )
        )

    @admin.display(description=_("totrinslogin"), boolean=True, ordering="has_app")
    def two_factor_column(self, obj):
        return obj.has_app

    @admin.display(description=_("spærret"), ordering="locked_now")
    def locked_column(self, obj):
        # A word, not Django's green tick (which read as "all fine").
        return _("Spærret") if obj.locked_now else "–"

    actions = ["remove_two_factor", "lift_lockout"]
    readonly_fields = ["two_factor", "lockout"]

    @admin.display(description=_("spærring af login"))
    def lockout(self, obj):
        until = lockouts.locked_until(obj)
        if until is None:
            return _("Ikke spærret")
        # Rounded up as the person's page and mail say it (fresh eyes round 21: a minute off).
        return _lock_notice(obj, until)

    def get_urls(self):
        lift = self.admin_site.admin_view(self.lift_lockout_view)
        return [
            path("<int:user_id>/ophaev-spaerring/", lift, name="portal_user_lift_lockout"),
            *super().get_urls(),
        ]

    def lift_lockout_view(self, request, user_id):
        """One person's lockout lifted from their own page: asked first, done by POST."""
        person = get_object_or_404(self.get_queryset(request), pk=user_id)
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        change_url = reverse("admin:portal_user_change", args=[person.pk])
        if request.method == "POST":
            self.lift_lockout(request, self.get_queryset(request).filter(pk=person.pk))
            return redirect(change_url)
        until = lockouts.locked_until(person)
        return TemplateResponse(
            request,
            "admin/portal/user/lift_lockout.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Ophæv spærring af login"),
                "opts": self.model._meta,
                "person": person,
                "locked": _locked_text(until) if until else None,
                "change_url": change_url,
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        person = self.get_object(request, object_id) if request.method == "GET" else None
        until = lockouts.locked_until(person) if person is not None else None
        if until is not None:
            from django.contrib import messages

            messages.warning(request, _lock_notice(person, until))
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Ophæv spærring af login"), permissions=["change"])
    def lift_lockout(self, request, queryset):
        lifted, unlocked = [], []
        for user in queryset.order_by("username"):
            name = user.get_full_name() or user.username
            if lockouts.locked_until(user) is None:
                unlocked.append(name)  # nothing to lift: said so, not "lifted"
                continue
            lockouts.do_lift_lockout(actor=request.user, user_id=user.pk)
            lifted.append(name)
        lines = []
        if lifted:
            lines.append(
                _("Spærringen er ophævet for: %(names)s. Personen kan logge ind igen nu.")
                % {"names": ", ".join(lifted)}
            )
        if unlocked:
            lines.append(
                _("%(names)s var ikke spærret; intet er ændret.") % {"names": ", ".join(unlocked)}
            )
        self.message_user(request, " ".join(lines))

    @admin.display(description=_("totrinslogin"))
    def two_factor(self, obj):
        if not twofactor.has_two_factor(obj):
            return _("Ikke sat op")
        return _(
            "Sat op (app, %(codes)s reservekoder tilbage). Har personen mistet telefonen, så "
            "vælg personen i listen over brugere og handlingen »Fjern totrinslogin«."
        ) % {"codes": twofactor.remaining_backup_codes(obj)}

    @admin.action(description=_("Fjern totrinslogin (mistet telefon)"), permissions=["change"])
    def remove_two_factor(self, request, queryset):
        # Asked first, as Django asks before deleting: the action cannot be undone and ends
        # the person's sessions (fresh eyes round 11: one click did it).
        if request.POST.get("post") != "yes":
            people = list(queryset.order_by("username"))
            for person in people:
                person.has_app = twofactor.has_second_factor(person)
                person.asked_for_new_app = twofactor.requires_two_factor(person)
            return TemplateResponse(
                request,
                "admin/portal/user/remove_two_factor.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Fjern totrinslogin"),
                    "opts": self.model._meta,
                    "people": people,
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        asked, free, without = [], [], []
        for user in queryset.order_by("username"):
            name = user.get_full_name() or user.username
            if not twofactor.has_second_factor(user):
                without.append(name)  # nothing to remove: said so, not "removed"
                continue
            user = twofactor.do_remove_two_factor(actor=request.user, user_id=user.pk)
            (asked if twofactor.requires_two_factor(user) else free).append(name)
        # Says what happens next for whom: only those the portal requires it of are asked
        # for a new app (fresh eyes round 12: a caseworker was promised one, and then not).
        lines = []
        if asked or free:
            lines.append(
                _("Totrinslogin er fjernet for: %(names)s. Alle deres sessioner er afsluttet.")
                % {"names": ", ".join(asked + free)}
            )
        if without:
            lines.append(
                _("%(names)s havde ikke totrinslogin; intet er ændret.")
                % {"names": ", ".join(without)}
            )
        if asked:
            lines.append(
                _("%(names)s sætter en ny app op ved næste login.") % {"names": ", ".join(asked)}
            )
        if free:
            lines.append(
                _(
                    "%(names)s logger ind uden koden fra en app, indtil de selv slår "
                    "totrinslogin til igen."
                )
                % {"names": ", ".join(free)}
            )
        self.message_user(request, " ".join(lines))

    @admin.display(description=_("navn"), ordering="last_name")
    def full_name(self, obj):
        return obj.get_full_name()

    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["department", "organisation"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Totrinslogin og spærring"), {"fields": ["two_factor", "lockout"]}),
        (
            _("Kommune og rolle"),
            {
                "fields": [
                    "role",
                    "municipality",
                    "department",
                    "organisation",
                    "job_title",
                    "phone",
                ]
            },
        ),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        # Every field User.clean() judges, so its errors have a field to stand at (without
        # "organisation" the role »Forening« failed in the database: a 500).
        (
            _("Kommune og rolle"),
            {"fields": ["role", "municipality", "department", "organisation"]},
        ),
    ]
