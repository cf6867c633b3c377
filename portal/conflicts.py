"""Edit conflicts: keep what this user typed and show what the other person saved.

Every optimistic-lock form does the same on a conflict: the form comes back (status 409)
bound to this user's POST – with the hidden version moved to the saved one, so pressing save
again lets this user's version win – and next to it the saved values that differ, from
`saved_version(...)`, shown by templates/_edit_conflict.html."""

from dataclasses import dataclass, field

from django import forms
from django.forms import BoundField, CheckboxInput
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

CONFLICT_STATUS = 409
NOT_COMPARED = {"version", "csrfmiddlewaretoken"}


@dataclass
class SavedVersion:
    """The other person's saved version: who, when, and each field that differs."""

    by: str = ""
    date: str = ""
    time: str = ""
    rows: list[tuple[str, str]] = field(default_factory=list)  # (label, saved value as shown)
    by_id: int | None = None  # the user who saved: oneself in another tab or window
    # Fields this user had not touched, now holding the saved value in the form (`rebase`):
    # listed apart, as they no longer differ from the form (fresh eyes round 16).
    taken: list[tuple[str, str]] = field(default_factory=list)


def posted_before(data: QueryDict, obj) -> bool:
    """The post was made from a page older than `obj`'s saved version (a new object, or a
    form without a version, is not)."""
    posted = data.get("version", "")
    return obj.pk is not None and posted != "" and posted != str(obj.version)


def with_version(data: QueryDict, version) -> QueryDict:
    """This user's POST, with the version the next save must be on top of."""
    data = data.copy()
    data["version"] = str(version)
    return data


def shown(bound: BoundField) -> str:
    """A field's value as the user reads it on the page (choices by their labels)."""
    # As the widget writes it into the page, so a saved date and a typed one compare alike.
    value = bound.field.widget.format_value(bound.value())
    values = value if isinstance(value, list | tuple) else [value]
    choices = getattr(bound.field, "choices", None)
    labels = {}
    if choices is not None:
        for key, label in choices:
            if isinstance(label, list | tuple):  # option groups
                labels.update({str(k): str(v) for k, v in label})
            else:
                labels[str(getattr(key, "value", key))] = str(label)
    texts = []
    for item in values:
        text = "" if item is None else str(getattr(item, "pk", item))
        if text:
            texts.append(labels.get(text, text))
    return ", ".join(texts)


def differing(mine, saved, names=None) -> list[tuple[str, str]]:
    """(label, saved value) for every field whose saved value differs from what was typed."""
    rows = []
    for name in names or saved.fields:
        if name in NOT_COMPARED or name not in mine.fields or saved[name].is_hidden:
            continue
        saved_text = shown(saved[name])
        if saved_text.strip().replace("\r\n", "\n") != shown(mine[name]).strip().replace(
            "\r\n", "\n"
        ):
            rows.append((str(saved.fields[name].label or name), readable(saved[name], saved_text)))
    return rows


def readable(bound: BoundField, text: str) -> str:
    """A saved value as a person reads it: a date and time the Danish way, not the form's
    `2027-11-15T12:00` (fresh eyes round 16)."""
    import datetime

    value = bound.value()
    if isinstance(value, str) and isinstance(bound.field, forms.DateTimeField | forms.DateField):
        try:
            value = bound.field.to_python(value)
        except forms.ValidationError:
            return text or _("(tomt)")
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return date_format(local, "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return text or _("(tomt)")


def base_instance(obj, version):
    """`obj` as it was at `version`, the version this user loaded (from its history), or None."""
    history = getattr(obj, "history", None)
    try:
        version = int(version)
    except (TypeError, ValueError):
        return None
    if history is None:
        return None
    record = history.filter(version=version).order_by("-history_date").first()
    return record.instance if record is not None else None


def _same(a: str, b: str) -> bool:
    return a.strip().replace("\r\n", "\n") == b.strip().replace("\r\n", "\n")


def rebase(data: QueryDict, mine, base, saved) -> tuple[QueryDict, list[tuple[str, str]]]:
    """This user's POST, where every field they left as they loaded it (`base`) takes the
    colleague's saved value instead: saving again then keeps both people's changes, and only
    what this user changed wins. Returns the data and (label, saved value) of each field
    taken from the colleague. Fields of formsets are not rebased."""
    data = data.copy()
    taken = []
    for name in saved.fields:
        if name in NOT_COMPARED or saved[name].is_hidden or name not in mine.fields:
            continue
        if name not in base.fields:
            continue
        base_text, saved_text = shown(base[name]), shown(saved[name])
        if not _same(shown(mine[name]), base_text) or _same(saved_text, base_text):
            continue
        key, widget = saved.add_prefix(name), saved.fields[name].widget
        value = saved[name].value()
        if isinstance(widget, CheckboxInput):
            if value:
                data[key] = "on"
            else:
                data.pop(key, None)
        else:
            formatted = widget.format_value(value)
            if isinstance(formatted, list | tuple):
                data.setlist(key, [str(item) for item in formatted])
            else:
                data[key] = "" if formatted is None else str(formatted)
        taken.append((str(saved.fields[name].label or name), readable(saved[name], saved_text)))
    return data, taken


def saved_version(obj, mine=None, saved=None, *, extra_rows=(), taken=()) -> SavedVersion:
    """Who saved `obj` last and when (from its history, if it has one), and what differs."""
    by, by_id, at = "", None, getattr(obj, "updated_at", None)
    history = getattr(obj, "history", None)
    if history is not None:
        record = history.order_by("-history_date").select_related("history_user").first()
        if record is not None:
            at = record.history_date
            if record.history_user is not None:
                by = record.history_user.get_full_name() or record.history_user.get_username()
                by_id = record.history_user_id
    rows = differing(mine, saved) if mine is not None and saved is not None else []
    local = timezone.localtime(at) if at else None
    return SavedVersion(
        by=by or _("en kollega"),
        date=date_format(local, "DATE_FORMAT") if local else "",
        time=date_format(local, "TIME_FORMAT") if local else "",
        rows=[*rows, *extra_rows],
        by_id=by_id,
        taken=list(taken),
    )


def shown_row(form_class, instance, fields) -> dict[str, str]:
    """A saved row's fields as its form writes them into the page ("40.000", "80,5")."""
    form = form_class(instance=instance)
    return {
        name: ""
        if (text := form[name].field.widget.format_value(form[name].value())) is None
        else str(text)
        for name in fields
    }


def rebase_rows(
    data: QueryDict, *, prefix: str, form_class, rows, fields
) -> tuple[QueryDict, bool]:
    """This user's POST of a row formset (`prefix`), made from a page older than the saved
    version, brought onto the rows saved now (`rows`, the model's queryset):

    - a row a colleague added is put into the form, as saved;
    - a row a colleague deleted is left out if this user left it as it was (compared with its
      last historical values), and kept as a new row with what they typed if they changed it;
    - rows this user edited keep their text; a row named twice is kept once.

    The formsets (portal.forms.CompleteRows) require every saved row in a post made from the
    current version, so without this a conflict page could not be saved again (fresh eyes
    round 21: "Formularen blev ikke sendt hel" at every save). Returns the data and whether
    a row was taken from the colleague (added or left out), for the conflict box to say."""
    from portal.params import id_param

    data = data.copy()
    saved = {row.pk: shown_row(form_class, row, fields) for row in rows}
    total = min(id_param(data.get(f"{prefix}-TOTAL_FORMS")) or 0, 100)
    posted = []
    for index in range(total):
        row = {name: data.get(f"{prefix}-{index}-{name}", "") for name in fields}
        row["id"] = data.get(f"{prefix}-{index}-id", "")
        row["DELETE"] = data.get(f"{prefix}-{index}-DELETE", "")
        posted.append(row)
    gone = {}
    missing = {id_param(row["id"]) for row in posted} - set(saved) - {None}
    if missing:
        model = rows.model
        for record in model.history.filter(id__in=missing, history_type="-"):
            gone[record.id] = shown_row(form_class, record.instance, fields)
    kept, new, seen, taken = [], [], set(), False
    for row in posted:
        pk = id_param(row["id"])
        if pk in saved:
            if pk not in seen:
                seen.add(pk)
                kept.append(row)
            continue
        if pk is not None:
            was = gone.get(pk)
            if row["DELETE"] or (was and all(_same(row[n], was[n]) for n in fields)):
                taken = True
                continue
            row["id"] = ""
        if not row["DELETE"] and any(row[name].strip() for name in fields):
            new.append(row)
    added = [{"id": str(pk), "DELETE": "", **v} for pk, v in saved.items() if pk not in seen]
    kept += added
    row_keys = [
        key
        for key in data
        if key.startswith(f"{prefix}-") and id_param(key.split("-")[1]) is not None
    ]
    for key in row_keys:
        del data[key]
    blank = {"id": "", "DELETE": "", **dict.fromkeys(fields, "")}
    for index, row in enumerate([*kept, *new, blank]):
        for name, value in row.items():
            if value != "" or name in fields:
                data[f"{prefix}-{index}-{name}"] = value
    data[f"{prefix}-INITIAL_FORMS"] = str(len(kept))
    data[f"{prefix}-TOTAL_FORMS"] = str(len(kept) + len(new) + 1)
    return data, taken or bool(added)
