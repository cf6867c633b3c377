"""Forms that take files: a file that can never be taken (too large, not a document) is said
at once when the form is refused for something else, by the same check every stored file
passes (grants.services.attachments.checked_kind)."""

from grants.services.attachments import refusal_of
from portal.forms import FilesAskedAgainMixin


class CheckedFilesMixin(FilesAskedAgainMixin):
    refusal_of = staticmethod(refusal_of)
