"""'Take back into review' says what happened for the status the application came from."""

import pytest
from django.urls import reverse

from grants.models import ApplicationStatus, StatusChange

from .staff_support import messages_of, status_of

S = ApplicationStatus


@pytest.mark.django_db
def test_reopening_a_recommendation_says_it_was_taken_back(staff_client, make_recommended):
    application = make_recommended({2026: "100000"})
    response = staff_client.post(
        reverse("sekretariat:reopen-review", args=[application.pk]), follow=True
    )
    message = "Indstillingen er trukket tilbage, og ansøgningen er igen under behandling."
    assert messages_of(response) == [message]
    assert status_of(application) == S.IN_REVIEW
    assert StatusChange.objects.get(application=application).get_note_display() == message


@pytest.mark.django_db
def test_a_submitted_application_cannot_be_reopened_only_started(
    staff_client, make_application, pools
):
    """There is no recommendation to take back: the page offers "Start behandling", and the
    reopen address refuses with the reason instead of claiming a recommendation was taken back."""
    application = make_application(status=S.SUBMITTED)
    page = staff_client.get(reverse("sekretariat:application", args=[application.pk]))
    html = page.content.decode()
    assert reverse("sekretariat:reopen-review", args=[application.pk]) not in html
    assert reverse("sekretariat:start-review", args=[application.pk]) in html
    response = staff_client.post(
        reverse("sekretariat:reopen-review", args=[application.pk]), follow=True
    )
    [message] = messages_of(response)
    assert "trukket tilbage" not in message
    assert "Indsendt" in message
    assert status_of(application) == S.SUBMITTED
    assert not StatusChange.objects.filter(application=application).exists()
