"""Small writes shared by the services, with the actor in the row's history."""

from django.db import models


def save_row(model: type[models.Model], *, actor, defaults: dict, **lookup) -> models.Model:
    """update_or_create that names `actor` in the history record (the change log shows who
    reported or corrected a figure, also when no request is around, e.g. in a command)."""
    row = model._default_manager.filter(**lookup).first() or model(**lookup)
    for name, value in defaults.items():
        setattr(row, name, value)
    row._history_user = actor
    row.save()
    return row


def delete_rows(queryset, *, actor) -> None:
    """Delete row by row so each deletion is kept in the history with its actor."""
    for row in queryset:
        row._history_user = actor
        row.delete()
