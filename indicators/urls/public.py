from django.urls import path

from indicators.views import public

app_name = "barometer"

urlpatterns = [
    path("", public.BarometerView.as_view(), name="index"),
    path("indikator/<int:pk>/", public.IndicatorView.as_view(), name="indicator"),
    path("indikator/<int:pk>.csv", public.IndicatorCsvView.as_view(), name="indicator-csv"),
    # After the indicator's addresses, like the policy pages' /politikker/<kommune>/<slug>/.
    path("<slug:kommune>/<slug:slug>/", public.PolicyBarometerView.as_view(), name="policy"),
]
