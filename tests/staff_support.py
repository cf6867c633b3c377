"""Helpers shared by the committee-staff tests."""

from django.urls import reverse

from grants.models import (
    Allocation,
    Application,
    ApplicationStatus,
    Decision,
    StatusChange,
)

# What the decision form starts with for a pool without a legal basis of its own.
DEFAULT_APPEAL_GUIDANCE = (
    "Tilskud fra puljen gives efter kommunalfuldmagtsreglerne, og afgørelsen kan ikke påklages "
    "til anden administrativ myndighed. Mener du, at afgørelsen er ulovlig, kan du rette "
    "henvendelse til Ankestyrelsen, som fører tilsyn med kommunerne."
)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def refusals_of(response) -> list[str]:
    """What a refused form page tells the user: its messages and the errors at the form's
    fields (a refusal about one field is shown there and in the error summary)."""
    form = response.context.get("form")
    errors = [str(e) for errors in form.errors.values() for e in errors] if form else []
    return messages_of(response) + errors


def status_of(application) -> str:
    return Application.objects.get(pk=application.pk).status


def decide(client, application, capture, **fields):
    """Post the decision form as staff fill it in: committee chosen, guidance kept as the
    form starts it."""
    from grants.documents.letters import default_appeal_guidance

    data = {
        "outcome": "approved",
        "committee": application.committee_id,
        "meeting_date": "2026-03-01",
        "message": "Udvalget har behandlet ansøgningen.",
        "reasons": "",
        "appeal_guidance": str(default_appeal_guidance(application.pool, application)),
        "conditions_text": "",
    } | fields
    with capture(execute=True):
        return client.post(reverse("sekretariat:decide", args=[application.pk]), data, follow=True)


def nothing_saved(application, status=ApplicationStatus.RECOMMENDED) -> bool:
    return (
        status_of(application) == status
        and not Decision.objects.filter(application=application).exists()
        and not Allocation.objects.filter(application=application).exists()
        and not StatusChange.objects.filter(application=application).exists()
    )
