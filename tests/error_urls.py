"""The portal's addresses plus one that fails, for the 500 page test."""

from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def failing_view(request):
    raise RuntimeError("a bug")


urlpatterns = [*portal_urlpatterns, path("fejl-til-test/", failing_view)]
