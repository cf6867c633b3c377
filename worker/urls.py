from django.urls import path

from . import views

urlpatterns = [
    path("paamindelser/", views.PreferencesView.as_view(), name="preferences"),
]
