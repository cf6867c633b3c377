"""The open-data page and its downloads."""

from django.http import StreamingHttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView

from grants.opendata import CSV_COLUMNS, csv_stream, giving_stream
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
        response["Content-Disposition"] = 'inline; filename="projekter.csv"'
        response["Access-Control-Allow-Origin"] = "*"
        return response


class GivingJsonView(View):
    def get(self, request):
        response = StreamingHttpResponse(
            giving_stream(site.base_url(request)), content_type="application/json"
        )
        response["Access-Control-Allow-Origin"] = "*"
        return response
