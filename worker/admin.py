"""The worker's records in the admin: for administrators to look at, never to change. What was
sent and when is a record; settings are each user's own (worker.views)."""

import re

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext as _

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


@admin.register(OutgoingMail)
class OutgoingMailAdmin(RecordAdmin):
    list_display = ("created_at", "kind", "subject", "status", "attempts", "last_error", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("subject",)
    date_hierarchy = "created_at"
    exclude = ("body",)
    readonly_fields = ("text_shown",)

    @admin.display(description=_("tekst"))
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
    )
    # The calendar token is the user's private address: not shown to anyone else.
    exclude = ("calendar_token",)
