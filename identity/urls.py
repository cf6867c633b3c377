from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/sso/<slug:slug>/", views.start, name="sso-start"),
    path("login/sso/<slug:slug>/retur/", views.callback, name="sso-callback"),
    path("logout/", views.logout, name="logout"),
]
