from django.urls import path

from grants.views import people

urlpatterns = [
    path("", people.SignInLinkRequestView.as_view(), name="email-sign-in"),
    path("<str:token>/", people.SignInLinkView.as_view(), name="email-sign-in-link"),
]
