from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from portal.public_cache import public_page


def start_page(request):
    """Where login lands: each role's own start page."""
    user = request.user
    if user.is_authenticated and (user.is_caseworker or user.is_organisation_person):
        return redirect("mine:dashboard")
    if user.is_authenticated and user.is_committee_staff:
        return redirect("sekretariat:home")
    if user.is_authenticated and user.is_staff:
        return redirect("admin:index")
    return redirect("home")


@method_decorator(public_page, name="dispatch")
class AccessibilityView(TemplateView):
    """Tilgængelighedserklæring, as Danish law requires of public-sector websites."""

    template_name = "accessibility.html"
