"""Read a page's main form as a browser would submit it (names and current values)."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action")}
            self._form["fields"] = []
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append([a["name"], a.get("value") or ("on" if kind == "checkbox" else "")])
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
            fields.append(self._textarea)
        elif tag == "select" and a.get("name"):
            # A single select sends its selected (or first) option; a multiple one only the
            # selected options.
            self._select = [a["name"], [] if "multiple" in a else None]
            fields.append(self._select)
        elif tag == "option" and self._select is not None:
            if isinstance(self._select[1], list):
                if "selected" in a:
                    self._select[1].append(a.get("value", ""))
            elif self._select[1] is None or "selected" in a:
                self._select[1] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def main_form_data(html: str) -> dict[str, str | list[str]]:
    """The POST form with the most fields (not the menu's log-out or language forms)."""
    parser = _FormParser()
    parser.feed(html)
    forms = [f for f in parser.forms if f["method"] == "post"]
    form = max(forms, key=lambda f: len(f["fields"]))
    data: dict[str, str | list[str]] = {}
    for name, value in form["fields"]:
        if isinstance(value, list):
            data.setdefault(name, []).extend(value)
        elif name in data:  # several checked boxes of one name
            previous = data[name]
            data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            data[name] = value or ""
    return {name: value for name, value in data.items() if value != []}
