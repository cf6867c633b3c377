"""The selects' choices: one municipality's goals and committees (the catalogue), and a
select's options as plain values (the catalogue, the staff's queue)."""

from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator

from policies.models import Goal, goal_name
from portal.models import Committee, Municipality, committee_label


def goals_of(municipality_id: int) -> QuerySet[Goal]:
    return Goal.objects.filter(policy__municipality=municipality_id).order_by(
        "policy__period_start", "kind", "number"
    )


def committees_of(municipality_id: int) -> QuerySet[Committee]:
    return Committee.objects.filter(municipality=municipality_id).order_by("name")


# Selects' options as plain values, in the querysets' order and with the labels the fields
# give their instances (Municipality's and Committee's str, Goal's str and name): a
# country's hundred municipalities were a hundred instances a page (issue #17).
def municipality_options() -> list[tuple[str, str]]:
    return list(Municipality.objects.order_by("name").values_list("slug", "name"))


def goal_options(goals: QuerySet[Goal]) -> list[tuple[int, str]]:
    rows = goals.values_list("pk", "kind", "number", "short_title", "title")
    return [(pk, goal_name(*columns)) for pk, *columns in rows]


def committee_options(committees: QuerySet[Committee]) -> list[tuple[int, str]]:
    rows = committees.values_list("pk", "name", "abbreviation")
    return [(pk, committee_label(name, abbreviation)) for pk, name, abbreviation in rows]


class ListedOptions(ModelChoiceIterator):
    """A model select's options as the (value, label) pairs of `field.options()`, after its
    empty choice: no instance per option, and no query until the select is rendered."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.field.options()

    def __len__(self):
        return len(list(iter(self)))

    def __bool__(self):
        return True


def list_options(field, options) -> None:
    """A model select offers `options()` (values and labels as its instances would give
    them) when it is rendered: a page that renders no form, the API's, reads none."""
    field.options = options
    field.iterator = ListedOptions
    field.widget.choices = field.choices
