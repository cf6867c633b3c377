"""crispy-forms' `|as_crispy_field`, with the common field written in Python.

crispy's Bootstrap 5 field is a template of about sixty nodes and three includes
(bootstrap5/field.html, layout/help_text_and_errors.html and what it includes): about
0.4 ms a field, more than the widget itself, so a filter form of eight fields cost a tenth
of the catalogue's page (issue #17). `field_html` writes what those templates write for a
visible field with a label above its input, select or text area — the fields of nearly
every form here — from the same bound field; anything else (a checkbox, radio buttons, a
file, a widget wrapping others, a label or field class, a form with a crispy helper) goes
to crispy's templates as before.

The portal's templates `{% load crispy_fields %}` instead of crispy's `crispy_forms_tags`
or `crispy_forms_filters`: this library holds all of crispy's filters and tags, with this
`as_crispy_field`. tests/test_crispy_fields.py compares the two on every field the portal's
pages render, with and without errors, and that no template loads crispy's own.

One addition of the portal's own: a field whose form field has `needed_for_sending` (the
application form: what must be given before it can be sent, though a draft may be saved
without it) gets `needed_mark()` after its label.
"""

from crispy_forms.templatetags import crispy_forms_filters as crispy
from crispy_forms.templatetags import crispy_forms_tags
from crispy_forms.utils import TEMPLATE_PACK
from django import forms, template
from django.conf import settings
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()
# crispy_forms_tags adds {% crispy %} to the filters' library (it star-imports `register`).
for library in (crispy.register, crispy_forms_tags.register):
    register.filters.update(library.filters)
    register.tags.update(library.tags)

# Widgets crispy lays out differently (a check box after its label, a fieldset of options,
# a file's own template), left to its templates.
_OWN_LAYOUT = (
    forms.CheckboxInput,
    forms.RadioSelect,  # and CheckboxSelectMultiple
    forms.FileInput,  # and ClearableFileInput
    forms.MultiWidget,
)


@register.simple_tag
def needed_mark() -> str:
    """{% needed_mark %}: the star after a label or heading that must be given before the
    application can be sent, with its meaning for screen readers."""
    meaning = conditional_escape(_("skal udfyldes før indsendelse"))
    return mark_safe(  # noqa: S308  # nosec B308 B703 - the translation is escaped
        '<span class="needed-mark" aria-hidden="true">*</span>'
        f'<span class="visually-hidden"> ({meaning})</span>'
    )


def _add_classes(widget: forms.Widget, classes: str) -> None:
    """What crispy's {% crispy_field field 'class' classes %} does to the widget before
    rendering it: the widget's own class name, then each of `classes` not there yet."""
    class_name = type(widget).__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    for name in classes.split():
        if name not in css_class.split():
            css_class += f" {name}"
    widget.attrs["class"] = css_class


def field_html(field, template_pack=TEMPLATE_PACK, label_class="", field_class="") -> str | None:
    """The field as bootstrap5/field.html writes it for `|as_crispy_field`; None when it is
    not the plain case written here (then crispy's templates render it)."""
    widget = field.field.widget
    if (
        template_pack != "bootstrap5"
        or label_class
        or field_class
        or getattr(field.form, "helper", None) is not None
        or field.is_hidden
        or isinstance(widget, _OWN_LAYOUT)
        or hasattr(widget, "widget")  # a wrapper such as the admin's related-field widget
        or field.use_fieldset
    ):
        return None
    errors = field.errors
    classes = "form-select" if isinstance(widget, forms.Select) else "form-control"
    _add_classes(widget, f"{classes} is-invalid" if errors else classes)
    auto_id = conditional_escape(field.auto_id)
    css_classes = field.css_classes()
    parts = [f'<div id="div_{auto_id}" class="mb-3{f" {css_classes}" if css_classes else ""}">']
    if field.label:
        required = field.field.required
        for_id = field.id_for_label
        parts.append(
            f"<label {f'for="{conditional_escape(for_id)}"' if for_id else ''} "
            f'class="form-label{" requiredField" if required else ""}">'
            f"{conditional_escape(field.label)}"
            f"{'<span class="asteriskField">*</span>' if required else ''}"
            f"{needed_mark() if getattr(field.field, 'needed_for_sending', False) else ''}</label>"
        )
    parts.append(str(field))
    if errors:
        error_id = conditional_escape(errors.field_id)
        parts.append(f'<div id="{error_id}_error" class="invalid-feedback">')
        parts.extend(
            f'<p id="error_{number}_{auto_id}"><strong>{conditional_escape(error)}</strong></p>'
            for number, error in enumerate(errors, start=1)
        )
        parts.append("</div>")
    if field.help_text:
        shown_id = f'id="{auto_id}_helptext" ' if field.auto_id else ""
        # As the template's {{ field.help_text|safe }}: help texts are the forms' own.
        parts.append(f'<div {shown_id}class="form-text">{field.help_text}</div>')
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703 - escaped above


@register.filter(name="as_crispy_field")
def as_crispy_field(field, template_pack=TEMPLATE_PACK, label_class="", field_class=""):
    html = field_html(field, template_pack, label_class, field_class)
    if html is None:
        return crispy.as_crispy_field(field, template_pack, label_class, field_class)
    return html
