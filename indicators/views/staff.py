"""Committee staff manage their municipality's indicators and measurements."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.base import ContextMixin, TemplateResponseMixin

from grants.access import StaffRequiredMixin
from grants.services.errors import DomainError, EditConflict
from policies.models import Policy
from portal.conflicts import CONFLICT_STATUS, saved_version, with_version
from portal.params import id_param

from ..forms import BarometerUpdateForm, ImportForm, IndicatorForm, MeasurementForm
from ..imports import COLUMNS, do_import_measurements
from ..models import Indicator
from ..selectors import assessed, with_measurements
from ..services import (
    do_add_measurement,
    do_delete_measurement,
    do_save_indicator,
    do_set_barometer_update_month,
)


def staff_indicators(user):
    if not (user.is_authenticated and user.is_committee_staff):
        return Indicator.objects.none()
    return Indicator.objects.filter(municipality_id=user.municipality_id)


class IndicatorListView(StaffRequiredMixin, TemplateView):
    template_name = "indicators/staff/list.html"

    def get_context_data(self, **kwargs):
        indicators = with_measurements(staff_indicators(self.request.user)).order_by("order", "pk")
        policies = Policy.objects.filter(municipality_id=self.request.user.municipality_id)
        return super().get_context_data(
            items=assessed(indicators),
            policy_forms=[
                (policy, BarometerUpdateForm(prefix=f"policy{policy.pk}", instance=policy))
                for policy in policies.order_by("-period_start")
            ],
            **kwargs,
        )


class BarometerUpdateView(StaffRequiredMixin, View):
    """When the policy's barometer is updated each year (the yearly cycle shows it)."""

    def post(self, request, pk: int):
        policy = get_object_or_404(
            Policy.objects.filter(municipality_id=request.user.municipality_id), pk=pk
        )
        form = BarometerUpdateForm(request.POST, prefix=f"policy{policy.pk}", instance=policy)
        if not form.is_valid():
            messages.error(request, _("Vælg en måned."))
            return redirect("indikatorer:list")
        try:
            do_set_barometer_update_month(
                policy_id=policy.pk,
                actor=request.user,
                month=form.cleaned_data["barometer_update_month"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if form.cleaned_data["barometer_update_month"]:
                messages.success(request, _("Barometerets opdatering står nu i årshjulet."))
            else:  # fresh eyes round 18: "står nu i årshjulet" after taking it out
                messages.success(request, _("Barometerets opdatering er taget ud af årshjulet."))
        return redirect("indikatorer:list")


class IndicatorPageMixin(StaffRequiredMixin, TemplateResponseMixin, ContextMixin):
    """The indicator page: its form, its measurements and the "add measurement" form."""

    template_name = "indicators/staff/form.html"

    def get_indicator(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(staff_indicators(self.request.user), pk=self.kwargs["pk"])

    def render(self, indicator, form, measurement_form=None, status=200, **extra):
        return self.render_to_response(
            self.get_context_data(
                indicator=indicator,
                form=form,
                measurement_form=measurement_form or MeasurementForm(),
                measurements=indicator.measurements.all() if indicator else [],
                **extra,
            ),
            status=status,
        )

    def render_conflict(self):
        """Keep what this user typed; show the colleague's saved indicator next to it."""
        current = self.get_indicator()
        municipality = self.request.user.municipality
        saved = IndicatorForm(instance=current, municipality=municipality)
        mine = IndicatorForm(
            with_version(self.request.POST, current.version),
            instance=current,
            municipality=municipality,
        )
        mine.is_valid()
        version = saved_version(current, mine, saved)
        current.refresh_from_db()  # validating `mine` wrote the typed values onto it
        return self.render(current, mine, status=CONFLICT_STATUS, saved_version=version)


class IndicatorEditView(IndicatorPageMixin, View):
    """Create (no pk) or edit an indicator; its measurements are listed and added here too."""

    def get(self, request, *args, **kwargs):
        indicator = self.get_indicator()
        form = IndicatorForm(instance=indicator, municipality=request.user.municipality)
        return self.render(indicator, form)

    def post(self, request, *args, **kwargs):
        indicator = self.get_indicator()
        form = IndicatorForm(
            request.POST, instance=indicator, municipality=request.user.municipality
        )
        if not form.is_valid():
            messages.error(request, _("Indikatoren er ikke gemt. Ret de markerede felter."))
            return self.render(indicator, form, status=400)
        try:
            saved = do_save_indicator(
                indicator=form.save(commit=False),
                municipality_id=request.user.municipality_id,
                expected_version=form.cleaned_data.get("version"),
                committees=form.cleaned_data["responsible_committees"],
            )
        except EditConflict:
            messages.error(
                request,
                _("Indikatoren er gemt et andet sted, mens du redigerede. Intet er overskrevet."),
            )
            return self.render_conflict()
        except DomainError as error:
            messages.error(request, error.message)
            return self.render(indicator, form, status=400)
        messages.success(request, _("Indikatoren er gemt."))
        return redirect("indikatorer:edit", pk=saved.pk)


class MeasurementAddView(IndicatorPageMixin, View):
    """The "add measurement" form of the indicator page. Refused input comes back on that
    page with what was typed; a measurement a colleague added for the same year meanwhile
    is shown next to it."""

    def post(self, request, pk: int):
        indicator = self.get_indicator()
        indicator_form = IndicatorForm(instance=indicator, municipality=request.user.municipality)
        form = MeasurementForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Målingen er ikke tilføjet. Ret de markerede felter."))
            return self.render(indicator, indicator_form, form, status=400)
        try:
            do_add_measurement(
                indicator=indicator, measurement=form.save(commit=False), actor=request.user
            )
        except DomainError as error:
            existing = indicator.measurements.filter(
                year=form.cleaned_data["year"], period=form.cleaned_data["period"]
            ).first()
            messages.error(request, error.message)
            if error.field in form.fields:
                form.add_error(error.field, error.message)
            # A measurement the page already listed is no edit conflict, only a year taken
            # (fresh eyes round 21: "En anden har gemt" for a row shown all along).
            seen = {id_param(pk) for pk in request.POST.get("seen", "").split(",")}
            added_meanwhile = existing is not None and existing.pk not in seen
            extra = {}
            if added_meanwhile:
                extra["saved_version"] = saved_version(
                    existing, MeasurementForm(request.POST), MeasurementForm(instance=existing)
                )
            status = CONFLICT_STATUS if added_meanwhile else 400
            return self.render(indicator, indicator_form, form, status=status, **extra)
        messages.success(request, _("Målingen er tilføjet."))
        return redirect("indikatorer:edit", pk=pk)


class MeasurementDeleteView(StaffRequiredMixin, View):
    def post(self, request, pk: int, measurement_pk: int):
        indicator = get_object_or_404(staff_indicators(request.user), pk=pk)
        measurement = get_object_or_404(indicator.measurements, pk=measurement_pk)
        try:
            do_delete_measurement(
                measurement_id=measurement.pk,
                actor=request.user,
                municipality_id=request.user.municipality_id,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Målingen er slettet."))
        return redirect("indikatorer:edit", pk=pk)


class ImportView(StaffRequiredMixin, TemplateView):
    template_name = "indicators/staff/import.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            columns=COLUMNS,
            indicators=staff_indicators(self.request.user).order_by("order", "pk"),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=ImportForm()))

    def post(self, request, *args, **kwargs):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        result = do_import_measurements(
            data=form.cleaned_data["file"].read(), municipality_id=request.user.municipality_id
        )
        if not result.ok:
            messages.error(request, _("Intet er importeret. Ret fejlene i filen og prøv igen."))
            return self.render_to_response(
                self.get_context_data(form=ImportForm(), errors=result.errors), status=400
            )
        messages.success(
            request,
            _("%(created)s nye og %(updated)s opdaterede målinger er importeret.")
            % {"created": result.created, "updated": result.updated},
        )
        return redirect("indikatorer:list")
