"""One answer for everything the API does not have: {"detail": "Findes ikke."}.

DRF turns Django's Http404 into its NotFound with Django's message, which names the model
("Ingen Application matcher den givne forespørgsel."): an internal English word, and a third
wording beside the API's own 404 and DRF's "Ikke fundet." (attack round 8)."""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, Http404 | exceptions.NotFound):
        exc = exceptions.NotFound(_("Findes ikke."))
    return drf_exception_handler(exc, context)
