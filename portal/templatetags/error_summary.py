"""The error summary at the top of every form page (as the Danish design system and gov.uk
show it): one item per error, in the order the fields appear on the page, each a link to its
field.

base.html wraps the page's content in {% error_summary %}: it collects the errors of every
bound form and formset the page was rendered with, so a form page needs nothing of its own."""

from dataclasses import dataclass, replace

from django import template
from django.forms import BaseForm
from django.forms.formsets import BaseFormSet
from django.template.loader import render_to_string
from django.utils.text import capfirst
from django.utils.translation import gettext as _

register = template.Library()


@dataclass(frozen=True)
class ErrorItem:
    message: str
    label: str = ""
    field_id: str = ""  # the id the link points at; empty for an error of the whole form


def _form_items(form: BaseForm) -> list[ErrorItem]:
    if not form.is_bound or not form.errors:
        return []
    items = [ErrorItem(message=str(error)) for error in form.non_field_errors()]
    # Form order: the fields as the form declares (and renders) them.
    for name in form.fields:
        bound = form[name]
        if bound.is_hidden:
            # A hidden field cannot take focus: its errors belong to the whole form.
            items += [ErrorItem(message=str(error)) for error in bound.errors]
            continue
        # Radio buttons and checkboxes: the first option (the group itself has no element).
        subwidgets = bound.subwidgets if not bound.id_for_label else []
        field_id = (
            bound.id_for_label
            or (subwidgets[0].id_for_label if subwidgets else "")
            or bound.auto_id
            or ""
        )
        items += [
            ErrorItem(
                message=str(error),
                # A field whose label is the same in every row says which row in the summary.
                label=str(getattr(bound.field, "summary_label", "") or bound.label or ""),
                field_id=field_id,
            )
            for error in bound.errors
        ]
    return items


def _formset_items(formset: BaseFormSet) -> list[ErrorItem]:
    if not formset.is_bound:
        return []
    items = [ErrorItem(message=str(error)) for error in formset.non_form_errors()]
    # Each row's fields say which row they are ("Succeskriterium 2: Måltal"): the same label
    # in every row left the reader guessing (fresh eyes round 10).
    model = getattr(formset, "model", None)
    row = capfirst(str(model._meta.verbose_name)) if model is not None else _("Række")
    for number, form in enumerate(formset.forms, start=1):
        items += [
            replace(
                item,
                label=_("%(row)s %(number)s: %(label)s")
                % {"row": row, "number": number, "label": item.label},
            )
            if item.label and item.field_id
            else item
            for item in _form_items(form)
        ]
    return items


def form_error_items(objects) -> list[ErrorItem]:
    items: list[ErrorItem] = []
    seen: set[int] = set()
    for obj in objects:
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        # type(), not isinstance(): isinstance would evaluate lazy context values such as
        # csrf_token, which would then set a cookie on every (cached) public page.
        kind = type(obj)
        if issubclass(kind, BaseFormSet):
            items += _formset_items(obj)
        elif issubclass(kind, BaseForm):
            items += _form_items(obj)
    return items


@register.simple_tag(takes_context=True)
def collect_form_errors(context) -> list[ErrorItem]:
    """Every error of the page's bound forms and formsets, in the order the view passed them."""
    return form_error_items(context.flatten().values())


def _in_page_order(items: list[ErrorItem], html: str) -> list[ErrorItem]:
    """Errors of the whole form first, then the fields' errors as the fields appear in `html`.

    A field the page does not show gets no link (a link must lead somewhere)."""
    placed = []
    for item in items:
        if not item.field_id:
            placed.append((-1, item))
            continue
        position = html.find(f'id="{item.field_id}"')
        if position < 0:
            placed.append((len(html), ErrorItem(message=item.message, label=item.label)))
        else:
            placed.append((position, item))
    placed.sort(key=lambda pair: pair[0])  # stable: one field's errors keep their order
    return [item for _position, item in placed]


class ErrorSummaryNode(template.Node):
    child_nodelists = ("nodelist",)  # so {% block %} inside is found by {% extends %}

    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        content = self.nodelist.render(context)
        items = form_error_items(context.flatten().values())
        if not items:
            return content
        ordered = _in_page_order(items, content)
        summary = render_to_string(
            "_error_summary.html",
            # Errors of the whole form only (a wrong password): shown here alone, with no
            # "herunder" to look for (fresh eyes round 19).
            {"form_errors": ordered, "only_form_errors": not any(i.field_id for i in ordered)},
        )
        return summary + content


@register.tag
def error_summary(parser, token):
    """{% error_summary %}…{% enderror_summary %}: the summary, then the content."""
    nodelist = parser.parse(("enderror_summary",))
    parser.delete_first_token()
    return ErrorSummaryNode(nodelist)
