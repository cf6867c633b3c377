"""The staff's yearly cycle (årshjul): the page shows the municipality's dates in Danish, the
private ICS feed parses and holds the same dates, a new address revokes the old one; each
user's reminder settings page round-trips and changes what they get."""

import datetime

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grants.models import ApplicationStatus, Decision, DecisionOutcome, Report, ReportKind
from policies.models import Policy
from portal.models import Municipality, Role, User
from tests.form_pages import main_form_data, parse_forms
from worker.models import Preferences


@pytest.fixture
def year_of_dates(make_pool, make_application, caseworker, committee):
    year = timezone.localdate().year
    tz = timezone.get_current_timezone()
    pool = make_pool(
        year=year,
        opens_at=datetime.datetime(year, 2, 1, 9, 0, tzinfo=tz),
        application_deadline=datetime.datetime(year, 3, 15, 12, 0, tzinfo=tz),
        committee_meeting_on=datetime.date(year, 4, 22),
    )
    application = make_application(
        target_pool=pool, status=ApplicationStatus.ACTIVE, created_by=caseworker
    )
    Decision.objects.create(
        application=application,
        committee=committee,
        meeting_date=datetime.date(year, 4, 22),
        outcome=DecisionOutcome.APPROVED,
    )
    report = Report.objects.create(
        application=application, kind=ReportKind.EVALUATION, due_date=datetime.date(year, 10, 1)
    )
    return {"year": year, "pool": pool, "report": report}


def test_the_page_shows_the_year_in_danish(staff_client, year_of_dates):
    page = staff_client.get(reverse("sekretariat:calendar")).content.decode()

    assert "Februar 20" in page and "1. februar kl. 09:00" in page
    assert "15. marts kl. 12:00" in page and "Ansøgningsfrist" in page
    assert "22. april" in page and "Udvalgsmøde" in page
    # The committee by name, linked to the pool's applications (fresh eyes round 20).
    pool = year_of_dates["pool"]
    assert f"Socialudvalget: 1 afgørelse ({pool.title})" in page
    assert reverse("sekretariat:queue", args=[pool.pk]) in page
    assert "1. oktober" in page and "Evaluering: Kvinder i job" in page
    # Last and next year are a click away; the municipality's other years are not mixed in.
    assert f"?aar={year_of_dates['year'] + 1}" in page
    empty = staff_client.get(reverse("sekretariat:calendar"), {"aar": year_of_dates["year"] + 1})
    assert "Der er ingen datoer" in empty.content.decode()


def test_another_municipalitys_dates_are_not_shown(client, year_of_dates):
    other = Municipality.objects.create(name="Andeby Kommune", slug="andeby", code="997")
    stranger = User.objects.create_user(
        username="andeby", role=Role.COMMITTEE_STAFF, municipality=other
    )
    client.force_login(stranger)
    page = client.get(reverse("sekretariat:calendar")).content.decode()
    assert "Kvinder i job" not in page and "Ansøgningsfrist" not in page


def subscribe(staff_client, confirm=True) -> str:
    """Press the button on the page (ticking the box it asks for, if any); return the
    address the page then shows."""
    page = staff_client.get(reverse("sekretariat:calendar")).content.decode()
    [form] = [f for f in parse_forms(page) if f.action == reverse("sekretariat:calendar-renew")]
    data = form.data()
    if confirm and 'name="confirm"' in page:
        data["confirm"] = ["1"]
    staff_client.post(form.action, data)
    page = staff_client.get(reverse("sekretariat:calendar")).content.decode()
    start = page.index('id="feed-url"')
    value = page[page.index('value="', start) + 7 :]
    return value[: value.index('"')]


def test_the_feed_parses_and_holds_the_dates(client, staff_client, staff_user, year_of_dates):
    address = subscribe(staff_client)
    assert address.startswith("http://testserver/sekretariat/kalender/")

    client.logout()  # a calendar program sends no cookie
    response = client.get(address.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    year = year_of_dates["year"]
    deadline = events[f"Ansøgningsfrist: Integrationspuljen {year}"]
    assert deadline.decoded("dtstart") == datetime.datetime(
        year, 3, 15, 12, 0, tzinfo=timezone.get_current_timezone()
    )
    assert events[f"Puljen åbner: Integrationspuljen {year}"].decoded("dtstart").day == 1
    meeting = events[f"Udvalgsmøde: Integrationspuljen {year}"]
    assert meeting.decoded("dtstart") == datetime.date(year, 4, 22)
    # Where it leads says the date (fresh eyes round 22: the page never mentioned it).
    staff = Client()
    staff.force_login(staff_user)
    meeting_page = staff.get(str(meeting["url"]).removeprefix("http://testserver"))
    assert f"Udvalgsmøde: 22. april {year}" in meeting_page.content.decode()
    report = events["Afrapportering: Evaluering: Kvinder i job"]
    assert report.decoded("dtstart") == datetime.date(year, 10, 1)
    assert str(report["url"]).endswith(
        reverse("sekretariat:report", args=[year_of_dates["report"].pk])
    )
    assert len({str(e["uid"]) for e in calendar.walk("VEVENT")}) == len(events)
    # RFC 5545 3.8.2.2: an end, where there is one, is later than the start (fresh eyes
    # round 16: deadlines ended the moment they started).
    for event in calendar.walk("VEVENT"):
        if "dtend" in event:
            assert event.decoded("dtend") > event.decoded("dtstart"), event["summary"]
    assert "dtend" not in deadline
    # Every time zone the times name is defined in the file (RFC 5545; fresh eyes round 12).
    named = {
        str(e["dtstart"].params["TZID"])
        for e in calendar.walk("VEVENT")
        if "TZID" in e["dtstart"].params
    }
    assert named == {"Europe/Copenhagen"}
    assert {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")} == named
    # No English note in a Danish feed (fresh eyes round 22: "This timezone only works …").
    assert b"COMMENT" not in response.content


def test_a_new_address_revokes_the_old_one(client, staff_client, year_of_dates):
    old = subscribe(staff_client).removeprefix("http://testserver")
    # Replacing it is asked first: without the box ticked nothing changes.
    assert subscribe(staff_client, confirm=False).removeprefix("http://testserver") == old
    new = subscribe(staff_client).removeprefix("http://testserver")
    assert old != new
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_the_feed_stops_when_the_user_is_no_longer_staff(client, staff_client, staff_user):
    address = subscribe(staff_client).removeprefix("http://testserver")
    staff_user.is_active = False
    staff_user.save()
    client.logout()
    assert client.get(address).status_code == 404


def test_the_settings_page_round_trips_and_turns_a_reminder_off(client, caseworker):
    client.force_login(caseworker)
    url = reverse("preferences")
    data = main_form_data(client.get(url).content.decode())
    assert data["language"] == "da"
    assert data["remind_draft_deadline"] == "on"

    data.pop("remind_report_overdue")  # untick
    data["language"] = "en"
    response = client.post(url, data, follow=True)

    assert "Dine indstillinger er gemt." in response.content.decode()
    preferences = Preferences.objects.get(user=caseworker)
    assert (preferences.language, preferences.remind_report_overdue) == ("en", False)
    assert preferences.remind_draft_deadline and preferences.remind_report_due
    assert preferences.history.first().history_user == caseworker


def test_staff_are_not_offered_draft_reminders(staff_client):
    page = staff_client.get(reverse("preferences")).content.decode()
    assert "remind_draft_deadline" not in page
    assert "remind_information_due" not in page  # staff ask, they do not answer
    assert "remind_report_due" in page


def test_a_wrong_language_is_refused_and_nothing_saved(client, caseworker):
    client.force_login(caseworker)
    response = client.post(reverse("preferences"), {"language": "xx"})
    assert response.status_code == 200
    assert "Marker en gyldig valgmulighed" in response.content.decode()
    assert not Preferences.objects.filter(user=caseworker).exists()


def test_staff_set_the_barometers_month_and_it_reaches_the_page_and_the_feed(
    client, staff_client, staff_user, policy
):
    """Copenhagen's årshjul: the barometer is updated yearly (1st quarter). Staff set the
    month on the indicator page (the form as rendered), and the yearly cycle and the feed
    show the month's last day."""
    year = timezone.localdate().year
    policy.period_start, policy.period_end = year - 1, year + 2
    policy.save()
    page = staff_client.get(reverse("indikatorer:list")).content.decode()
    assert "Ingen fast måned" in page
    action = reverse("indikatorer:barometer-update", args=[policy.pk])
    [form] = [f for f in parse_forms(page) if f.action == action]
    data = form.data()
    data[f"policy{policy.pk}-barometer_update_month"] = "3"
    staff_client.post(action, data)
    policy.refresh_from_db()
    assert policy.barometer_update_month == 3
    assert policy.history.first().history_user == staff_user

    page = staff_client.get(reverse("sekretariat:calendar")).content.decode()
    assert "31. marts" in page and "Barometeret opdateres" in page
    address = subscribe(staff_client)
    client.logout()
    calendar = icalendar.Calendar.from_ical(client.get(address[len("http://testserver") :]).content)
    days = {
        e.decoded("dtstart") for e in calendar.walk("VEVENT") if "Barometeret" in str(e["summary"])
    }
    assert datetime.date(year, 3, 31) in days  # the feed runs from last year to two ahead
    assert datetime.date(year + 1, 3, 31) in days

    # The newest policy is measured on after its period until a new one replaces it
    # (fresh eyes round 20: a past policy's update never reached the coming years).
    policy.period_start, policy.period_end = year - 6, year - 3
    policy.save()
    staff_client.force_login(staff_user)  # the same client left the feed signed out
    page = staff_client.get(reverse("sekretariat:calendar"), {"aar": year + 1}).content.decode()
    assert "Barometeret opdateres" in page and policy.title in page
    Policy.objects.create(
        municipality=policy.municipality,
        title="Ny politik",
        slug="ny-politik",
        period_start=year - 2,
        period_end=year + 2,
    )
    page = staff_client.get(reverse("sekretariat:calendar"), {"aar": year + 1}).content.decode()
    assert "Barometeret opdateres" not in page  # the old one is replaced; the new has no month


def test_another_municipalitys_policy_cannot_be_set(client, policy):
    other = Municipality.objects.create(name="Andeby Kommune", slug="andeby", code="997")
    stranger = User.objects.create_user(
        username="andeby", role=Role.COMMITTEE_STAFF, municipality=other
    )
    client.force_login(stranger)
    url = reverse("indikatorer:barometer-update", args=[policy.pk])
    assert client.post(url, {f"policy{policy.pk}-barometer_update_month": "3"}).status_code == 404
    policy.refresh_from_db()
    assert policy.barometer_update_month is None


def test_log_out_everywhere_revokes_the_calendar_feed(client, staff_client, staff_user):
    """Attack round 6 (E): the private feed still worked after »Log ud overalt«."""
    address = subscribe(staff_client).removeprefix("http://testserver")
    assert client.get(address).status_code == 200
    page = staff_client.get(reverse("two-factor-setup")).content.decode()
    assert "Din private kalenderadresse (årshjulet i Outlook) holder også op med at virke" in page
    [form] = [f for f in parse_forms(page) if f.action == reverse("logout-everywhere")]
    response = staff_client.post(form.action, form.data(), follow=True)
    assert "Din kalenderadresse til årshjulet er også skiftet" in response.content.decode()

    assert client.get(address).status_code == 404
    staff_user.refresh_from_db()
    staff_client.force_login(staff_user)
    # The page offers a new address rather than showing one unasked (fresh eyes round 14).
    page = staff_client.get(reverse("sekretariat:calendar")).content.decode()
    assert 'id="feed-url"' not in page and "Lav min kalenderadresse" in page
    new = subscribe(staff_client).removeprefix("http://testserver")
    assert new != address
    client.logout()
    assert client.get(new).status_code == 200


def test_the_address_buttons_keep_the_year_shown(staff_client, year_of_dates):
    """Fresh eyes round 13: making or replacing the address jumped back to this year."""
    year = year_of_dates["year"] + 1
    url = reverse("sekretariat:calendar")
    for confirm in (False, True, False):
        page = staff_client.get(url, {"aar": year}).content.decode()
        [form] = [f for f in parse_forms(page) if f.action == reverse("sekretariat:calendar-renew")]
        data = form.data() | ({"confirm": ["1"]} if confirm else {})
        response = staff_client.post(form.action, data)
        assert response.url == f"{url}?aar={year}"
    refused = staff_client.get(response.url).content.decode()
    assert "Adressen er ikke skiftet" in refused


def test_a_past_year_without_dates_is_not_said_to_have_none_yet(staff_client):
    """Fresh eyes round 22: "Der er ingen datoer i 2021 endnu" for a year long gone."""
    page = staff_client.get(reverse("sekretariat:calendar"), {"aar": "2005"}).content.decode()
    assert "Der var ingen datoer i 2005." in page and "endnu" not in page.split("<main", 1)[1]
    coming = timezone.localdate().year + 5
    page = staff_client.get(reverse("sekretariat:calendar"), {"aar": str(coming)}).content.decode()
    assert f"Der er ingen datoer i {coming} endnu." in page
