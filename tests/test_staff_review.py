"""Staff review an application: scores, comments and proposed amounts; conflicts of
interest (forvaltningsloven § 3); returning an application to the caseworker for changes."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.models import (
    Allocation,
    Application,
    ApplicationStatus,
    ConflictOfInterest,
    Decision,
    Recommendation,
    Review,
)
from portal.models import Role, User
from tests.staff_support import messages_of, status_of

CRITERIA = (
    "score_goal_fit",
    "score_target_group",
    "score_feasibility",
    "score_anchoring",
    "score_budget",
)


def review_data(scores=(4, 3, 5, 4, 2), comment="Godt forankret.", version="", **amounts):
    data = {name: str(score) for name, score in zip(CRITERIA, scores, strict=True)}
    return data | {"comment": comment, "version": version} | amounts


def checked_scores(html: str) -> dict[str, str]:
    """The radio buttons a browser shows as chosen in the review form."""
    return dict(
        re.findall(r'<input type="radio" name="(score_\w+)" value="(\d)"[^>]* checked', html)
    )


@pytest.fixture
def colleague(municipality):
    return User.objects.create_user(
        username="kollega",
        password="x",
        first_name="Karen",
        last_name="Kollega",
        role=Role.COMMITTEE_STAFF,
        municipality=municipality,
    )


@pytest.fixture
def staff(staff_user):
    staff_user.first_name, staff_user.last_name = "Sara", "Sekretær"
    staff_user.save()
    return staff_user


@pytest.fixture
def application(make_application, owner):
    return make_application(
        title="Kvinder i job",
        status=ApplicationStatus.SUBMITTED,
        amounts={2026: "100000", 2027: "50000"},
        created_by=owner,
    )


def page(client, application) -> str:
    return client.get(reverse("sekretariat:application", args=[application.pk])).content.decode()


# Reviews


def test_starting_the_review(client, staff, application):
    client.force_login(staff)
    assert "Start behandling" in page(client, application)

    response = client.post(reverse("sekretariat:start-review", args=[application.pk]), follow=True)

    assert messages_of(response) == ["Ansøgningen er nu under behandling."]
    assert status_of(application) == ApplicationStatus.IN_REVIEW
    assert "Start behandling" not in response.content.decode()


def test_review_form_offers_scores_1_to_5_as_radio_buttons(client, staff, application):
    client.force_login(staff)

    html = client.get(reverse("sekretariat:review", args=[application.pk])).content.decode()

    for name in CRITERIA:
        for score in range(1, 6):
            assert f'type="radio" name="{name}" value="{score}"' in html


def test_a_review_moves_a_submitted_application_into_review(client, staff, application):
    client.force_login(staff)

    response = client.post(
        reverse("sekretariat:review", args=[application.pk]),
        review_data(amount_2026="80.000", amount_2027="50.000"),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse(
        "sekretariat:application", args=[application.pk]
    )
    assert "Din bedømmelse er gemt." in messages_of(response)
    assert status_of(application) == ApplicationStatus.IN_REVIEW
    html = response.content.decode()
    assert "Status: <strong>Under behandling</strong>" in html
    assert "Sara Sekretær</strong> – gennemsnit 3,6" in html
    assert "Godt forankret." in html
    assert "Foreslår: 2026: 80.000 kr. · 2027: 50.000 kr." in html
    assert "Indsendt → Under behandling" in html  # the history says who moved it


def test_two_staff_members_each_have_their_own_review(client, staff, colleague, application):
    client.force_login(staff)
    client.post(reverse("sekretariat:review", args=[application.pk]), review_data())
    client.force_login(colleague)
    client.post(
        reverse("sekretariat:review", args=[application.pk]),
        review_data(scores=(2, 2, 2, 2, 2), comment="For dyrt."),
    )

    assert Review.objects.filter(application=application).count() == 2
    html = page(client, application)
    assert "Sara Sekretær</strong> – gennemsnit 3,6" in html
    assert "Karen Kollega</strong> – gennemsnit 2" in html
    # Each sees their own review when they open the form again.
    own_form = client.get(reverse("sekretariat:review", args=[application.pk])).content.decode()
    assert "For dyrt." in own_form
    assert checked_scores(own_form) == dict.fromkeys(CRITERIA, "2")


def test_a_stale_review_is_not_saved_over_a_newer_one(client, staff, application):
    client.force_login(staff)
    url = reverse("sekretariat:review", args=[application.pk])
    client.post(url, review_data(comment="Første udgave."))
    version = Review.objects.get().version

    client.post(url, review_data(comment="Fra fane 1.", version=version))
    response = client.post(url, review_data(comment="Fra fane 2.", version=version))

    assert response.status_code == 409
    assert any("gemt" in m and "Mens du redigerede" in m for m in messages_of(response))
    assert Review.objects.get().comment == "Fra fane 1."
    html = response.content.decode()
    assert '<dd class="mb-1">Fra fane 1.</dd>' in html  # the saved version, shown next to …
    assert "Fra fane 2.</textarea>" in html  # … the form, which keeps what this tab typed
    again = client.post(url, review_data(comment="Fra fane 2.", version=version + 1))
    assert again.status_code == 302
    assert Review.objects.get().comment == "Fra fane 2."


@pytest.mark.parametrize("bad_score", ["0", "6", "4,5", "fem"])
def test_scores_outside_1_to_5_are_refused(client, staff, application, bad_score):
    client.force_login(staff)
    data = review_data() | {"score_feasibility": bad_score}

    response = client.post(reverse("sekretariat:review", args=[application.pk]), data)

    assert response.status_code == 400
    assert "Intet er gemt. Ret de markerede felter." in messages_of(response)
    assert "Marker en gyldig valgmulighed" in response.content.decode()
    assert not Review.objects.exists()
    assert status_of(application) == ApplicationStatus.SUBMITTED


def test_a_decided_application_cannot_be_reviewed(client, staff, make_application):
    approved = make_application(status=ApplicationStatus.APPROVED)
    client.force_login(staff)

    response = client.post(reverse("sekretariat:review", args=[approved.pk]), review_data())

    assert response.status_code == 400
    assert messages_of(response) == ["Ansøgningen kan kun bedømmes, mens den er under behandling."]
    assert not Review.objects.exists()


# Conflict of interest


def declare(client, application, reason="Min søster leder projektet."):
    return client.post(
        reverse("sekretariat:conflict", args=[application.pk]), {"reason": reason}, follow=True
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_declaring_a_conflict_needs_a_reason(client, staff, application, reason):
    client.force_login(staff)

    response = declare(client, application, reason)

    # The page comes back with the error at the field, the form open (nothing typed is lost).
    assert response.status_code == 400
    assert "Intet er gemt. Ret de markerede felter." in messages_of(response)
    assert "Dette felt er påkrævet." in response.content.decode()
    assert not ConflictOfInterest.objects.exists()


def test_a_declared_conflict_is_listed_and_removes_the_declarers_review(
    client, staff, colleague, application
):
    client.force_login(colleague)
    client.post(reverse("sekretariat:review", args=[application.pk]), review_data(comment="OK."))
    client.force_login(staff)
    client.post(reverse("sekretariat:review", args=[application.pk]), review_data(comment="Fint."))

    response = declare(client, application)

    assert "Din inhabilitet er registreret. Du deltager ikke i behandlingen." in messages_of(
        response
    )
    html = response.content.decode()
    assert "Inhabilitetserklæringer" in html
    assert "Sara Sekretær" in html and "Min søster leder projektet." in html
    assert "Du har erklæret dig inhabil" in html
    assert list(Review.objects.values_list("comment", flat=True)) == ["OK."]
    # No way in from the page: no review, recommend or decide buttons for the declarer.
    for name in ("review", "recommend", "decide"):
        assert reverse(f"sekretariat:{name}", args=[application.pk]) not in html
    client.force_login(colleague)  # the colleague still can
    assert reverse("sekretariat:review", args=[application.pk]) in page(client, application)


def test_the_declarer_cannot_review_recommend_or_decide_but_a_colleague_can(
    client, staff, colleague, application
):
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.IN_REVIEW)
    client.force_login(staff)
    declare(client, application)

    response = client.post(reverse("sekretariat:review", args=[application.pk]), review_data())
    assert response.status_code == 400
    assert any("inhabil" in m for m in messages_of(response))
    assert not Review.objects.exists()

    response = client.post(
        reverse("sekretariat:recommend", args=[application.pk]),
        {"summary": "Indstilles.", "amount_2026": "100.000"},
    )
    assert any("inhabil" in m for m in messages_of(response))
    assert not Recommendation.objects.exists()

    response = client.post(
        reverse("sekretariat:decide", args=[application.pk]),
        {
            "outcome": "approved",
            "committee": application.committee_id,
            "amount_2026": "100.000",
            "amount_2027": "50.000",
            "appeal_guidance": "Klagevejledning.",
        },
    )
    assert any("inhabil" in m for m in messages_of(response))
    assert not Decision.objects.exists()
    assert status_of(application) == ApplicationStatus.IN_REVIEW

    client.force_login(colleague)
    response = client.post(
        reverse("sekretariat:review", args=[application.pk]), review_data(), follow=True
    )
    assert "Din bedømmelse er gemt." in messages_of(response)
    response = client.post(
        reverse("sekretariat:recommend", args=[application.pk]),
        {"summary": "Indstilles.", "amount_2026": "100.000", "amount_2027": "50.000"},
        follow=True,
    )
    assert "Ansøgningen er indstillet til udvalget." in messages_of(response)
    assert status_of(application) == ApplicationStatus.RECOMMENDED


def test_the_declarer_cannot_start_the_review(client, staff, application):
    client.force_login(staff)
    declare(client, application)

    response = client.post(reverse("sekretariat:start-review", args=[application.pk]), follow=True)

    assert any("inhabil" in m for m in messages_of(response))
    assert status_of(application) == ApplicationStatus.SUBMITTED


def test_the_declarer_cannot_return_the_application_either(
    client, staff, application, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    declare(client, application)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("sekretariat:return", args=[application.pk]),
            {"comment": "Ret budgettet."},
            follow=True,
        )

    assert any("inhabil" in m for m in messages_of(response))
    assert status_of(application) == ApplicationStatus.SUBMITTED
    assert mailoutbox == []


# Return for changes


def send_back(client, application, comment, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("sekretariat:return", args=[application.pk]), {"comment": comment}, follow=True
        )


def test_returning_needs_a_comment_and_sends_nothing_without(
    client, staff, application, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)

    response = send_back(client, application, "", django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert "Dette felt er påkrævet." in response.content.decode()
    assert status_of(application) == ApplicationStatus.SUBMITTED
    assert mailoutbox == []


def test_returning_mails_the_caseworker_the_comment(
    client, staff, owner, application, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    comment = "Budgettet for 2027 mangler en forklaring."

    response = send_back(client, application, comment, django_capture_on_commit_callbacks)

    assert "Ansøgningen er sendt retur. Ansøgeren har fået besked på e-mail." in messages_of(
        response
    )
    assert status_of(application) == ApplicationStatus.RETURNED
    assert comment in response.content.decode()  # in the history on the staff page
    [mail] = mailoutbox
    assert mail.to == ["sagsbehandler@testrup.dk"]
    assert mail.subject == "Ansøgning sendt retur: Kvinder i job"
    assert comment in mail.body
    assert reverse("mine:detail", args=[application.pk]) in mail.body
    # The caseworker finds it waiting on the dashboard.
    client.force_login(owner)
    dashboard = client.get(reverse("mine:dashboard")).content.decode()
    assert "Sendt retur til ændringer:" in dashboard


def test_a_refused_return_sends_no_mail(
    client, staff, make_application, owner, mailoutbox, django_capture_on_commit_callbacks
):
    approved = make_application(status=ApplicationStatus.APPROVED, created_by=owner)
    # Granted as asked (an approval has its allocation), so its status reads "Bevilget".
    decision = Decision.objects.create(application=approved, outcome="approved")
    Allocation.objects.create(
        application=approved, pool=approved.pool, decision=decision, amount=Decimal("100000")
    )
    client.force_login(staff)

    response = send_back(client, approved, "For sent.", django_capture_on_commit_callbacks)

    assert messages_of(response) == [
        "En ansøgning med status »Bevilget« kan ikke ændres til »Sendt retur til ændringer«."
    ]
    assert status_of(approved) == ApplicationStatus.APPROVED
    assert mailoutbox == []


def test_a_recommended_application_can_still_be_returned(
    client, staff, application, mailoutbox, django_capture_on_commit_callbacks
):
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.RECOMMENDED)
    client.force_login(staff)
    assert reverse("sekretariat:return", args=[application.pk]) in page(client, application)

    response = send_back(client, application, "Ret budgettet.", django_capture_on_commit_callbacks)

    assert "Ansøgningen er sendt retur. Ansøgeren har fået besked på e-mail." in messages_of(
        response
    )
    assert status_of(application) == ApplicationStatus.RETURNED
    assert len(mailoutbox) == 1


def test_a_recommendation_made_before_the_changes_says_so_and_prefills_no_more_than_asked(
    client, staff, application, owner
):
    """Fresh eyes round 28: recommended, returned, changed to ask less and sent again, the
    old recommendation stood on the staff page and in the decision form as if current."""
    import datetime
    from decimal import Decimal

    from grants.models import Recommendation
    from grants.services.review import do_recommend, do_start_review
    from grants.services.workflow import do_return_for_changes

    do_start_review(application_id=application.pk, actor=staff)
    do_recommend(
        application_id=application.pk,
        actor=staff,
        summary="Godt projekt.",
        amounts={2026: Decimal("90000"), 2027: Decimal("50000")},
    )
    client.force_login(staff)
    assert "recommendation-predates-changes" not in page(client, application)

    do_return_for_changes(application_id=application.pk, actor=staff, comment="Lavere beløb.")
    application.requested_amounts.filter(year=2026).update(amount=Decimal("60000"))
    # Sent again (as do_submit does, on a complete application) a little later.
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.SUBMITTED,
        submitted_at=Recommendation.objects.get().created_at + datetime.timedelta(minutes=5),
    )

    shown = page(client, application)
    assert 'data-testid="recommendation-predates-changes"' in shown
    import re

    words = " ".join(re.sub(r"<[^>]+>", "", shown).split())
    assert "ansøgningen søger nu: 2026: 60.000 kr. · 2027: 50.000 kr." in words
    do_start_review(application_id=application.pk, actor=staff)  # deciding needs a review
    form = client.get(reverse("sekretariat:decide", args=[application.pk])).content.decode()
    assert 'data-testid="recommendation-predates-changes"' in form
    assert 'name="amount_2026" value="60.000"' in form  # not the 90.000 recommended
