"""One answer when another action holds a lock too long: "try again", the form kept.

A service that waits too long for a row lock (PostgreSQL lock_timeout or
statement_timeout, SQLite's busy timeout) fails inside its transaction, so nothing is
saved; the view shows the same form again with what the user typed and status 503."""

from contextlib import contextmanager

from django.db import OperationalError

from grants.services.errors import Busy, is_lock_wait

BUSY_STATUS = 503


@contextmanager
def lock_waits_as_busy():
    """Turn a database lock wait that ran out into Busy (a DomainError with the message)."""
    try:
        yield
    except OperationalError as error:
        if is_lock_wait(error):
            raise Busy() from error
        raise
