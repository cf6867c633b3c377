from django.urls import path

from grants.views import call, opendata, public

app_name = "public"

urlpatterns = [
    path("projekter/", public.CatalogueView.as_view(), name="catalogue"),
    path("projekter/<int:pk>/", public.ProjectView.as_view(), name="project"),
    path("puljer/", public.PoolsView.as_view(), name="pools"),
    path("puljer/soeg/<int:pk>/", call.CallView.as_view(), name="call"),
    path("puljer/<slug:kommune>/<int:aar>/", public.PoolView.as_view(), name="pool"),
    path("puljer/<slug:kommune>/<int:aar>/<int:pk>/", public.PoolView.as_view(), name="pool-round"),
    path("data/", opendata.DataPageView.as_view(), name="data"),
    path("data/projekter.csv", opendata.ProjectsCsvView.as_view(), name="projects-csv"),
    path("data/projekter.xlsx", opendata.ProjectsXlsxView.as_view(), name="projects-xlsx"),
    path("data/360giving.json", opendata.GivingJsonView.as_view(), name="giving-json"),
    # Each municipality's own files, as the publisher of its grants.
    path(
        "data/<slug:kommune>/360giving.json",
        opendata.GivingJsonView.as_view(),
        name="municipality-giving-json",
    ),
    path(
        "data/<slug:kommune>/projekter.csv",
        opendata.ProjectsCsvView.as_view(),
        name="municipality-projects-csv",
    ),
]
