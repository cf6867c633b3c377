""" "Start en ny ansøgning": the application form before the draft exists.

Opening the form saves nothing; the draft is created by the first "Gem kladde" (or the
first autosave, which tells the page the draft's own address)."""

import uuid

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grants.access import open_pools_for
from grants.models import Application, Pool, PoolStatus
from grants.services.drafts import do_create_draft
from grants.services.errors import DomainError
from grants.views.caseworker import (
    ApplicationEditView,
    autosave_refused,
    autosaved,
    build_forms,
    rescued_message,
    say_not_saved,
)


def not_for_you(pool: Pool) -> str:
    if pool.open_to_departments and not pool.open_to_organisations:
        return _("»%(pool)s« kan kun søges af kommunens egne afdelinger.") % {"pool": pool.title}
    if pool.open_to_organisations and not pool.open_to_departments:
        return _("»%(pool)s« kan kun søges af foreninger og organisationer.") % {"pool": pool.title}
    return _("Du kan ikke søge »%(pool)s«.") % {"pool": pool.title}


def closed_for_new(pool: Pool) -> str:
    text = _("»%(pool)s« er lukket for ansøgninger.") % {"pool": pool.title}
    if pool.application_deadline:
        deadline = date_format(timezone.localtime(pool.application_deadline), "DATETIME_FORMAT")
        text += " " + _("Fristen var %(deadline)s.") % {"deadline": deadline}
    if pool.contact:
        text += " " + _("Spørgsmål: %(contact)s") % {"contact": pool.contact}
    return text


class StartApplicationView(ApplicationEditView):
    """The empty form behind "Start en ny ansøgning"; the draft is made by its first save."""

    def unsaved_application(self) -> Application:
        pool = get_object_or_404(
            open_pools_for(self.request.user).select_related("policy", "municipality"),
            pk=self.kwargs["pool_id"],
        )
        user = self.request.user
        return Application(
            municipality=pool.municipality,
            pool=pool,
            department=user.department if user.department_id else None,
            organisation=user.organisation if user.organisation_id else None,
            created_by=user,
            title="",
        )

    def creation_token(self) -> uuid.UUID:
        """The page's own token (see do_create_draft): new on every visit, posted back."""
        try:
            return uuid.UUID(self.request.POST.get("creation_token", ""))
        except ValueError:
            return uuid.uuid4()

    def get_context_data(self, **kwargs):
        return super().get_context_data(creation_token=self.creation_token(), **kwargs)

    def dispatch(self, request, *args, **kwargs):
        # A pool of the user's municipality that is open, but not to their kind of applicant
        # (the call page's button, signed in as the other kind): say so instead of a 404.
        user = request.user
        if user.is_authenticated and user.municipality_id:
            pool = Pool.objects.filter(
                pk=kwargs.get("pool_id"), municipality_id=user.municipality_id
            ).first()
            if (
                pool is not None
                and pool.status == PoolStatus.OPEN
                and not open_pools_for(user).filter(pk=pool.pk).exists()
            ):
                messages.error(request, not_for_you(pool))
                return redirect("mine:dashboard")
            if pool is not None and pool.status == PoolStatus.CLOSED:
                # A bookmark or an old mail's link to a closed pool (fresh eyes round 18:
                # "Siden findes ikke").
                messages.error(request, closed_for_new(pool))
                return redirect("mine:dashboard")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        application = self.unsaved_application()
        data = self.pop_rescued_post()
        if data is not None:
            messages.warning(request, rescued_message(request.user))
        return self.render_forms(application, *build_forms(application, data))

    def post(self, request, *args, **kwargs):
        application = self.unsaved_application()
        background = request.headers.get("X-Requested-With") == "fetch"
        form, contacts, criteria = build_forms(application, request.POST)
        if not (form.is_valid() and contacts.is_valid() and criteria.is_valid()):
            if background:
                return autosave_refused(form, contacts, criteria)
            say_not_saved(request)
            return self.render_forms(application, form, contacts, criteria, status=400)
        try:
            application = do_create_draft(
                pool_id=application.pool_id,
                actor=request.user,
                content=form.to_content(contacts, criteria),
                creation_token=self.creation_token() if "creation_token" in request.POST else None,
            )
        except DomainError as error:
            if background:
                return JsonResponse({"saved": False, "message": str(error.message)}, status=400)
            messages.error(request, error.message)
            return self.render_forms(application, form, contacts, criteria, status=400)
        if background:
            return autosaved(application)
        return self.after_save(request, application)
