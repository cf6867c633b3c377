import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 - configured by get_wsgi_application

if not settings.DEBUG and not settings.SECRET_KEY_FROM_ENVIRONMENT:
    raise ImproperlyConfigured(
        "Set SECRET_KEY in the environment (or DEBUG=1 for local development)."
    )

from portal.heap import settle_for_serving  # noqa: E402 - needs the configured settings

settle_for_serving()
