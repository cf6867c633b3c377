from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/sso/<slug:slug>/", views.StartView.as_view(), name="sso-start"),
    path("login/sso/<slug:slug>/retur/", views.CallbackView.as_view(), name="sso-callback"),
    path("login/sso/<slug:slug>/afvist/", views.RefusedView.as_view(), name="sso-refused"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("konto/log-ind/", views.OwnSignInsView.as_view(), name="own-sign-ins"),
]
