"""The yearly cycle (årshjul) for committee staff: a page of the municipality's dates and a
private calendar feed (ICS) to subscribe to in Outlook. The feed's address holds a token of
the user's own (worker.Preferences); a new token revokes the old address at once."""

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from grants.access import StaffRequiredMixin
from grants.yearly import events
from portal import site
from portal.models import Role
from portal.params import id_param
from worker.models import Preferences
from worker.services import (
    REVOKED_PREFIX,
    do_renew_calendar_token,
    has_calendar_feed,
    preferences_for,
)


class YearlyCycleView(StaffRequiredMixin, TemplateView):
    template_name = "grants/staff/yearly.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("aar", today.year))
        except ValueError:
            year = today.year
        year = min(max(year, 2000), 2100)
        found = events(
            self.request.user.municipality_id,
            datetime.date(year, 1, 1),
            datetime.date(year + 1, 1, 1),
        )
        months: dict[int, list] = {}
        for event in found:
            months.setdefault(event.day.month, []).append(event)
        preferences = preferences_for(self.request.user)
        feed_url = None
        if has_calendar_feed(preferences):
            feed_url = site.absolute(
                reverse("sekretariat:calendar-feed", args=[preferences.calendar_token]),
                self.request,
            )
        return super().get_context_data(
            year=year,
            months=[(datetime.date(year, month, 1), months[month]) for month in sorted(months)],
            today=today,
            feed_url=feed_url,
            **kwargs,
        )


class RenewFeedView(StaffRequiredMixin, View):
    def post(self, request):
        had_feed = has_calendar_feed(preferences_for(request.user))
        back = reverse("sekretariat:calendar")
        if (year := id_param(request.POST.get("aar"))) is not None:
            back += f"?aar={year}"  # the year the user was looking at (fresh eyes round 13)
        # Replacing the address breaks every subscription to it: asked first, also without
        # JavaScript (the box is required in the browser and checked here).
        if had_feed and request.POST.get("confirm") != "1":
            messages.error(
                request,
                _(
                    "Adressen er ikke skiftet. Sæt flueben for at bekræfte, at den gamle "
                    "adresse skal holde op med at virke."
                ),
            )
            return redirect(back)
        do_renew_calendar_token(actor=request.user)
        messages.success(
            request,
            _("Din kalender har fået en ny adresse. Den gamle virker ikke længere.")
            if had_feed
            else _("Din private kalenderadresse er klar."),
        )
        return redirect(back)


def calendar_feed(request, token: str):
    """The ICS feed: from last year to five years ahead, so a multi-year grant's final report
    is in it (fresh eyes round 21: one due in 2029 was missing). The token is the only credential
    (calendar programs send no cookies), so an unknown token, or one of a user who is no
    longer active committee staff, is simply not found."""
    preferences = (
        Preferences.objects.select_related("user__municipality")
        .filter(calendar_token=token, user__is_active=True, user__role=Role.COMMITTEE_STAFF)
        .exclude(calendar_token__startswith=REVOKED_PREFIX)
        .first()
    )
    if preferences is None or not preferences.user.municipality_id:
        raise Http404
    # Calendar programs send no language: the feed is in the language of the user's e-mail.
    with translation.override(preferences.language):
        return _feed(request, preferences)


def _feed(request, preferences):
    year = timezone.localdate().year
    start, end = datetime.date(year - 1, 1, 1), datetime.date(year + 6, 1, 1)
    calendar = Calendar()
    calendar.add("prodid", "-//Integrationsportalen//aarshjul//DA")
    calendar.add("version", "2.0")
    calendar.add(
        "x-wr-calname",
        _("Årshjul: %(municipality)s") % {"municipality": preferences.user.municipality.name},
    )
    host = site.base_url(request).split("//")[-1] or "integrationsportal"
    stamp = timezone.now()
    for event in events(preferences.user.municipality_id, start, end):
        item = CalendarEvent()
        item.add("uid", f"{event.uid}@{host}")
        item.add("dtstamp", stamp)
        item.add("summary", f"{event.kind_label}: {event.title}")
        if event.at is not None:
            # A moment (a deadline at 12:00): no DTEND, which RFC 5545 (3.6.1) reads as ending
            # when it starts; a DTEND equal to DTSTART breaks its rule that the end is later
            # (fresh eyes round 16).
            item.add("dtstart", event.at)
        else:
            item.add("dtstart", event.day)
            item.add("dtend", event.day + datetime.timedelta(days=1))
        item.add("url", site.absolute(event.path, request))
        calendar.add_component(item)
    # The times name Europe/Copenhagen: the standard wants its definition in the file, or a
    # calendar program that does not know the name may show the wrong hour (fresh eyes 12).
    calendar.add_missing_timezones()
    # icalendar's definition carries an English COMMENT on its validity; the feed is read in
    # the user's calendar, in Danish (fresh eyes round 22).
    for zone in calendar.walk("VTIMEZONE"):
        zone.pop("COMMENT", None)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="aarshjul.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
