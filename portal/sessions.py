"""Ending every session of a user at once ("Log ud overalt")."""

from django.db import transaction
from django.dispatch import Signal

# Sent inside the transaction that ends a user's sessions, with `user`: apps that hand out
# other ways in (the calendar feed's private address, worker.services) revoke them too.
sessions_ended = Signal()


def do_log_out_everywhere(*, actor) -> None:
    """Every session of `actor` on every device ends, and every address that works without
    a session (the private calendar feed) stops working."""
    with transaction.atomic():
        actor.session_generation += 1
        actor.save(update_fields=["session_generation"])
        sessions_ended.send(sender=type(actor), user=actor)
