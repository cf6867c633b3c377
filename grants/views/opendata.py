"""The open-data page and its downloads."""

from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView

from grants.opendata import CSV_COLUMNS, csv_stream, giving_stream
from grants.opendata_xlsx import projects_xlsx_file
from grants.public import publishing_municipalities
from portal import site
from portal.models import Municipality
from portal.public_cache import public_download, public_page


@method_decorator(public_page, name="dispatch")
class DataPageView(TemplateView):
    template_name = "grants/public/data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            csv_columns=CSV_COLUMNS, municipalities=publishing_municipalities(), **kwargs
        )


def _municipality(kwargs: dict) -> Municipality | None:
    """The municipality of a municipality's own file (/data/<kommune>/…), else None. Only
    a municipality with funded projects has files (360Giving has no empty package)."""
    if "kommune" not in kwargs:
        return None
    return get_object_or_404(publishing_municipalities(), slug=kwargs["kommune"])


def _check_municipality(**kwargs) -> None:
    _municipality(kwargs)


@method_decorator(public_download(exists=_check_municipality), name="dispatch")
class ProjectsCsvView(View):
    """/data/projekter.csv, and one municipality's projects at /data/<kommune>/projekter.csv."""

    def get(self, request, **kwargs):
        municipality = _municipality(kwargs)
        response = StreamingHttpResponse(
            csv_stream(site.base_url(request), municipality),
            content_type="text/csv; charset=utf-8",
        )
        # The machine format (RFC 4180): UTF-8 without a byte-order mark, which would end up
        # in the first column's name in most parsers; people get projekter.xlsx instead.
        name = f"projekter-{municipality.slug}.csv" if municipality else "projekter.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


@method_decorator(public_download(exists=_check_municipality), name="dispatch")
class GivingJsonView(View):
    """/data/360giving.json (every funder), and a municipality's own 360Giving file at
    /data/<kommune>/360giving.json, with the municipality as its one funder."""

    def get(self, request, **kwargs):
        response = StreamingHttpResponse(
            giving_stream(site.base_url(request), _municipality(kwargs)),
            content_type="application/json",
        )
        return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@method_decorator(public_download, name="dispatch")
class ProjectsXlsxView(View):
    def get(self, request):
        # Sent from the temporary file in blocks; FileResponse closes (and so deletes) it.
        response = FileResponse(
            projects_xlsx_file(site.base_url(request)),
            as_attachment=True,
            filename="projekter.xlsx",
            content_type=XLSX,
        )
        return response
