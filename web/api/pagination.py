"""Keyset pagination: each page continues after the last id of the one before (an opaque
cursor in `next`), so page 300 of a national list costs what page 1 does and a row added
meanwhile never shifts the pages. No total count: counting the country on every page would
cost more than the page."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination

from portal.params import id_param


class KeysetPagination(CursorPagination):
    ordering = "pk"
    page_size = 100
    page_size_query_param = "antal"
    max_page_size = 500
    cursor_query_param = "efter"

    def get_page_size(self, request):
        """`antal` from 1 to 500; anything else is refused with a reason, not ignored."""
        value = request.query_params.getlist(self.page_size_query_param)
        if not value:
            return self.page_size
        size = id_param(value[-1]) if len(value) == 1 else None
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: _("Skal være et helt tal fra 1 til %(max)s.")
                    % {"max": self.max_page_size}
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
