"""The CSRF failure page in the portal's own layout (403.html, 404.html and 500.html are
Django's default handlers rendering the templates of the same names)."""

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """A form came back without a valid token: say so in plain words, in the page's language.

    Django's reason (e.g. "CSRF cookie not set.") is for developers and is not shown."""
    return render(request, "403_csrf.html", status=403)
