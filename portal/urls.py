from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from django.views.i18n import set_language

from . import auth_views as account
from . import views

urlpatterns = [
    # The front page and sitemap.xml gather every app's pages: they live in web/ (the roof).
    path("", include("web.urls")),
    path("start/", views.start_page, name="start"),
    # The login page, sign-in through each municipality's identity provider, and logout.
    path("", include("identity.urls")),
    # E-mail sign-in links for organisations' people (development and demo only).
    path("login/e-mail/", include("grants.urls.people")),
    path("login/bekraeft/", account.VerifyView.as_view(), name="login-verify"),
    path("konto/totrinslogin/", account.SetupView.as_view(), name="two-factor-setup"),
    path("konto/", include("worker.urls")),
    path("konto/log-ud-overalt/", account.LogoutEverywhereView.as_view(), name="logout-everywhere"),
    path("", include("grants.urls.public")),
    path("politikker/", include("policies.urls")),
    path("barometer/", include("indicators.urls.public")),
    path("api/v1/", include("web.api.urls")),
    path("sekretariat/barometer/", include("indicators.urls.staff")),
    path("tilgaengelighed/", views.AccessibilityView.as_view(), name="accessibility"),
    path("mine/", include("grants.urls.caseworker")),
    path("sekretariat/", include("grants.urls.staff")),
    path("sekretariat/", include("grants.urls.documents")),
    # Choosing a language changes nothing but a cookie; without CSRF the switch also works on
    # cached public pages, whose form cannot carry a per-visitor token.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # Before the admin's own URLs: its login is the portal's (password, second factor, SSO).
    path("admin/login/", account.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]
