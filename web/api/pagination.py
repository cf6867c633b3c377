"""Keyset pagination: each page continues after the last id of the one before (an opaque
cursor in `next`), so page 300 of a national list costs what page 1 does and a row added
meanwhile never shifts the pages. No total count: counting the country on every page would
cost more than the page."""

import base64

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from portal.params import id_param


class KeysetPagination(CursorPagination):
    ordering = "pk"
    page_size = 100
    page_size_query_param = "antal"
    max_page_size = 500
    cursor_query_param = "efter"

    def decode_cursor(self, request):
        """Only a cursor this API made: `p` the last id of a page (ASCII digits), `r` 0 or 1,
        no offset (ids are unique). Anything else is a 400 that says so; a made-up `p=abc`,
        `p=1e999` or `p=%00` went on to the database and answered 500 (attack round 7)."""
        values = request.query_params.getlist(self.cursor_query_param)
        if not values:
            return None
        try:
            # Strict base64: DRF's decoder skips stray characters, so "!!!" read as page 1.
            base64.b64decode(values[-1].encode("ascii"), validate=True)
            cursor = super().decode_cursor(request) if len(values) == 1 else None
        except (NotFound, ValueError):  # DRF's answer to bad base64 is a 404
            cursor = None
        if (
            cursor is None
            or cursor.offset
            or (cursor.position is not None and id_param(cursor.position) is None)
        ):
            # A list per parameter, as the filters' reasons are (fresh eyes round 40).
            raise ValidationError(
                {self.cursor_query_param: [_("Ugyldig »efter«: brug adressen i »next«.")]}
            )
        return cursor

    def get_page_size(self, request):
        """`antal` from 1 to 500; anything else is refused with a reason, not ignored."""
        value = request.query_params.getlist(self.page_size_query_param)
        if not value:
            return self.page_size
        size = id_param(value[-1]) if len(value) == 1 else None
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Skal være et helt tal fra 1 til %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = "Rækker pr. side (1-500, standard 100)"
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            else:
                parameter["description"] = "Fortsæt efter denne side (fra »next«)"
        return parameters
