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
    assert StatusChange.objects.get(application=application).comment == message


@pytest.mark.django_db
def test_reopening_a_submitted_application_does_not_claim_a_recommendation(
    staff_client, make_application, pools
):
    application = make_application(status=S.SUBMITTED)
    response = staff_client.post(
        reverse("sekretariat:reopen-review", args=[application.pk]), follow=True
    )
    [message] = messages_of(response)
    assert "indstilling" not in message.split(".")[0].lower()
    assert message.startswith("Ansøgningen er nu under behandling.")
    assert status_of(application) == S.IN_REVIEW
    change = StatusChange.objects.get(application=application)
    assert change.comment == message
    # The application's history page shows the same account.
    page = staff_client.get(reverse("sekretariat:application", args=[application.pk]))
    assert message in page.content.decode()
