from django.urls import path

from indicators.views import staff

app_name = "indikatorer"

urlpatterns = [
    path("", staff.IndicatorListView.as_view(), name="list"),
    path(
        "politik/<int:pk>/opdatering/",
        staff.BarometerUpdateView.as_view(),
        name="barometer-update",
    ),
    path("ny/", staff.IndicatorEditView.as_view(), name="create"),
    path("import/", staff.ImportView.as_view(), name="import"),
    path("<int:pk>/", staff.IndicatorEditView.as_view(), name="edit"),
    path("<int:pk>/maalinger/", staff.MeasurementAddView.as_view(), name="measurement-add"),
    path(
        "<int:pk>/maalinger/<int:measurement_pk>/slet/",
        staff.MeasurementDeleteView.as_view(),
        name="measurement-delete",
    ),
]
