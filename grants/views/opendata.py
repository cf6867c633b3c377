"""The open-data page and its downloads."""

from django.http import FileResponse, StreamingHttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView

from grants.opendata import CSV_COLUMNS, csv_stream, giving_stream
from grants.opendata_xlsx import projects_xlsx_file
from portal import site
from portal.public_cache import public_page


@method_decorator(public_page, name="dispatch")
class DataPageView(TemplateView):
    template_name = "grants/public/data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(csv_columns=CSV_COLUMNS, **kwargs)


class ProjectsCsvView(View):
    def get(self, request):
        response = StreamingHttpResponse(
            csv_stream(site.base_url(request)), content_type="text/csv; charset=utf-8"
        )
        # The machine format (RFC 4180): UTF-8 without a byte-order mark, which would end up
        # in the first column's name in most parsers; people get projekter.xlsx instead.
        response["Content-Disposition"] = 'attachment; filename="projekter.csv"'
        response["Access-Control-Allow-Origin"] = "*"
        return response


class GivingJsonView(View):
    def get(self, request):
        response = StreamingHttpResponse(
            giving_stream(site.base_url(request)), content_type="application/json"
        )
        response["Access-Control-Allow-Origin"] = "*"
        return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ProjectsXlsxView(View):
    def get(self, request):
        # Sent from the temporary file in blocks; FileResponse closes (and so deletes) it.
        response = FileResponse(
            projects_xlsx_file(site.base_url(request)),
            as_attachment=True,
            filename="projekter.xlsx",
            content_type=XLSX,
        )
        response["Access-Control-Allow-Origin"] = "*"
        return response
