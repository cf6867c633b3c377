"""Fresh eyes round 8: a success criterion typed on several lines ran together into one line
on the web pages, while the PDF kept its lines. The class: every text a user types into a
box of several lines (a Textarea of any form of ours) keeps its line breaks wherever a page
shows it — `paragraphs` (typed lists as lists)/`linebreaksbr`, or shortened on purpose with
`truncate…`."""

import inspect
import re
from pathlib import Path

from django import forms

from tests.test_text_limits import MODULES
from worker import forms as worker_forms

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
KEEPS_LINES = ("paragraphs", "linebreaksbr", "truncatewords", "truncatechars", "as_crispy_field")
# Not a typed text of that name: an error of the error summary, a heading's number, the
# personal-data register's fixed wording.
NOT_TYPED = {"item", "number", "category"}


def multi_line_fields() -> set[str]:
    names = set()
    for module in [*MODULES, worker_forms]:
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module.__name__:
                continue
            for field_name, field in form.base_fields.items():
                if isinstance(field.widget, forms.Textarea):
                    names.add(field_name)
    # An indicator's long title gets a box of two lines to be read in, but it is one line of
    # text: a heading, a table cell.
    return names - {"title"}


def test_every_multi_line_text_keeps_its_line_breaks_on_the_pages():
    names = multi_line_fields()
    assert {"description", "text", "comment", "criteria"} <= names, names
    alternatives = "|".join(sorted(names))
    shown = re.compile(r"\{\{\s*([\w.]+)\.(" + alternatives + r")\s*((?:\|[^}]*)?)\}\}")
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for match in shown.finditer(line):
                owner, filters = match.group(1), match.group(3)
                root = owner.split(".")[0]
                if root.endswith("form") or root in NOT_TYPED:
                    continue
                if any(f in filters for f in KEEPS_LINES):
                    continue
                offenders.append(f"{path.relative_to(TEMPLATES)}:{number} {match.group(0)}")
    assert offenders == [], "\n".join(offenders)
