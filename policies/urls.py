from django.urls import path

from . import views

app_name = "politikker"

urlpatterns = [
    path("", views.PolicyListView.as_view(), name="list"),
    path("maal/<int:pk>/", views.GoalView.as_view(), name="goal"),
    path("<slug:kommune>/<slug:slug>/", views.PolicyView.as_view(), name="policy"),
]
