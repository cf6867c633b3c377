"""The application form marks what must be given before it can be sent (a star after the
label or the heading), from the rule that checks it (grants.services.submission.
needed_for_sending): everything an empty draft's submit page names as missing is marked on
its form, and nothing else is; for a municipal department and for an association."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from grants.models import Pool
from grants.services.drafts import do_create_draft
from grants.services.submission import missing_for_submission
from portal.models import User
from tests.form_pages import new_draft_form

FIELDS = ("input", "select", "textarea")


class _Marks(HTMLParser):
    """The ids of fields whose label carries the star, and the ids of the fields in each
    fieldset whose heading (legend) carries it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.labels: set[str] = set()
        self.fieldsets: list[set[str]] = []
        self._open: list[dict] = []  # the fieldsets we are in
        self._label: str | None = None
        self._in_legend = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "fieldset":
            self._open.append({"marked": False, "ids": set()})
        elif tag == "legend":
            self._in_legend = True
        elif tag == "label":
            self._label = a.get("for")
        elif tag in FIELDS and a.get("id") and self._open:
            for fieldset in self._open:
                fieldset["ids"].add(a["id"])
        if tag == "span" and "needed-mark" in (a.get("class") or "").split():
            if self._label:
                self.labels.add(self._label)
            elif self._in_legend and self._open:
                self._open[-1]["marked"] = True

    def handle_endtag(self, tag):
        if tag == "fieldset" and self._open:
            fieldset = self._open.pop()
            if fieldset["marked"]:
                self.fieldsets.append(fieldset["ids"])
        elif tag == "legend":
            self._in_legend = False
        elif tag == "label":
            self._label = None


@pytest.mark.parametrize(
    "username, pool_filter",
    [
        ("frb-sagsbehandler", {"municipality__slug": "frederiksberg"}),
        ("kbh-forening", {"municipality__slug": "koebenhavn", "applicants": "organisations"}),
    ],
)
def test_the_form_marks_what_sending_needs_and_nothing_else(client, demo, username, pool_filter):
    user = User.objects.get(username=username)
    pool = Pool.objects.get(is_example=True, **pool_filter)
    # Every heading shown: the short form's hidden headings are marked too (checked below).
    Pool.objects.filter(pk=pool.pk).update(short_form_below=None)
    draft = do_create_draft(pool_id=pool.pk, actor=user)
    client.force_login(user)
    page = client.get(reverse("mine:edit", args=[draft.pk])).content.decode()
    marks = _Marks()
    marks.feed(page)
    missing = {f"id_{item.field}" for item in missing_for_submission(draft)}
    assert missing, "an empty draft lacks something"

    unmarked = {
        field
        for field in missing
        if field not in marks.labels and not any(field in ids for ids in marks.fieldsets)
    }
    assert unmarked == set()
    assert marks.labels <= missing  # a starred field is one sending needs
    assert all(ids & missing for ids in marks.fieldsets)  # so is one in a starred part
    # The note says what the star means, in the reader's words.
    assert 'id="needed-note"' in page
    if draft.organisation_id:
        assert "id_committee" not in marks.labels  # left to the municipality
    else:
        assert "id_committee" in marks.labels


def test_the_short_forms_hidden_headings_are_marked_for_when_they_are_shown(client, demo):
    """Below the pool's threshold the form hides some headings, and the script shows them
    again when the amount grows: they carry their star all along."""
    user = User.objects.get(username="kbh-forening")
    pool = Pool.objects.get(is_example=True, applicants="organisations")
    assert pool.short_form_below  # the demo's association pool has a short form
    draft = do_create_draft(pool_id=pool.pk, actor=user)
    client.force_login(user)
    page = client.get(reverse("mine:edit", args=[draft.pk])).content.decode()
    marks = _Marks()
    marks.feed(page)
    assert {"id_challenge", "id_anchoring"} <= marks.labels
    assert any("id_goals_0" in ids for ids in marks.fieldsets)


def test_the_contact_part_says_what_its_star_asks(client, demo):
    """Fresh eyes round 38: a contact with a name alone was refused only on the submit page
    ("Skriv e-mail eller telefon til …"); the part says it under its heading."""
    _draft, url, _data = new_draft_form(client)
    page = client.get(url).content.decode()
    assert "Mindst én kontaktperson med navn og e-mail eller telefon." in page
