"""Helpers for tests that submit a page's forms the way a browser does.

`parse_forms(html)` reads every `<form method="post">` of a page into what a browser would
send if the user pressed a button without touching anything: text inputs and textareas as
rendered, checked boxes and radios, selected options, and nothing inside `<template>`.
An `<input type="number">` whose value the browser cannot read (such as `80,00`) is sent
empty – exactly what the browser does, and what erased the success-criterion targets."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# The HTML standard's "valid floating-point number": anything else in type=number is "".
BROWSER_NUMBER = re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?")
NOT_SENT = {"submit", "button", "reset", "image", "file"}


@dataclass
class Field:
    name: str
    value: str
    kind: str  # input type, "textarea" or "select"
    rendered: str = ""  # the value attribute as the server wrote it


@dataclass
class Form:
    action: str
    enctype: str
    id: str
    fields: list[Field] = field(default_factory=list)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)  # (name, value, label)
    unreadable_numbers: list[Field] = field(default_factory=list)

    def data(self, button: tuple[str, str, str] | None = None) -> dict[str, list[str]]:
        """What the browser posts when `button` is clicked (unnamed buttons add nothing)."""
        result: dict[str, list[str]] = {}
        for item in self.fields:
            result.setdefault(item.name, []).append(item.value)
        if button and button[0]:
            result.setdefault(button[0], []).append(button[1])
        return result


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.template_depth = 0
        self.textarea: Field | None = None
        self.select: dict | None = None
        self.option: dict | None = None
        self.button: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "template":
            self.template_depth += 1
        if self.template_depth:
            return
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self.form = Form(
                    action=a.get("action", ""),
                    enctype=a.get("enctype", ""),
                    id=a.get("id", ""),
                )
                self.forms.append(self.form)
            return
        if self.form is None:
            return
        disabled = "disabled" in a
        if tag == "input":
            kind = a.get("type", "text").lower()
            name = a.get("name")
            if kind in ("submit", "image"):
                self.form.buttons.append((name or "", a.get("value", ""), a.get("value", "")))
                return
            if not name or disabled or kind in NOT_SENT:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.form.fields.append(Field(name, a.get("value", "on"), kind))
                return
            value = a.get("value", "")
            item = Field(name, value, kind, rendered=value)
            if kind == "number" and value and not BROWSER_NUMBER.fullmatch(value.strip()):
                self.form.unreadable_numbers.append(item)
                item.value = ""
            self.form.fields.append(item)
        elif tag == "textarea" and a.get("name") and not disabled:
            self.textarea = Field(a["name"], "", "textarea")
        elif tag == "select" and a.get("name") and not disabled:
            self.select = {"name": a["name"], "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self.select["options"].append(self.option)
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self.button = {"name": a.get("name", ""), "value": a.get("value", ""), "text": ""}

    def handle_endtag(self, tag):
        if tag == "template":
            self.template_depth -= 1
            return
        if self.template_depth:
            return
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea is not None:
            # The browser drops one newline right after <textarea>.
            self.textarea.value = self.textarea.value.removeprefix("\n")
            self.textarea.rendered = self.textarea.value
            self.form.fields.append(self.textarea)
            self.textarea = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and options and not self.select["multiple"]:
                chosen = options[:1]
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                self.form.fields.append(Field(self.select["name"], value, "select", value))
            self.select = None
        elif tag == "button" and self.button is not None:
            self.form.buttons.append(
                (self.button["name"], self.button["value"], " ".join(self.button["text"].split()))
            )
            self.button = None

    def handle_data(self, data):
        if self.template_depth:
            return
        if self.textarea is not None:
            self.textarea.value += data
        if self.option is not None:
            self.option["text"] += data
        if self.button is not None:
            self.button["text"] += data


def parse_forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.forms


def typed_values(form: Form) -> dict[str, list[str]]:
    """The values a user sees in the form (without the CSRF token and version counters)."""
    skip = {"csrfmiddlewaretoken", "version"}
    return {k: v for k, v in form.data().items() if k not in skip}


def main_form_data(html: str) -> dict[str, str | list[str]]:
    """The POST form with the most fields (not the menu's log-out or language forms), as a
    dict for the test client: one value per name, or a list where a name repeats."""
    form = max(parse_forms(html), key=lambda f: len(f.fields))
    return {name: values[0] if len(values) == 1 else values for name, values in form.data().items()}


def new_draft_form(client) -> tuple:
    """A new draft of the demo's Frederiksberg caseworker in the example pool, logged in:
    (the draft, its edit page's address, what the page's main form sends untouched)."""
    from django.urls import reverse

    from grants.models import Pool
    from grants.services.drafts import do_create_draft
    from portal.models import User

    caseworker = User.objects.get(username="frb-sagsbehandler")
    pool = Pool.objects.get(is_example=True, municipality__slug="frederiksberg")
    draft = do_create_draft(pool_id=pool.pk, actor=caseworker)
    client.force_login(caseworker)
    url = reverse("mine:edit", args=[draft.pk])
    return draft, url, main_form_data(client.get(url).content.decode())
