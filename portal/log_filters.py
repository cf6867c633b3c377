"""Logging filters (settings.LOGGING)."""

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A refused request (403 PermissionDenied, 400, 404) is the visitor's mistake or a rule
    doing its job, not a bug: log its one line, without the traceback Django attaches.
    Server errors (500) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
