"""A pool that closed while the caseworker had the submit page open refuses the submission:
the POST the page makes gets a clear Danish message and the draft stays a draft."""

from django.urls import reverse

from grants.models import Application, ApplicationStatus, Pool, PoolStatus, StatusChange
from grants.services.drafts import do_create_draft
from tests.test_caseworker_forms import complete_post


def test_submitting_to_a_pool_that_closed_is_refused(client, caseworker, pool, committee):
    client.force_login(caseworker)
    draft = do_create_draft(pool_id=pool.pk, actor=caseworker)
    saved = client.post(
        reverse("mine:edit", args=[draft.pk]), complete_post(draft, button="submit")
    )
    submit_url = reverse("mine:submit", args=[draft.pk])
    assert saved.url == submit_url
    page = client.get(submit_url).content.decode()
    assert "Indsend ansøgningen" in page  # the page offers to submit ...

    Pool.objects.filter(pk=pool.pk).update(status=PoolStatus.CLOSED)  # ... then the pool closes

    refused = client.post(submit_url, follow=True)  # the form posts to its own page

    assert refused.redirect_chain == [(submit_url, 302)]
    html = refused.content.decode()
    assert "Integrationspuljen 2026 er lukket for ansøgninger" in html
    # Once, on the page, not again as a message above it (attack round 21).
    assert html.count("Integrationspuljen 2026 er lukket for ansøgninger") == 1
    assert "Indsend ansøgningen" not in html  # and no longer offers to submit
    # Nor does the form offer "Gem og gå til indsendelse" (fresh eyes round 21).
    form = client.get(reverse("mine:edit", args=[draft.pk])).content.decode()
    assert 'data-testid="window-refusal"' in form and 'name="submit"' not in form
    draft = Application.objects.get(pk=draft.pk)
    assert draft.status == ApplicationStatus.DRAFT and draft.submitted_at is None
    assert not StatusChange.objects.filter(
        application=draft, to_status=ApplicationStatus.SUBMITTED
    ).exists()
