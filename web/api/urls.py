from django.urls import path, re_path
from django.utils import translation
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.response import Response

from portal import site

from . import views
from .limits import public_api

app_name = "api"


class SchemaView(SpectacularJSONAPIView):
    """The OpenAPI document changes only with a release: made once per worker, language and
    address (75 ms of CPU each time before, the slowest answer of the API after the project
    lists; issue 17). A `?version=` asked for is made afresh, so no visitor can fill the
    memory with documents."""

    _documents: dict = {}

    def _get_schema_response(self, request):
        if request.GET:
            return super()._get_schema_response(request)
        key = (translation.get_language(), site.base_url(request))
        document = self._documents.get(key)
        if document is None:
            response = super()._get_schema_response(request)
            self._documents[key] = (response.data, dict(response.headers))
            return response
        data, headers = document
        return Response(data=data, headers=headers)


class DocsView(SpectacularSwaggerSplitView):
    # Our page around Swagger UI: no inline style (the CSP allows none), Danish title.
    template_name = "web/api_docs.html"
    title = "Integrationsportalen API"


urlpatterns = [
    path("", public_api(views.Root.as_view()), name="root"),
    path("projekter/", public_api(views.ProjectList.as_view()), name="projects"),
    path("projekter/<int:pk>/", public_api(views.ProjectDetail.as_view()), name="project"),
    path("puljer/", public_api(views.PoolList.as_view()), name="pools"),
    path("puljer/<int:pk>/", public_api(views.PoolDetail.as_view()), name="pool"),
    path("politikker/", public_api(views.PolicyList.as_view()), name="policies"),
    path("politikker/<int:pk>/", public_api(views.PolicyDetail.as_view()), name="policy"),
    path("indikatorer/", public_api(views.IndicatorList.as_view()), name="indicators"),
    path("indikatorer/<int:pk>/", public_api(views.IndicatorDetail.as_view()), name="indicator"),
    path("openapi.json", public_api(SchemaView.as_view(), limit=False), name="schema"),
    path("docs/", public_api(DocsView.as_view(url_name="api:schema"), limit=False), name="docs"),
    # [\s\S]: any character, a line break too (schemathesis sent one; "." left it to the HTML 404).
    re_path(r"^(?P<rest>[\s\S]*)$", public_api(views.not_found), name="not-found"),
]
