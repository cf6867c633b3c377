"""The worker's records in the admin: for administrators to look at, never to change. What was
sent and when is a record; settings are each user's own (worker.views)."""

import re

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import OutgoingMail, Preferences, ScheduledRun, SentReminder


class RecordAdmin(admin.ModelAdmin):
    """View-only, and only for superusers: mail and reminders of every municipality."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# A sign-in or invitation link in a mail signs its holder in as the person it was sent to:
# shown here, it let an administrator become any association's person without a trace
# (attack round 11). The link's secret part is never shown.
def without_sign_in_links(text: str) -> str:
    prefix = reverse("email-sign-in")  # the links are this address plus the secret
    hidden = _("skjult")
    return re.sub(re.escape(prefix) + r"[^/\s]+/", f"{prefix}[{hidden}]/", text)


# What each kind of mail is, for the list and its filter (fresh eyes round 22: the filter
# showed codes like `reminder_report_overdue`). A kind not named here shows its code.
MAIL_KINDS = {
    "application_submitted": gettext_lazy("Kvittering for indsendt ansøgning"),
    "application_returned": gettext_lazy("Ansøgning sendt retur"),
    "application_withdrawn": gettext_lazy("Ansøgning trukket tilbage"),
    "decision": gettext_lazy("Afgørelse"),
    "case_message": gettext_lazy("Besked i sagen"),
    "information_request": gettext_lazy("Anmodning om oplysninger"),
    "information_answered": gettext_lazy("Svar på anmodning om oplysninger"),
    "report_requested": gettext_lazy("Afrapportering ønskes"),
    "report_submitted": gettext_lazy("Afrapportering indsendt"),
    "report_returned": gettext_lazy("Afrapportering sendt retur"),
    "report_accepted": gettext_lazy("Afrapportering godkendt"),
    "pool_closed_early": gettext_lazy("Puljen lukket før fristen"),
    "pool_reopened": gettext_lazy("Puljen åbnet igen"),
    "pool_deadline_moved": gettext_lazy("Ansøgningsfristen flyttet"),
    "reminder_draft_deadline": gettext_lazy("Påmindelse: ansøgningsfrist"),
    "reminder_report_due": gettext_lazy("Påmindelse: afrapportering snart"),
    "reminder_report_overdue": gettext_lazy("Påmindelse: afrapportering over fristen"),
    "reminder_information_due": gettext_lazy("Påmindelse: svarfrist"),
    "locked_out": gettext_lazy("Sikkerhed: spærret efter forkerte adgangskoder"),
    "password_guessing": gettext_lazy("Sikkerhed: adgangskoden gættes fra flere steder"),
    "wrong_codes": gettext_lazy("Sikkerhed: forkerte koder"),
    "second_factor": gettext_lazy("Sikkerhed: totrinslogin ændret"),
    "organisation-invitation": gettext_lazy("Invitation til forening"),
    "organisation-sign-in": gettext_lazy("Login-link til forening"),
}


def kind_label(kind: str) -> str:
    return str(MAIL_KINDS.get(kind, kind))


class MailKindFilter(admin.SimpleListFilter):
    title = gettext_lazy("slags")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = model_admin.get_queryset(request).order_by().values_list("kind", flat=True)
        return sorted(((kind, kind_label(kind)) for kind in set(kinds)), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(RecordAdmin):
    list_display = (
        "created_at",
        "kind_shown",
        "recipients",
        "subject",
        "status",
        "attempts",
        "last_error",
        "sent_at",
    )
    list_filter = ("status", MailKindFilter)
    # By recipient too: "did she get the mail?" (fresh eyes round 22: only the subject).
    search_fields = ("subject", "to")
    search_help_text = gettext_lazy("Søg i emne og modtagernes adresser.")
    date_hierarchy = "created_at"
    # As the list shows them: the kind by its name, the recipients as addresses (fresh eyes
    # round 22: the detail page showed "decision" and ["…"]).
    exclude = ("body", "kind", "to")
    readonly_fields = ("kind_shown", "recipients", "text_shown")

    @admin.display(description=gettext_lazy("slags"), ordering="kind")
    def kind_shown(self, mail):
        return kind_label(mail.kind)

    @admin.display(description=gettext_lazy("modtagere"))
    def recipients(self, mail):
        return ", ".join(mail.to)

    @admin.display(description=gettext_lazy("tekst"))
    def text_shown(self, mail):
        return without_sign_in_links(mail.body)


@admin.register(SentReminder)
class SentReminderAdmin(RecordAdmin):
    list_display = ("sent_at", "user", "key")
    search_fields = ("key", "user__username")


@admin.register(ScheduledRun)
class ScheduledRunAdmin(RecordAdmin):
    list_display = ("started_at", "job", "slot")
    list_filter = ("job",)


@admin.register(Preferences)
class PreferencesAdmin(RecordAdmin):
    list_display = (
        "user",
        "language",
        "remind_draft_deadline",
        "remind_report_due",
        "remind_report_overdue",
        "remind_information_due",
    )
    # The calendar token is the user's private address: not shown to anyone else.
    exclude = ("calendar_token",)
