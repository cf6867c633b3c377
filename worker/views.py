"""The user's own settings page: which reminders they get and in which language."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from .forms import PreferencesForm
from .services import do_update_preferences, preferences_for


class PreferencesView(LoginRequiredMixin, FormView):
    template_name = "worker/preferences.html"
    form_class = PreferencesForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = preferences_for(self.request.user)
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        do_update_preferences(actor=self.request.user, values=form.cleaned_data)
        messages.success(self.request, _("Dine indstillinger er gemt."))
        return redirect("preferences")
