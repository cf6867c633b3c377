""" "Start en ny ansøgning": the application form before the draft exists.

Opening the form saves nothing; the draft is created by the first "Gem kladde" (or the
first autosave, which tells the page the draft's own address)."""

import uuid

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from grants.access import open_pools_for
from grants.models import Application
from grants.services.drafts import do_create_draft
from grants.services.errors import DomainError
from grants.views.caseworker import (
    NOT_AUTOSAVED,
    NOT_SAVED,
    RESCUED_MESSAGE,
    ApplicationEditView,
    autosaved,
    build_forms,
)


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

    def get(self, request, *args, **kwargs):
        application = self.unsaved_application()
        data = self.pop_rescued_post()
        if data is not None:
            messages.warning(request, RESCUED_MESSAGE)
        return self.render_forms(application, *build_forms(application, data))

    def post(self, request, *args, **kwargs):
        application = self.unsaved_application()
        background = request.headers.get("X-Requested-With") == "fetch"
        form, contacts, criteria = build_forms(application, request.POST)
        if not (form.is_valid() and contacts.is_valid() and criteria.is_valid()):
            if background:
                return JsonResponse({"saved": False, "message": NOT_AUTOSAVED}, status=400)
            messages.error(request, NOT_SAVED)
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
